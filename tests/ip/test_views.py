"""IP pages and API: scoped like everything else (404 outside), staff in scope edit, pinned query counts."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from ip.models import Patent, PatentEvent
from ip.services import evaluate_patents
from tests.ip.factories import PatentFactory


@pytest.fixture
def registers(two_counties):
    """Registers in both counties, so that a scoping test has patents that could leak."""
    for firm in two_counties["home"] + two_counties["away"]:
        PatentFactory.create_batch(3, enterprise=firm, strategic_emerging=True)
        PatentFactory(
            enterprise=firm, acquired_on=datetime.date(2023, 5, 1), transferred_out_on=datetime.date(2025, 2, 1)
        )
    evaluate_patents()
    return two_counties


def _login(client, make_user, role, **kwargs):
    user = make_user(role, **kwargs)
    client.force_login(user)
    return user


def test_county_staff_get_404_for_another_countys_firm_and_patent(client, make_user, registers):
    _login(client, make_user, Role.COUNTY_STAFF, county_code="410402")
    away = registers["away"][0]
    assert client.get(reverse("ip:firm", args=[away.credit_code])).status_code == 404
    patent = away.patents.first()
    assert client.get(reverse("ip:patent-edit", args=[patent.pk])).status_code == 404
    assert client.get(reverse("api-patent", args=[patent.pk])).status_code == 404
    assert client.get(reverse("ip:firm", args=[registers["home"][0].credit_code])).status_code == 200


def test_lists_exports_and_api_hold_only_the_users_county(client, make_user, registers):
    _login(client, make_user, Role.COUNTY_STAFF, county_code="410402")
    home_codes = {firm.credit_code for firm in registers["home"]}
    api = client.get(reverse("api-patents")).json()
    assert api["count"] == 12 and {row["credit_code"] for row in api["results"]} == home_codes
    overview = client.get(reverse("ip:overview"))
    assert [row["enterprise__county__code"] for row in overview.context["overview"]["counties"]] == ["410402"]
    strongest = client.get(reverse("ip:strongest"))
    assert {p.enterprise.credit_code for p in strongest.context["page"].object_list} == home_codes
    export = client.get(reverse("ip:strongest"), {"format": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_overview_api_counts_by_county_in_scope(client, make_user, registers, django_assert_num_queries):
    _login(client, make_user, Role.CITY_STAFF)
    city = client.get(reverse("api-ip-overview")).json()
    assert [row["county_code"] for row in city["counties"]] == ["410402", "410482"]
    # 3 firms × 4 rights at home, 4 firms × 4 away; one right per firm transferred in (2023) and out (2025).
    assert [row["rights"] for row in city["counties"]] == [12, 16] and city["totals"]["firms"] == 7
    assert (city["years"], city["transfers_in"], city["transfers_out"]) == ([2023, 2025], [7, 0], [0, 7])
    _login(client, make_user, Role.COUNTY_STAFF, county_code="410402")
    with django_assert_num_queries(5):  # session, user, counties, transfers in, transfers out
        county = client.get(reverse("api-ip-overview")).json()
    assert [row["county_code"] for row in county["counties"]] == ["410402"] and county["totals"]["rights"] == 12


def test_enterprise_user_sees_own_register_only_and_cannot_edit(client, make_user, registers):
    own = registers["home"][0]
    _login(client, make_user, Role.ENTERPRISE, enterprise=own)
    page = client.get(reverse("ip:firm", args=[own.credit_code]))
    assert page.status_code == 200 and page.context["can_edit"] is False
    assert client.get(reverse("ip:firm", args=[registers["home"][1].credit_code])).status_code == 404
    assert client.get(reverse("ip:patent-create", args=[own.credit_code])).status_code == 403


def test_staff_in_scope_edit_a_patent_with_an_audit_row(client, make_user, registers):
    user = _login(client, make_user, Role.COUNTY_STAFF, county_code="410402")
    patent = registers["home"][0].patents.filter(transferred_out_on__isnull=True).first()
    url = reverse("ip:patent-edit", args=[patent.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(legal_status="lapsed", status_on="2026-01-10", strategic_emerging="")
    data.pop("strategic_emerging")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    patent.refresh_from_db()
    assert (patent.legal_status, patent.high_value) == ("lapsed", False)
    event = PatentEvent.objects.get(patent=patent)
    assert event.actor == user and event.changes["legal_status"] == ["valid", "lapsed"]


def test_edit_refuses_grant_before_filing_and_changes_nothing(client, make_user, registers):
    _login(client, make_user, Role.CITY_STAFF)
    firm = registers["away"][0]
    before = Patent.objects.count()
    response = client.post(
        reverse("ip:patent-create", args=[firm.credit_code]),
        {"number": "ZL202110999999.1", "kind": "invention", "title": "新装置", "filed_on": "2021-05-01",
         "granted_on": "2020-01-01", "legal_status": "valid", "claims": 3, "foreign_family_granted": 0,
         "pledged_amount": "0", "licence_count": 0},
    )  # fmt: skip
    assert response.status_code == 200
    assert "granted_on" in response.context["form"].errors
    assert Patent.objects.count() == before


def test_firm_page_links_and_shows_the_chart_data(client, make_user, registers):
    _login(client, make_user, Role.CITY_STAFF)
    firm = registers["home"][0]
    detail = client.get(reverse("enterprises:detail", args=[firm.credit_code]))
    assert reverse("ip:firm", args=[firm.credit_code]).encode() in detail.content
    page = client.get(reverse("ip:firm", args=[firm.credit_code]))
    assert page.context["summary"]["held_valid"] == 3 and page.context["summary"]["high_value"] == 3
    series = {s["key"]: s for s in page.context["chart"]["series"]}
    assert sum(series["transferred_out"]["data"]) == 1
    assert b"ip-events-data" in page.content


@pytest.mark.parametrize(
    ("name", "args", "queries"),
    [("ip:overview", False, 5), ("ip:strongest", False, 5), ("ip:firm", True, 6), ("api-patents", False, 4)],
)
def test_query_counts_are_pinned(client, make_user, registers, django_assert_num_queries, name, args, queries):
    _login(client, make_user, Role.CITY_STAFF)
    url = reverse(name, args=[registers["home"][0].credit_code] if args else [])
    client.get(url)  # warm the session and caches
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    for firm in registers["home"]:
        PatentFactory.create_batch(2, enterprise=firm)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
