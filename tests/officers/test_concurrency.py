"""Two staff members giving the last place of one officer at the same moment: one wins, the load stays within the
maximum (row lock on the officer, and the database's check behind it)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import Role
from officers.models import Assignment, OfficerProfile
from officers.services import assign_officer
from tests import factories
from tests.officers import factories as officer_factories


@pytest.mark.django_db(transaction=True)
def test_concurrent_assignments_never_exceed_the_maximum(require_postgres):
    officer = officer_factories.officer(max_load=1)
    firms = factories.EnterpriseFactory.create_batch(2)
    staff = [factories.make_user(Role.CITY_STAFF) for _ in firms]
    barrier = threading.Barrier(len(firms))
    outcomes = []

    def assign(firm, actor):
        try:
            barrier.wait(timeout=10)
            assign_officer(enterprise=firm, officer=officer, actor=actor)
            outcomes.append("assigned")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=pair) for pair in zip(firms, staff, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["assigned", "refused"]
    assert Assignment.objects.filter(ended_at__isnull=True).count() == 1
    assert OfficerProfile.objects.get(pk=officer.pk).load == 1
