import pytest

from accounts.models import Role
from scoring.models import Portrait
from tests import factories

# Session, user, current run, count, page (portraits with firm, county, run and rank joined).
PORTRAIT_LIST_QUERIES = 5


@pytest.fixture
def scored(city, run_scoring):
    run = run_scoring()
    return {**city, "run": run}


def codes(response):
    return {row["credit_code"] for row in response.json()["results"]}


def test_portrait_list_is_scoped_to_the_county(client, make_user, scored):
    away = {firm.credit_code for firm in scored["away"]}
    # There is data that could leak.
    assert Portrait.objects.filter(run=scored["run"], enterprise__in=scored["away"]).count() == 5
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    response = client.get("/api/v1/portraits/", {"page_size": 100})
    assert response.status_code == 200
    assert codes(response) == {firm.credit_code for firm in scored["home"]}
    assert not codes(response) & away
    # Asking for another county gives nothing, not its firms.
    assert client.get("/api/v1/portraits/", {"county": "410482"}).json()["count"] == 0


def test_portrait_detail_outside_scope_is_404(client, make_user, scored):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    assert client.get(f"/api/v1/portraits/{scored['home'][0].credit_code}/").status_code == 200
    assert client.get(f"/api/v1/portraits/{scored['away'][0].credit_code}/").status_code == 404


def test_enterprise_user_sees_only_its_own_portrait(client, make_user, scored):
    own = scored["home"][1]
    client.force_login(make_user(Role.ENTERPRISE, enterprise=own))
    assert codes(client.get("/api/v1/portraits/")) == {own.credit_code}
    assert client.get(f"/api/v1/portraits/{scored['home'][2].credit_code}/").status_code == 404


def test_officer_without_assignments_sees_nothing(client, make_user, scored):
    client.force_login(make_user(Role.OFFICER))
    assert client.get("/api/v1/portraits/").json()["count"] == 0


def test_anonymous_is_refused(client, scored):
    assert client.get("/api/v1/portraits/").status_code in (401, 403)


def test_portrait_list_filters(client, make_user, scored):
    client.force_login(make_user(Role.CITY_STAFF))
    assert client.get("/api/v1/portraits/").json()["count"] == 9
    assert codes(client.get("/api/v1/portraits/", {"county": "410482"})) == {f.credit_code for f in scored["away"]}
    t3 = codes(client.get("/api/v1/portraits/", {"tier": "t3"}))
    assert t3 == {scored["home"][0].credit_code, scored["away"][0].credit_code}
    portraits = Portrait.objects.filter(run=scored["run"])
    rd_blank = {p.enterprise.credit_code for p in portraits.select_related("enterprise") if p.tag_mask & 1}
    assert rd_blank  # the first firm of each county has no R&D
    assert codes(client.get("/api/v1/portraits/", {"tag": "rd_blank", "page_size": 100})) == rd_blank
    high = {p.enterprise.credit_code for p in portraits.select_related("enterprise") if p.sme_score >= 50}
    response = client.get("/api/v1/portraits/", {"score": "sme_score", "min_score": 50, "page_size": 100})
    assert codes(response) == high
    response = client.get("/api/v1/portraits/", {"score": "sme_score", "min_score": 0, "max_score": 49})
    assert codes(response) == {f.credit_code for f in scored["all"]} - high


def test_portrait_list_rejects_bad_filters(client, make_user, scored):
    client.force_login(make_user(Role.CITY_STAFF))
    assert client.get("/api/v1/portraits/", {"tier": "t9"}).status_code == 400
    assert client.get("/api/v1/portraits/", {"tag": "nope"}).status_code == 400
    assert client.get("/api/v1/portraits/", {"min_score": 50, "max_score": 10}).status_code == 400


def test_portrait_detail_has_every_breakdown(client, make_user, scored):
    client.force_login(make_user(Role.CITY_STAFF))
    data = client.get(f"/api/v1/portraits/{scored['home'][0].credit_code}/").json()
    assert data["tier"] == "t3"
    assert len(data["explained"]["conditions"]) == 8
    assert {c["met"] for c in data["explained"]["conditions"]} <= {True, False, None}
    assert data["explained"]["conditions"][7]["met"] is None  # incidents: unknown
    assert len(data["explained"]["sme"]["parts"]) == 3
    assert len(data["explained"]["radar"]["values"]) == 6
    assert data["details"]["sme_direct"] is True
    assert [row["date"] for row in data["history"]] == ["2026-06-30"]
    assert 0 <= data["percentile_in_county"] <= 1


def test_no_published_run_gives_an_empty_list(client, make_user, city):
    client.force_login(make_user(Role.CITY_STAFF))
    assert client.get("/api/v1/portraits/").json()["count"] == 0


@pytest.mark.parametrize("page_size", [10, 50])
def test_portrait_list_query_count_is_fixed(client, make_user, db, run_scoring, django_assert_num_queries, page_size):
    county = factories.county("410402")
    for enterprise in factories.EnterpriseFactory.create_batch(60, county=county):
        factories.IndicatorFactory(enterprise=enterprise)
    run_scoring()
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    with django_assert_num_queries(PORTRAIT_LIST_QUERIES):
        response = client.get("/api/v1/portraits/", {"page_size": page_size, "tier": "t2"})
    assert response.status_code == 200
    assert response.json()["count"] == 60
    assert len(response.json()["results"]) == page_size
