"""The menu (workspaces.navigation) for every demo role: at most six groups, only the pages the role may open, each
of them answering, the current group marked, and no query spent on it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import resolve, reverse

from accounts.backends import PortalModelBackend
from accounts.models import Role
from demo.firms import DEMO_USERS
from tests.workspaces.cast import demo_cast
from workspaces.navigation import ACCOUNT_ENTRIES, GROUPS, MAX_GROUPS, account_menu_for, menu_for

DEMO_USERNAMES = [demo.username for demo in DEMO_USERS]
ONE_USER_PER_ROLE = list({demo.account_role: demo.username for demo in reversed(DEMO_USERS)}.values())

# What each demo user finds at the top of the menu (a group of one entry is a plain link, named by its entry).
EXPECTED_TOP = {
    "admin": ["home", "firms", "cultivation", "services", "vouchers", "stats"],
    "city": ["home", "firms", "cultivation", "services", "vouchers", "stats"],
    "leader": ["home", "firms", "cultivation", "services", "vouchers", "stats"],
    "officer": ["home", "firms", "cultivation", "services", "stats"],
    "xinhua": ["home", "firms", "cultivation", "services", "vouchers", "stats"],
    "ruzhou": ["home", "firms", "cultivation", "services", "vouchers", "stats"],
    "firm_hightech": ["home", "firms", "services", "vouchers"],
    "firm_sme": ["home", "firms", "services", "vouchers"],
    "firm_small": ["home", "firms", "services", "vouchers"],
}
SINGLE_LINKS = {
    "officer": {"home": "nav-home", "cultivation": "nav-warnings", "stats": "nav-coverage"},
    "firm_hightech": {"home": "nav-home"},
}


@pytest.fixture
def cast(db):
    return demo_cast()


def loaded(user):
    """The user as a request gets it: through the portal's backend, with its county and firm."""
    return PortalModelBackend().get_user(user.pk)


def test_the_demo_users_cover_every_role():
    assert {demo.account_role for demo in DEMO_USERS} == set(Role.values)


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_each_role_sees_at_most_six_groups_of_exactly_the_entries_it_may_open(cast, username):
    user = cast[username]
    groups = menu_for(user)
    assert len(groups) <= MAX_GROUPS
    assert [group.key for group in groups] == EXPECTED_TOP[username]
    assert all(group.links for group in groups)
    shown = {link.element_id for group in groups for link in group.links}
    assert shown == {entry.element_id for group in GROUPS for entry in group.entries if entry.allowed(user)}
    for key, element_id in SINGLE_LINKS.get(username, {}).items():
        group = next(group for group in groups if group.key == key)
        assert group.single is not None and group.single.element_id == element_id


@pytest.mark.parametrize("username", ONE_USER_PER_ROLE)
def test_each_page_of_a_roles_menu_answers_and_the_header_shows_only_those(client, cast, username):
    user = cast[username]
    links = [link for group in menu_for(user) for link in group.links] + list(account_menu_for(user))
    client.force_login(user)
    for link in links:
        # The home may send a role on to its own home page (a leader's is the dashboard).
        response = client.get(link.url, follow=True)
        assert response.status_code == 200, (username, link.element_id)
        assert len(response.redirect_chain) <= 1, (username, link.element_id)

    page = client.get(reverse("notifications:list")).content.decode()
    every_id = {entry.element_id for group in GROUPS for entry in group.entries}
    every_id |= {entry.element_id for entry in ACCOUNT_ENTRIES}
    shown = {link.element_id for link in links}
    for element_id in every_id:
        assert (f'id="{element_id}"' in page) == (element_id in shown), (username, element_id)


def test_a_denied_page_is_not_offered(cast):
    """The pages the menu leaves out are the ones the role's permission refuses (spot checks of the table above)."""
    offered = {
        name: {link.element_id for group in menu_for(user) for link in group.links} for name, user in cast.items()
    }
    assert "nav-dashboard" not in offered["officer"] | offered["firm_sme"]
    assert "nav-my-firms" in offered["officer"] and "nav-my-firms" not in offered["admin"]
    assert "nav-voucher-publicity" in offered["leader"] and "nav-voucher-publicity" not in offered["xinhua"]
    assert "nav-voucher-queue" in offered["xinhua"] and "nav-voucher-queue" not in offered["leader"]
    assert "nav-enterprises" not in offered["firm_sme"] and "nav-own-enterprise" in offered["firm_sme"]
    assert "nav-import" in offered["ruzhou"] and "nav-import" not in offered["leader"]
    assert all("nav-quality" in offered[name] for name in ("xinhua", "city", "leader", "admin"))
    assert "nav-quality" not in offered["officer"] | offered["firm_sme"]
    assert {link.element_id for link in account_menu_for(cast["admin"])} == {
        "nav-password",
        "nav-notification-settings",
        "nav-api-docs",
        "nav-access-log",
        "nav-admin",
    }
    assert "nav-access-log" not in {link.element_id for link in account_menu_for(cast["city"])}
    assert "nav-admin" not in {link.element_id for link in account_menu_for(cast["city"])}


def test_no_menu_for_an_anonymous_or_inactive_user(cast):
    from django.contrib.auth.models import AnonymousUser

    assert menu_for(AnonymousUser()) == [] and account_menu_for(AnonymousUser()) == ()
    city = cast["city"]
    city.is_active = False
    assert menu_for(city) == []


@pytest.mark.parametrize(
    ("username", "path", "group"),
    [
        ("xinhua", "/", "home"),
        ("xinhua", "/vouchers/queue/", "vouchers"),
        ("xinhua", "/officers/coverage/", "stats"),  # the officers' page sits under statistics
        ("xinhua", "/officers/demands/", "services"),
        ("xinhua", "/cultivation/warnings/", "cultivation"),
        ("xinhua", "/scoring/runs/1/", "cultivation"),  # a page of the group's namespace, not an entry itself
        ("firm_sme", "/vouchers/claims/1/", "vouchers"),
        ("firm_sme", "/ip/91410400000000000X/", "firms"),
        ("leader", "/dashboard/county/410402/", "stats"),
        ("xinhua", "/quality/firms/unmatched/", "stats"),
        ("leader", "/notifications/", None),
    ],
)  # fmt: skip
def test_the_current_group_follows_the_resolved_url(cast, username, path, group):
    match = resolve(path)
    groups = menu_for(cast[username], view_name=match.view_name, namespace=match.namespace)
    assert [g.key for g in groups if g.active] == ([group] if group else [])


def test_the_current_page_is_marked_in_the_header(client, cast):
    client.force_login(cast["xinhua"])
    page = client.get(reverse("cultivation:warnings")).content.decode()
    assert re.search(r'class="nav-link dropdown-toggle active"[^>]*id="nav-group-cultivation"', page)
    assert re.search(r'class="dropdown-item active"[^>]*id="nav-warnings" aria-current="page"', page)


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_the_whole_page_frame_costs_no_query(cast, username, django_assert_num_queries):
    """base.html with its menu, bell and account menu, for a user loaded as a request loads it: no query at all."""
    path = reverse("policies:notices")
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    request.user = loaded(cast[username])
    with django_assert_num_queries(0):
        html = render_to_string("base.html", request=request)
    assert 'id="notification-bell"' in html and 'id="current-user"' in html


def test_every_icon_the_pages_use_is_in_the_sprite():
    """`{% icon %}` names a symbol of static/vendor/icons.svg, which the Makefile's ICONS list (and the Dockerfile's
    copy of it) builds: an icon missing there would be an empty square."""
    root = Path(settings.BASE_DIR)
    makefile = (root / "Makefile").read_text()
    listed = set(
        re.search(r"^ICONS := ((?:.*\\\n)*.*)$", makefile, flags=re.MULTILINE).group(1).replace("\\", " ").split()
    )
    dockerfile = (root / "Dockerfile").read_text()
    in_docker = set(re.search(r"for icon in ([^;]*); do", dockerfile).group(1).replace("\\", " ").split())
    assert in_docker == listed
    used = {group.icon for group in GROUPS} | {entry.icon for entry in ACCOUNT_ENTRIES}
    for template in (root / "templates").rglob("*.html"):
        used |= set(re.findall(r"""{% icon ["'](\w[\w-]*)["'] %}""", template.read_text()))
    assert used <= listed, used - listed


@pytest.mark.parametrize("username", ONE_USER_PER_ROLE)
def test_a_page_with_the_whole_menu_costs_the_same_few_queries_for_every_role(
    client, cast, username, django_assert_num_queries
):
    client.force_login(cast[username])
    # session, user (with county and firm), the count of the user's notifications (none: no page to read)
    with django_assert_num_queries(3):
        page = client.get(reverse("notifications:list")).content.decode()
    assert 'id="nav-home"' in page and 'id="user-menu"' in page
