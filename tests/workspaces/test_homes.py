"""Each role's home: its counts are the counts of the lists they link to (on the hand-counted office of conftest),
its scope, its empty states and its fixed number of queries."""

from html import unescape

import pytest
from django.urls import reverse

from accounts.models import Role
from tests import factories
from tests.dashboards.conftest import refreshed, small_city  # noqa: F401  (shared fixtures)
from tests.officers import factories as officer_factories
from tests.workspaces.conftest import RUZHOU, WEIDONG, XINHUA, day, grow


@pytest.fixture(autouse=True)
def english(settings):
    """Pages in English whatever the Chinese catalogue says, so that tests can read their words."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def items(response) -> dict:
    return {item.key: item for item in response.context["items"]}


def listed(client, url) -> int:
    """How many rows the list at `url` holds (its paginator's count, or its rows)."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    for name in ("entries", "page"):
        if name in context:
            return context[name].paginator.count
    return len(context["firms"])


def assert_counts_are_the_lists(client, item, *, whole_list: bool = True) -> None:
    """Each line that counts, and (when it links to one list) the item itself, count what their list holds."""
    for line in item.lines:
        if line.count is not None:
            assert listed(client, line.url) == line.count, (item.key, line.label)
        for part in line.parts:
            assert listed(client, part.url) == part.count, (item.key, part.label)
    if whole_list:
        assert listed(client, item.url) == item.count, item.key


# ---------------------------------------------------------------------------------------------------------------
# County staff


def test_county_home_counts_equal_their_lists(client, office):
    response = home(client, office["users"]["county"])
    found = items(response)
    assert list(found) == ["claims", "warnings", "accounts", "imports", "overdue", "campaign"]
    assert {key: item.count for key, item in found.items()} == {
        "claims": 2, "warnings": 3, "accounts": 2, "imports": 3, "overdue": 2, "campaign": 5,
    }  # fmt: skip
    for key in ("claims", "warnings", "accounts", "overdue"):
        assert_counts_are_the_lists(client, found[key])
    for key in ("imports", "campaign"):  # a line per list
        assert_counts_are_the_lists(client, found[key], whole_list=False)

    claims = found["claims"]
    assert [line.label.split(" · ")[1] for line in claims.lines] == ["新华测试1公司", "新华测试2公司"]  # oldest first
    assert claims.age == "The oldest has waited 10 days." and claims.lines[1].age == "waiting 3 days"
    warnings = found["warnings"]
    assert [(line.label, line.count) for line in warnings.lines] == [("Severity: High", 2), ("Severity: Medium", 1)]
    assert "severity=high" in warnings.lines[0].url and warnings.lines[0].age == "The oldest has waited 20 days."
    assert found["accounts"].age == "The oldest has waited 6 days."
    assert [(line.url.split("show=")[1], line.count) for line in found["imports"].lines] == [
        ("failed", 1), ("in_progress", 2),
    ]  # fmt: skip
    overdue = found["overdue"]
    assert [line.label for line in overdue.lines] == ["新华测试2公司 · " + office["officer"].name,
                                                      "新华测试1公司 · " + office["officer"].name]  # fmt: skip
    assert overdue.age == "The longest overdue: 110 days."
    campaign = found["campaign"]
    assert [line.count for line in campaign.lines] == [2, 1, 1, 1]
    assert campaign.lines[-1].late  # last year's candidate never moved
    assert response.context["open_warnings"] == 3


def test_county_home_lists_the_work_before_the_registry_figures(client, office):
    html = home(client, office["users"]["county"]).content.decode()
    assert html.index('id="work-claims"') < html.index('id="work-warnings"') < html.index('id="registry-figures"')
    assert 'id="all-clear"' not in html


def test_county_staff_see_only_their_county(client, office):
    response = home(client, office["users"]["other_county"])
    assert {key: item.count for key, item in items(response).items()} == {
        "claims": 1, "warnings": 1, "accounts": 1, "imports": 1, "overdue": 1, "campaign": 1,
    }  # fmt: skip
    html = response.content.decode()
    assert not any(f"新华测试{n}公司" in html for n in range(1, 7))


def test_an_empty_county_has_nothing_to_do(client, office, make_user):
    response = home(client, make_user(Role.COUNTY_STAFF, county_code=WEIDONG))
    found = items(response)
    assert all(item.count == 0 and not item.lines for item in found.values())
    html = unescape(response.content.decode())
    assert 'id="all-clear"' in html
    for item in found.values():
        assert item.empty in html


# ---------------------------------------------------------------------------------------------------------------
# City staff


@pytest.mark.parametrize("role", ["city", "admin"])
def test_city_home_counts_equal_their_lists(client, office, role):
    response = home(client, office["users"][role])
    found = items(response)
    # No dashboard refresh yet: no county is known to be behind, so that item comes last.
    assert list(found) == ["claims", "pins", "campaign", "targets"]
    assert {key: item.count for key, item in found.items()} == {"claims": 2, "pins": 2, "campaign": 6, "targets": 0}
    for key in ("claims", "pins"):
        assert_counts_are_the_lists(client, found[key])
    assert_counts_are_the_lists(client, found["campaign"], whole_list=False)
    assert [line.count for line in found["campaign"].lines] == [3, 1, 1, 1]
    pins = found["pins"]
    assert [line.label for line in pins.lines] == [
        "新华测试1公司 · T2 Small to high-tech",
        "汝州测试1公司 · T2 Small to high-tech",
    ]
    assert pins.lines[0].note == f"ends on {day(10).isoformat()}, in 10 days"
    assert response.context["open_warnings"] == 4
    assert len(response.context["by_county"]) == 2


def test_counties_behind_targets_come_from_the_dashboards(client, refreshed, make_user, django_assert_num_queries):  # noqa: F811
    """The dashboards' small city (tests/dashboards/conftest.py), whose targets are the rule set's: R&D activity
    and officer coverage of 100%.

    汝州市: officer coverage 1 of 3 innovative firms (33.3%): 2 more firms needed, 2 without an officer (r2, r4);
      its R&D activity is 2 of 2 (100%), on target.
    新华区: R&D activity 2 of 4 above-scale firms (50%): 2 more needed, 2 without R&D (x4, x6); officer coverage 2 of 3
      (66.7%): 1 more needed, 1 without an officer (x3).
    Other counties have neither firm above scale nor innovative firms: no share, nothing behind."""
    client.force_login(make_user(Role.CITY_STAFF))
    with django_assert_num_queries(HOME_QUERIES["city"] + 2):
        response = client.get(reverse("home"))
    targets = items(response)["targets"]
    assert targets.count == 2 and targets.more == 0
    assert [line.label for line in targets.lines] == ["汝州市", "新华区"]
    assert [[(part.count, part.label) for part in line.parts] for line in targets.lines] == [
        [(2, "Officer coverage of innovative enterprises 33.3%, target 100%: 2 more firms needed")],
        [
            (2, "Above-scale industrial firms with R&D activity 50%, target 100%: 2 more firms needed"),
            (1, "Officer coverage of innovative enterprises 66.7%, target 100%: 1 more firm needed"),
        ],
    ]  # fmt: skip
    assert_counts_are_the_lists(client, targets, whole_list=False)
    assert targets.lines[0].url == reverse("dashboards:county", args=[RUZHOU])


def test_city_home_with_nothing_to_do(client, make_user):
    response = home(client, make_user(Role.CITY_STAFF))
    assert all(item.count == 0 for item in response.context["items"])
    assert 'id="all-clear"' in response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Officers


def test_officer_home_counts_equal_their_lists(client, office):
    response = home(client, office["users"]["officer"])
    firms, demands = response.context["items"]
    assert firms.count == 2 and firms.title == "My firms: 2 overdue for a service"
    assert [line.label for line in firms.lines] == ["新华测试2公司", "新华测试1公司", "新华测试3公司", "新华测试4公司"]
    assert [line.late for line in firms.lines] == [True, True, False, False]
    assert firms.lines[1].note == f"service due since {day(-10).isoformat()}, 10 days ago"
    assert firms.lines[2].note == f"next service due {day(80).isoformat()}"
    assert firms.lines[3].note == f"next service due {day(85).isoformat()}"
    page = client.get(firms.url).context["firms"]
    assert [row.enterprise.name for row in page] == [line.label for line in firms.lines]
    assert sum(row.overdue for row in page) == firms.count
    assert [row.next_due for row in page][2:] == [day(80), day(85)]
    assert demands.count == 2 and demands.age == "The oldest has waited 30 days."
    assert demands.lines[0].label.endswith("新华测试1公司") and demands.lines[0].late  # critical first
    assert_counts_are_the_lists(client, demands)


def test_officer_without_firms(client, db):
    officer = officer_factories.officer(county_code=XINHUA)
    response = home(client, officer.user)
    firms, demands = response.context["items"]
    html = response.content.decode()
    assert firms.count == demands.count == 0 and not firms.lines
    assert "No firm is assigned to you yet." in html and "No demand is open." in html


# ---------------------------------------------------------------------------------------------------------------
# Firms


def test_firm_home_counts_equal_their_lists(client, office):
    response = home(client, office["users"]["firm"])
    found = response.context["home"]
    assert (found.claims.count, found.policies.count, found.notices.count) == (2, 2, 2)
    for item in (found.claims, found.policies, found.notices):
        assert_counts_are_the_lists(client, item)
    assert [line.note for line in found.claims.lines] == ["Draft", "Under county review"]  # its own step first
    assert [line.label for line in found.policies.lines] == ["政策A", "政策B"]
    assert found.policies.lines[0].note == f"Meets · deadline {day(20).isoformat()}, in 20 days"
    assert sorted(line.label for line in found.notices.lines) == ["全市通知", "新华区通知"]


def test_firm_home_puts_its_next_step_first(client, office):
    response = home(client, office["users"]["firm"])
    step = response.context["home"].next_step
    assert (step.tier, step.next_rung) == ("t2", "High-tech enterprise certificate (高新技术企业)")
    assert [(item.key, item.amount) for item in step.steps] == [
        ("ht_core_ip", "2 patents or software copyrights"), ("ht_st_people", "3 people"),
        ("ht_rd", "123.40 × 10k yuan"), ("ht_capability", "more than 12.5 points"),
    ]  # fmt: skip
    html = response.content.decode()
    assert html.index('id="next-step"') < html.index('id="work-claims"') < html.index('id="work-policies"')
    assert reverse("enterprises:detail", args=[office["firms"]["x1"].credit_code]) in html


def test_a_firm_sees_only_its_own(client, office):
    user = factories.make_user(Role.ENTERPRISE, enterprise=office["firms"]["x2"])
    response = home(client, user)
    found = response.context["home"]
    # x2: a submitted and a county-approved claim; policy E; every notice to 新华区 and every county is unread for
    # this user (x1's user read one of them).
    assert (found.claims.count, found.policies.count, found.notices.count) == (2, 1, 3)
    for item in (found.claims, found.policies, found.notices):
        assert_counts_are_the_lists(client, item)
    assert found.next_step.steps == [] and not found.next_step.tier  # not scored
    html = response.content.decode()
    assert "新华测试1公司" not in html and "政策A" not in html


def test_a_firm_with_nothing_to_do(client, db):
    firm = factories.EnterpriseFactory()
    response = home(client, factories.make_user(Role.ENTERPRISE, enterprise=firm))
    html = unescape(response.content.decode())
    for text in ("has not been scored yet", "No voucher claim is under way.",
                 "No open policy fits your firm's latest data yet.", "You have read every notice."):  # fmt: skip
        assert text in html


# ---------------------------------------------------------------------------------------------------------------
# Leaders, and the new lists' permissions


def test_leader_lands_on_the_dashboard(client, office):
    client.force_login(office["users"]["leader"])
    assert client.get(reverse("home"))["Location"] == reverse("dashboards:dashboard")


@pytest.mark.parametrize(
    ("url", "role", "status"),
    [
        ("cultivation:pins", Role.OFFICER, 403),
        ("cultivation:pins", Role.LEADER, 200),
        ("officers:overdue", Role.ENTERPRISE, 403),
        ("officers:overdue", Role.LEADER, 200),
    ],
)
def test_new_lists_are_for_their_roles(client, office, url, role, status):
    user = {Role.OFFICER: office["users"]["officer"], Role.LEADER: office["users"]["leader"],
            Role.ENTERPRISE: office["users"]["firm"]}[role]  # fmt: skip
    client.force_login(user)
    assert client.get(reverse(url)).status_code == status


def test_the_pins_page_filters_by_county_and_ending(client, office):
    client.force_login(office["users"]["city"])
    url = reverse("cultivation:pins")
    assert listed(client, url) == 3  # every pin in force
    assert listed(client, f"{url}?within=30&county={RUZHOU}") == 1
    assert listed(client, f"{url}?within=7") == 0
    client.force_login(office["users"]["other_county"])
    assert listed(client, url) == 1  # 汝州市's own


# ---------------------------------------------------------------------------------------------------------------
# Queries: a fixed number for each home, whatever the amount of data

# The session and the user (with its county or firm), then: county staff the registry figures, the warnings (1),
# the claims to review (2), the account requests (2), the imports (1), the officers' settings and the firms overdue
# (3), the campaign (1); the city the registry figures, the claims (2), the pins (2), the campaign (1), the
# dashboards' refresh (1; with one, its county figures and the year's targets: 2 more), the open warnings and the
# county table; the officer the settings, the firms, the demands (2); the firm its placement, the current run and
# its portrait, its claims, its policies, its unread notices (2).
# County staff's home: 13, and the yearly report's window (none here; with one, one more query for the progress:
# tests/reports/test_progress.py).
HOME_QUERIES = {"county": 13 + 1, "city": 11, "officer": 6, "firm": 9}


@pytest.mark.parametrize("role", list(HOME_QUERIES))
def test_home_queries_do_not_grow_with_the_data(client, office, role, django_assert_num_queries):
    client.force_login(office["users"][role])
    with django_assert_num_queries(HOME_QUERIES[role]):
        assert client.get(reverse("home")).status_code == 200
    grow(office)
    with django_assert_num_queries(HOME_QUERIES[role]):
        response = client.get(reverse("home"))
    counts = (
        [response.context["home"].claims.count, response.context["home"].policies.count]
        if role == "firm"
        else [item.count for item in response.context["items"]]
    )
    assert sum(counts) > 0
