"""The role primitives every app's permissions module builds on, and the rule that nothing else reads a role."""

import re
import tomllib
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import permissions
from accounts.models import Role
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
APPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
# Reading `.role` (user.role, actor.role, account.role …), in code or in a template.
ROLE_READ = re.compile(r"\.role\b")
# Where a role may be read: the row scope, and each app's permissions module.
ALLOWED = {"accounts/scoping.py"}


def _role_reads() -> list[str]:
    files = [path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]
    files += list((ROOT / "templates").rglob("*.html"))
    found = []
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        if relative in ALLOWED or path.name == "permissions.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if ROLE_READ.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_role_is_read_outside_scoping_and_permissions():
    assert _role_reads() == []


def test_role_read_pattern_sees_code_and_templates():
    assert ROLE_READ.search("if user.role == Role.LEADER:")
    assert ROLE_READ.search('{% if user.role != "enterprise" %}')
    assert not ROLE_READ.search("User.objects.filter(role=Role.ENTERPRISE)")
    assert not ROLE_READ.search("self.fields['role']")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # The demo's and the factory's city administrators are superusers too.
        (Role.CITY_ADMIN, {"is_city_admin", "is_city_staff", "is_staff"}),
        (Role.CITY_STAFF, {"is_city_staff", "is_staff"}),
        (Role.COUNTY_STAFF, {"is_county_staff", "is_staff"}),
        (Role.OFFICER, {"is_officer"}),
        (Role.ENTERPRISE, {"is_enterprise_user"}),
        (Role.LEADER, {"is_leader"}),
    ],
)
def test_each_role_holds_exactly_its_predicates(db, role, expected):
    firm = factories.EnterpriseFactory() if role == Role.ENTERPRISE else None
    user = factories.make_user(role, county_code="410402" if role == Role.COUNTY_STAFF else None, enterprise=firm)
    names = ["is_city_admin", "is_city_staff", "is_county_staff", "is_staff", "is_leader", "is_officer"]
    names.append("is_enterprise_user")
    assert {name for name in names if getattr(permissions, name)(user)} == expected


def test_an_inactive_or_anonymous_user_holds_no_role(db):
    inactive = factories.make_user(Role.CITY_ADMIN)
    inactive.is_active = False
    for user in (inactive, AnonymousUser(), None):
        assert not permissions.is_city_admin(user)
        assert not permissions.is_staff(user)
        assert not permissions.is_active_user(user)


def test_a_superuser_counts_as_the_city_administrator(db):
    superuser = factories.make_user(Role.LEADER)
    superuser.is_superuser = True
    assert permissions.is_city_admin(superuser) and permissions.is_city_staff(superuser)
    assert permissions.is_leader(superuser)


def test_county_staff_act_in_their_own_county_only(db):
    xinhua = factories.make_user(Role.COUNTY_STAFF, county_code="410402")
    city = factories.make_user(Role.CITY_STAFF)
    assert permissions.is_staff_of_county(xinhua, xinhua.county_id)
    assert not permissions.is_staff_of_county(xinhua, xinhua.county_id + 1)
    assert permissions.is_staff_of_county(city, xinhua.county_id)
    assert not permissions.is_staff_of_county(xinhua, None)
