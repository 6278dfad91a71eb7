"""Who may do what in cultivation (cultivation.permissions), role by role."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from cultivation import permissions
from tests import factories

# Per role: pin (and handle a warning, act on an entry, edit a plan) in its own county, in another county; see the
# board; the board opens on its own county; open a campaign; pick candidates; change the cultivation settings.
EXPECTED = {
    Role.CITY_ADMIN: (True, True, True, False, True, True, True),
    Role.CITY_STAFF: (True, True, True, False, True, True, False),
    Role.COUNTY_STAFF: (True, False, True, True, False, True, False),
    Role.LEADER: (False, False, True, False, False, False, False),
    Role.OFFICER: (False, False, False, False, False, False, False),
    Role.ENTERPRISE: (False, False, False, False, False, False, False),
}


def _answers(user, home, away) -> tuple:
    return (
        permissions.can_pin(user, home),
        permissions.can_pin(user, away),
        permissions.may_see_board(user),
        permissions.board_shows_own_county(user),
        permissions.can_open_campaign(user),
        permissions.can_select_candidates(user),
        permissions.may_change_settings(user),
    )


@pytest.fixture
def firms(db):
    return (
        factories.EnterpriseFactory(county=factories.county("410402")),
        factories.EnterpriseFactory(county=factories.county("410482")),
    )


@pytest.mark.parametrize("role", list(Role))
def test_each_role(firms, role):
    home, away = firms
    user = factories.make_user(role, county_code="410402" if role == Role.COUNTY_STAFF else None,
                               enterprise=home if role == Role.ENTERPRISE else None)  # fmt: skip
    assert _answers(user, home, away) == EXPECTED[role]
    # Warnings, entries and tasks follow their firm's pin rule; the plan adds only the firm's own officer (an
    # officer without an assignment here).
    for row in (SimpleNamespace(enterprise=home), SimpleNamespace(enterprise=away)):
        allowed = permissions.can_pin(user, row.enterprise)
        assert permissions.can_handle_warning(user, row) is allowed
        assert permissions.can_act_on_entry(user, row) is allowed
        assert permissions.can_change_task(user, row) is allowed
        assert permissions.can_edit_plan(user, row.enterprise) is allowed


def test_nobody_without_an_active_account(firms):
    home, away = firms
    inactive = factories.make_user(Role.CITY_STAFF)
    inactive.is_active = False
    for user in (AnonymousUser(), inactive, None):
        assert _answers(user, home, away) == (False,) * 7


def test_a_superuser_counts_as_the_city_administrator(firms):
    home, away = firms
    user = factories.make_user(Role.COUNTY_STAFF, county_code="410402")
    user.is_superuser = True
    assert _answers(user, home, away) == EXPECTED[Role.CITY_ADMIN]
