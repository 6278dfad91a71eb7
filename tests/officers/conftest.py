import pytest

from accounts.models import Role
from officers.models import AssignmentRun
from officers.services import auto_assign_request
from tests import factories


@pytest.fixture
def city_staff(db):
    return factories.make_user(Role.CITY_STAFF)


@pytest.fixture
def run_auto_assign(db, django_capture_on_commit_callbacks):
    """Request an auto-assign run as the page does and let its task (inline in tests) run after commit."""

    def run(actor, *, include_key_list=False) -> AssignmentRun:
        with django_capture_on_commit_callbacks(execute=True):
            requested = auto_assign_request(actor=actor, include_key_list=include_key_list)
        requested.refresh_from_db()
        return requested

    return run
