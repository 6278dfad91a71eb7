import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from enterprises.models import QualificationKind
from enterprises.selectors import enterprise_list, with_innovative_flag
from rulesets import get_ruleset
from tests import factories


def test_above_scale_follows_latest_year_revenue_against_the_rule_set(db, make_user):
    line = get_ruleset().above_scale_min_revenue
    at_line = factories.EnterpriseFactory()
    factories.IndicatorFactory(enterprise=at_line, year=2024, revenue=line - 1)
    factories.IndicatorFactory(enterprise=at_line, year=2025, revenue=line)
    fell_below = factories.EnterpriseFactory()
    factories.IndicatorFactory(enterprise=fell_below, year=2024, revenue=line * 2)
    factories.IndicatorFactory(enterprise=fell_below, year=2025, revenue=line - Decimal("0.01"))
    no_data = factories.EnterpriseFactory()
    flags = {e.pk: e.is_above_scale for e in enterprise_list(user=make_user(Role.CITY_STAFF))}
    assert flags[at_line.pk] is True
    assert flags[fell_below.pk] is False
    assert not flags[no_data.pk]


def test_innovative_means_a_qualification_valid_today(db):
    today = timezone.localdate()
    valid = factories.QualificationFactory(kind=QualificationKind.HIGH_TECH).enterprise
    expired = factories.QualificationFactory(
        valid_from=today - datetime.timedelta(days=800), valid_to=today - datetime.timedelta(days=1)
    ).enterprise
    future = factories.QualificationFactory(
        valid_from=today + datetime.timedelta(days=1), valid_to=today + datetime.timedelta(days=300)
    ).enterprise
    none = factories.EnterpriseFactory()
    flags = dict(with_innovative_flag(type(none).objects.all(), on=today).values_list("pk", "is_innovative"))
    assert flags == {valid.pk: True, expired.pk: False, future.pk: False, none.pk: False}


def test_list_filters_combine(client, make_user, db):
    line = get_ruleset().above_scale_min_revenue
    big_sme = factories.EnterpriseFactory(name="平顶山鑫源电气有限公司", industry_code="3821")
    factories.IndicatorFactory(enterprise=big_sme, revenue=line * 3)
    factories.QualificationFactory(enterprise=big_sme, kind=QualificationKind.TECH_SME)
    small_sme = factories.EnterpriseFactory(name="平顶山鑫达电气有限公司", industry_code="3822")
    factories.IndicatorFactory(enterprise=small_sme, revenue=line / 2)
    factories.QualificationFactory(enterprise=small_sme, kind=QualificationKind.TECH_SME)
    other_industry = factories.EnterpriseFactory(name="平顶山鑫华化工有限公司", industry_code="2611")
    factories.IndicatorFactory(enterprise=other_industry, revenue=line * 3)
    client.force_login(make_user(Role.CITY_STAFF))

    def names(**params):
        response = client.get(reverse("enterprises:list"), params)
        return {e.name for e in response.context["page"].object_list}

    assert names(q="鑫") == {big_sme.name, small_sme.name, other_industry.name}
    assert names(q="鑫", industry="38") == {big_sme.name, small_sme.name}
    assert names(industry="38", above_scale="true") == {big_sme.name}
    assert names(qualification="tech_sme", above_scale="false") == {small_sme.name}
    assert names(q=big_sme.credit_code.lower()) == {big_sme.name}
    assert names(q=big_sme.credit_code[:8]) == {big_sme.name, small_sme.name, other_industry.name}


def test_list_sorts_by_revenue_both_ways(client, make_user, db):
    firms = []
    for revenue in (Decimal("5000000"), Decimal("90000000"), Decimal("30000000")):
        firm = factories.EnterpriseFactory()
        factories.IndicatorFactory(enterprise=firm, revenue=revenue)
        firms.append(firm)
    client.force_login(make_user(Role.CITY_STAFF))
    ascending = client.get(reverse("enterprises:list"), {"ordering": "revenue"}).context["page"].object_list
    assert [e.latest_revenue for e in ascending] == sorted(e.latest_revenue for e in ascending)
    descending = client.get(reverse("enterprises:list"), {"ordering": "-revenue"}).context["page"].object_list
    assert descending[0].latest_revenue == Decimal("90000000")


def test_api_detail_has_indicators_and_qualifications(client, make_user, db):
    firm = factories.EnterpriseFactory()
    factories.IndicatorFactory(enterprise=firm, year=2024)
    factories.IndicatorFactory(enterprise=firm, year=2025, revenue=Decimal("31000000.50"))
    factories.QualificationFactory(enterprise=firm, kind=QualificationKind.HIGH_TECH, number="GR202541000001")
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    body = client.get(f"/api/v1/enterprises/{firm.credit_code.lower()}/").json()
    assert body["credit_code"] == firm.credit_code
    assert [row["year"] for row in body["indicators"]] == [2024, 2025]
    assert body["indicators"][1]["revenue"] == "31000000.50"
    assert body["qualifications"][0]["number"] == "GR202541000001"
    assert body["is_innovative"] is True
    assert body["county"]["code"] == "410402"


def test_detail_page_shows_indicators_by_year(client, make_user, db):
    firm = factories.EnterpriseFactory()
    factories.IndicatorFactory(enterprise=firm, year=2024, rd_expense=Decimal("600000"), revenue=Decimal("20000000"))
    client.force_login(make_user(Role.CITY_STAFF))
    response = client.get(reverse("enterprises:detail", args=[firm.credit_code]))
    html = response.content.decode()
    assert response.context["indicators"]["years"] == [2024]
    assert "3.0%" in html  # R&D / revenue
    assert "2,000.00" in html  # revenue in 万元


def test_openapi_schema_describes_the_enterprise_endpoints(client, make_user):
    client.force_login(make_user(Role.CITY_STAFF))
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/enterprises/" in paths
    assert "/api/v1/enterprises/{credit_code}/" in paths
    parameters = {p["name"] for p in paths["/api/v1/enterprises/"]["get"]["parameters"]}
    assert {"county", "q", "industry", "qualification", "above_scale", "page", "page_size"} <= parameters
