"""Coverage per county and per officer (page and API), and the fixed query counts of the module's lists."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from officers.demands import demand_create
from officers.models import Demand
from officers.selectors import coverage_by_county, coverage_by_officer
from tests import factories
from tests.officers import factories as officer_factories

TODAY = timezone.localdate()
LONG_AGO = timezone.now() - datetime.timedelta(days=365)
XINHUA, RUZHOU = "410402", "410482"

# Session and user, counties, the settings row, the current run; by county: innovative and covered, services,
# overdue, open demands; by officer: officers, services, overdue, open demands.
COVERAGE_PAGE_QUERIES = 13
COVERAGE_API_QUERIES = 13  # the counties are read by the county function, the scope's list is not needed
# Session and user, counties, officers, runs.
OFFICERS_PAGE_QUERIES = 5
# Session and user, the profile, the settings row, the firms with their last service, gaps and demands.
MY_FIRMS_PAGE_QUERIES = 5
# Session and user, counties, count, page.
DEMANDS_PAGE_QUERIES = 5


@pytest.fixture
def covered_city(db, make_user):
    """新华区: 4 innovative firms, 3 covered by two officers (one firm overdue), 2 recent services, 1 open demand;
    汝州市: 2 innovative firms, none covered."""
    run = officer_factories.published_run()
    home = officer_factories.innovative_firms(run, 4, county_code=XINHUA)
    away = officer_factories.innovative_firms(run, 2, county_code=RUZHOU)
    plain = factories.EnterpriseFactory(county=factories.county(XINHUA))
    officer_factories.portraits(run, [plain], innovative=False, tier="t1")
    first = officer_factories.officer(county_code=XINHUA, username="first")
    second = officer_factories.officer(county_code=XINHUA, username="second")
    for firm, officer in zip(home[:3], [first, first, second], strict=True):
        officer_factories.assign(firm, officer, started_at=LONG_AGO)
    officer_factories.assign(plain, second)
    officer_factories.service(home[0], first, served_on=TODAY - datetime.timedelta(days=3))
    officer_factories.service(home[2], second, served_on=TODAY - datetime.timedelta(days=40))
    officer_factories.service(home[1], first, served_on=TODAY - datetime.timedelta(days=200))
    demand = demand_create(enterprise=home[0], actor=first.user, category="talent", title="t", description="d")
    Demand.objects.filter(pk=demand.pk).update(filed_at=timezone.now() - datetime.timedelta(days=12))
    demand_create(enterprise=away[0], actor=make_user(Role.CITY_STAFF), category="policy", title="t", description="d")
    return {"home": home, "away": away, "first": first, "second": second}


def test_coverage_by_county(covered_city, make_user):
    rows, total = coverage_by_county(user=make_user(Role.CITY_STAFF))
    by_code = {row["county"]: row for row in rows}
    xinhua = by_code[XINHUA]
    assert (xinhua["innovative"], xinhua["covered"], xinhua["coverage"]) == (4, 3, 0.75)
    assert (xinhua["services"], xinhua["overdue"], xinhua["open_demands"], xinhua["oldest_demand_days"]) == (
        2, 1, 1, 12,
    )  # fmt: skip
    assert (by_code[RUZHOU]["covered"], by_code[RUZHOU]["coverage"], by_code[RUZHOU]["open_demands"]) == (0, 0, 1)
    assert (total["innovative"], total["covered"], total["open_demands"]) == (6, 3, 2)
    assert total["coverage"] == pytest.approx(0.5)


def test_coverage_by_officer(covered_city, make_user):
    rows = {row["username"]: row for row in coverage_by_officer(user=make_user(Role.CITY_STAFF))}
    assert (rows["first"]["firms"], rows["first"]["services"], rows["first"]["overdue"]) == (2, 1, 1)
    assert (rows["first"]["open_demands"], rows["first"]["oldest_demand_days"]) == (1, 12)
    # The non-innovative firm counts in the officer's load, served within the days: not overdue (just assigned).
    assert (rows["second"]["firms"], rows["second"]["services"], rows["second"]["overdue"]) == (2, 1, 0)


def test_coverage_is_scoped(covered_city, make_user):
    rows, total = coverage_by_county(user=make_user(Role.COUNTY_STAFF, county_code=RUZHOU))
    assert [row["county"] for row in rows] == [RUZHOU] and total["covered"] == 0
    assert coverage_by_officer(user=make_user(Role.COUNTY_STAFF, county_code=RUZHOU)) == []
    _rows, officer_total = coverage_by_county(user=covered_city["second"].user)
    assert (officer_total["innovative"], officer_total["covered"]) == (1, 1)
    assert coverage_by_county(user=make_user(Role.ENTERPRISE, enterprise=covered_city["home"][0])) == ([], {})


def test_coverage_page_and_api_with_pinned_queries(client, covered_city, make_user, django_assert_num_queries):
    client.force_login(make_user(Role.LEADER))
    with django_assert_num_queries(COVERAGE_PAGE_QUERIES):
        page = client.get("/officers/coverage/")
    assert page.status_code == 200 and "75.0%" in page.content.decode()
    with django_assert_num_queries(COVERAGE_API_QUERIES):
        api = client.get("/api/v1/coverage/").json()
    assert api["total"]["covered"] == 3 and len(api["officers"]) == 2
    assert client.get("/api/v1/coverage/", {"county": RUZHOU}).json()["officers"] == []
    # More data, same number of queries.
    more = officer_factories.innovative_firms(officer_factories.published_run(TODAY), 5, county_code=RUZHOU)
    officer = officer_factories.officer(county_code=RUZHOU)
    for firm in more:
        officer_factories.assign(firm, officer)
        officer_factories.service(firm, officer, served_on=TODAY)
    with django_assert_num_queries(COVERAGE_PAGE_QUERIES):
        assert client.get("/officers/coverage/").status_code == 200
    client.force_login(make_user(Role.ENTERPRISE, enterprise=covered_city["home"][0]))
    assert client.get("/officers/coverage/").status_code == 403


def test_list_pages_have_fixed_query_counts(client, covered_city, make_user, django_assert_num_queries):
    staff = make_user(Role.CITY_STAFF)
    client.force_login(staff)
    with django_assert_num_queries(OFFICERS_PAGE_QUERIES):
        assert client.get("/officers/").status_code == 200
    with django_assert_num_queries(DEMANDS_PAGE_QUERIES):
        assert client.get("/officers/demands/").status_code == 200
    client.force_login(covered_city["first"].user)
    with django_assert_num_queries(MY_FIRMS_PAGE_QUERIES):
        response = client.get("/officers/my-firms/")
    assert [row.enterprise for row in response.context["firms"]] == [covered_city["home"][1], covered_city["home"][0]]
    for firm in factories.EnterpriseFactory.create_batch(4):
        officer_factories.assign(firm, covered_city["first"])
        demand_create(enterprise=firm, actor=staff, category="talent", title="t", description="d")
    with django_assert_num_queries(MY_FIRMS_PAGE_QUERIES):
        client.get("/officers/my-firms/")
    client.force_login(staff)
    with django_assert_num_queries(DEMANDS_PAGE_QUERIES):
        client.get("/officers/demands/")
