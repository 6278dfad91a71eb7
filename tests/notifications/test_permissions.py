import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from notifications.permissions import reads_firm_notifications
from tests import factories


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ENTERPRISE, True),
        (Role.CITY_ADMIN, False),
        (Role.CITY_STAFF, False),
        (Role.COUNTY_STAFF, False),
        (Role.OFFICER, False),
        (Role.LEADER, False),
    ],
)
def test_only_a_firms_own_account_reads_its_firms_notifications(db, role, expected):
    firm = factories.EnterpriseFactory() if role == Role.ENTERPRISE else None
    user = factories.make_user(role, enterprise=firm, county_code="410402" if role == Role.COUNTY_STAFF else None)
    assert reads_firm_notifications(user) is expected
    user.is_active = False
    assert reads_firm_notifications(user) is False
    assert reads_firm_notifications(AnonymousUser()) is False
