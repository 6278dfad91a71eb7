"""Who may do what in the officers module (officers.permissions), over every role, and the navigation built on it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from officers import permissions
from officers.models import Demand
from officers.permissions import FILER, OWNER, STAFF
from tests import factories
from tests.officers import factories as officer_factories

HOME, AWAY = "410402", "410482"
EVERYONE = {"city_admin", "city_staff", "county_staff", "other_county_staff", "leader", "officer", "other_officer",
            "firm_user", "other_firm_user", "inactive_staff", "anonymous"}  # fmt: skip
STAFF_USERS = {"city_admin", "city_staff", "county_staff", "other_county_staff"}
STAFF_IN_HOME = {"city_admin", "city_staff", "county_staff"}


@pytest.fixture
def cast(db):
    """A user of every role around one firm of the home county, served by `officer`; `other_officer` serves none
    and owns the firm's demand (as if its firm had moved on)."""
    firm = factories.EnterpriseFactory(county=factories.county(HOME))
    other_firm = factories.EnterpriseFactory(county=factories.county(AWAY))
    officer = officer_factories.officer(county_code=HOME, username="officer")
    other_officer = officer_factories.officer(county_code=HOME, username="other-officer")
    officer_factories.assign(firm, officer)
    inactive = factories.make_user(Role.CITY_STAFF)
    inactive.is_active = False
    inactive.save()
    users = {
        "city_admin": factories.make_user(Role.CITY_ADMIN),
        "city_staff": factories.make_user(Role.CITY_STAFF),
        "county_staff": factories.make_user(Role.COUNTY_STAFF, county_code=HOME),
        "other_county_staff": factories.make_user(Role.COUNTY_STAFF, county_code=AWAY),
        "leader": factories.make_user(Role.LEADER),
        "officer": officer.user,
        "other_officer": other_officer.user,
        "firm_user": factories.make_user(Role.ENTERPRISE, enterprise=firm),
        "other_firm_user": factories.make_user(Role.ENTERPRISE, enterprise=other_firm),
        "inactive_staff": inactive,
        "anonymous": AnonymousUser(),
    }
    demand = Demand.objects.create(
        enterprise=firm, category="technical", title="t", description="d", filed_by=users["firm_user"],
        owner=other_officer.user,
    )  # fmt: skip
    return {"users": users, "firm": firm, "officer": officer, "demand": demand}


def allowed(cast, predicate) -> set[str]:
    return {name for name, user in cast["users"].items() if predicate(user)}


def test_officers_and_assignments(cast):
    firm, officer, county = cast["firm"], cast["officer"], cast["firm"].county
    assert allowed(cast, permissions.may_manage_officers) == STAFF_USERS
    assert allowed(cast, permissions.may_see_officer_list) == STAFF_USERS | {"leader"}
    assert allowed(cast, lambda user: permissions.can_manage_officer(user, officer)) == STAFF_IN_HOME
    assert allowed(cast, lambda user: permissions.can_place_officer(user, county)) == STAFF_IN_HOME
    assert allowed(cast, lambda user: permissions.can_place_officer(user, None)) == {"city_admin", "city_staff"}
    assert allowed(cast, lambda user: permissions.can_assign(user, firm)) == STAFF_IN_HOME
    assert allowed(cast, permissions.may_see_my_firms) == {"officer", "other_officer"}
    assert allowed(cast, permissions.may_see_coverage) == STAFF_USERS | {"leader", "officer", "other_officer"}
    assert allowed(cast, permissions.may_change_officer_settings) == {"city_admin"}


def test_who_may_hold_an_officer_profile(cast):
    users = cast["users"]
    assert permissions.holds_officer_role(users["officer"]) and not permissions.holds_officer_role(users["leader"])
    users["other_officer"].is_active = False
    assert permissions.holds_officer_role(users["other_officer"])


def test_service_logs(cast):
    firm = cast["firm"]
    assert allowed(cast, lambda user: permissions.may_log_service(user, firm)) == {"officer"}
    assert allowed(cast, permissions.may_read_service_logs) == EVERYONE - {
        "firm_user", "other_firm_user", "inactive_staff", "anonymous"
    }  # fmt: skip


def test_demands(cast):
    firm, demand = cast["firm"], cast["demand"]
    assert allowed(cast, lambda user: permissions.can_file_demand(user, firm)) == STAFF_IN_HOME | {
        "officer", "firm_user"
    }  # fmt: skip
    assert allowed(cast, permissions.files_for_own_firm) == {"firm_user", "other_firm_user"}
    assert allowed(cast, permissions.files_for_assigned_firms) == {"officer", "other_officer"}
    parties = {name: permissions.demand_parties(user, demand) for name, user in cast["users"].items()}
    assert {name: found for name, found in parties.items() if found} == {
        "city_admin": {STAFF}, "city_staff": {STAFF}, "county_staff": {STAFF}, "officer": {FILER},
        "other_officer": {OWNER}, "firm_user": {FILER},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("name", "officers_item", "my_firms_item"),
    [("city_admin", True, False), ("city_staff", True, False), ("county_staff", True, False), ("leader", True, False),
     ("officer", False, True), ("firm_user", False, False)],
)  # fmt: skip
def test_the_navigation_shows_the_officers_pages_to_who_may_see_them(client, cast, name, officers_item, my_firms_item):
    client.force_login(cast["users"][name])
    page = client.get("/officers/demands/").content.decode()
    assert ('id="nav-officers"' in page, 'id="nav-my-firms"' in page) == (officers_item, my_firms_item)
