"""The dashboard's pages, API, workbook and drill-downs: who sees what, fixed query counts."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from accounts.models import Role
from dashboards.models import DashboardTargets
from tests import factories

DASHBOARD = reverse("dashboards:dashboard")
API = reverse("api-dashboard")
# Session, user, counties in scope, refresh, figures, targets, readiness bins, movements, voucher spend.
PAGE_QUERIES = 9
# The yearly report's progress on the dashboard page (not the print or the API): the window, none here (with one,
# one more query for the counts: tests/reports/test_progress.py).
REPORT_PROGRESS_QUERIES = 1


def _county(code):
    return reverse("dashboards:county", args=[code])


def test_leader_lands_on_the_city_dashboard(client, refreshed, make_user):
    client.force_login(make_user(Role.LEADER))
    assert client.get(reverse("home"))["Location"] == DASHBOARD
    response = client.get(DASHBOARD)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="computed-at"' in html and 'id="dashboard-data"' in html
    assert html.count('data-county="') == 12  # the comparison lists every county
    data = response.context["chart_data"]
    assert data["county"] is None
    assert {row["code"] for row in data["counties"]} >= {"410402", "410482"}


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.CITY_STAFF, Role.LEADER])
def test_city_roles_see_every_county(client, refreshed, make_user, role):
    client.force_login(make_user(role))
    assert client.get(_county("410482")).status_code == 200
    assert client.get(API, {"county": "410402"}).status_code == 200


def test_county_user_sees_only_their_county(client, refreshed, make_user):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    # Another county's data exists (汝州市 has innovative firms and vouchers) and must not show.
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    result = response.context["dashboard"]
    assert result.county.code == "410402"
    assert [row.county.code for row in result.rows] == ["410402"]
    values = {item.figure.key: item.value for item in result.headline}
    assert values["innovative"] == 3 and values["vouchers_granted"] == Decimal("80000")
    html = response.content.decode()
    assert "汝州市" not in html and "汝州测试" not in html
    assert [row["code"] for row in response.context["chart_data"]["counties"]] == ["410402"]
    assert [row["code"] for row in response.context["chart_data"]["vouchers"]["counties"]] == ["410402"]
    # Another county answers 404, on pages, API, drill-downs and the workbook alike.
    assert client.get(_county("410482")).status_code == 404
    assert client.get(API, {"county": "410482"}).status_code == 404
    assert client.get(reverse("dashboards:firms", args=["innovative"]), {"county": "410482"}).status_code == 404
    assert client.get(reverse("dashboards:export"), {"county": "410482"}).status_code == 404
    assert client.get(reverse("dashboards:print"), {"county": "410482"}).status_code == 404
    api = client.get(API).json()
    assert api["county"]["code"] == "410402" and [row["code"] for row in api["counties"]] == ["410402"]
    # The drill-down of the whole scope lists this county's firms only.
    firms = client.get(reverse("api-dashboard-firms", args=["innovative"])).json()
    assert firms["count"] == 3 and {row["county"] for row in firms["results"]} == {"410402"}


def test_county_targets_are_only_the_shares(client, refreshed, make_user):
    client.force_login(make_user(Role.CITY_STAFF))
    items = {item.figure.key: item for item in client.get(_county("410402")).context["dashboard"].headline}
    assert items["innovative"].target is None  # 1,500 is the city's
    assert items["rd_coverage"].target == Decimal(1)
    assert items["vouchers_granted"].benchmark is None  # the budget is the city's


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ENTERPRISE])
def test_other_roles_have_no_dashboard(client, refreshed, make_user, role):
    enterprise = factories.EnterpriseFactory() if role == Role.ENTERPRISE else None
    client.force_login(make_user(role, enterprise=enterprise))
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(API).status_code == 403
    assert client.get(reverse("dashboards:firms", args=["innovative"])).status_code == 403
    assert 'id="nav-dashboard"' not in client.get(reverse("notifications:list")).content.decode()


def test_page_and_api_query_counts_are_fixed(client, refreshed, make_user, django_assert_num_queries):
    client.force_login(make_user(Role.LEADER))
    for url in (DASHBOARD, _county("410402")):
        with django_assert_num_queries(PAGE_QUERIES + REPORT_PROGRESS_QUERIES):
            assert client.get(url).status_code == 200
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(reverse("dashboards:print")).status_code == 200
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(API).status_code == 200
    # Drill-down: session, user, counties, refresh, count, the page's ids, their firms.
    with django_assert_num_queries(7):
        assert client.get(reverse("dashboards:firms", args=["above_scale_no_rd"])).status_code == 200


def test_query_count_does_not_grow_with_the_data(client, refreshed, make_user, django_assert_num_queries):
    from dashboards.services import refresh_dashboard

    for county in ("410402", "410482", "410421"):
        for firm in factories.EnterpriseFactory.create_batch(20, county=factories.county(county)):
            factories.QualificationFactory(enterprise=firm)
    refresh_dashboard()
    client.force_login(make_user(Role.LEADER))
    with django_assert_num_queries(PAGE_QUERIES + REPORT_PROGRESS_QUERIES):
        assert client.get(DASHBOARD).status_code == 200


def test_comparison_table_sorts_by_a_figure(client, refreshed, make_user):
    client.force_login(make_user(Role.LEADER))
    rows = client.get(DASHBOARD, {"ordering": "-high_tech_share"}).context["rows"]
    assert [row.county.code for row in rows[:2]] == ["410482", "410402"]  # 50% then 25%, counties without last
    rows = client.get(DASHBOARD, {"ordering": "high_tech_share"}).context["rows"]
    assert [row.county.code for row in rows[:2]] == ["410402", "410482"]
    rows = client.get(DASHBOARD, {"ordering": "no-such-figure"}).context["rows"]
    assert [row.county.code for row in rows] == sorted(row.county.code for row in rows)


def test_drill_down_page_and_its_export(client, refreshed, make_user):
    client.force_login(make_user(Role.CITY_STAFF))
    url = reverse("dashboards:firms", args=["uncovered"])
    response = client.get(url)
    names = {row.enterprise.name for row in response.context["page"].object_list}
    assert names == {"新华测试3公司", "汝州测试2公司", "汝州测试4公司"}
    assert client.get(url, {"county": "410402"}).context["page"].paginator.count == 1
    export = client.get(url, {"county": "410402", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0]
    texts = {cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)}
    assert "新华测试3公司" in texts and "汝州测试2公司" not in texts
    assert client.get(reverse("dashboards:firms", args=["no-such-set"])).status_code == 404


def test_workbook_has_a_sheet_per_panel(client, refreshed, make_user):
    client.force_login(make_user(Role.LEADER))
    response = client.get(reverse("dashboards:export"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.sheetnames) == 7
    headline = workbook.worksheets[0]
    rows = list(headline.iter_rows(values_only=True))
    values = {row[0]: row[1] for row in rows if row and row[1] is not None}
    assert 6 in values.values()  # innovative enterprises
    comparison = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert len(comparison) == 13  # header and 12 counties


def test_no_refresh_yet_says_so(client, db, make_user):
    client.force_login(make_user(Role.LEADER))
    response = client.get(DASHBOARD)
    assert response.status_code == 200 and 'id="no-figures"' in response.content.decode()
    assert client.get(API).json()["headline"] == []
    assert client.get(reverse("dashboards:firms", args=["innovative"])).status_code == 200


def test_targets_set_by_the_city_admin(client, refreshed, make_user):
    client.force_login(make_user(Role.CITY_STAFF))
    assert client.get(reverse("dashboards:targets")).status_code == 403
    admin = make_user(Role.CITY_ADMIN)
    client.force_login(admin)
    url = f"{reverse('dashboards:targets')}?year={refreshed['refresh'].as_of.year}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"innovative": "1200", "province_high_tech_share": "20.5", "rd_coverage": "90"})
    assert response.status_code == 302
    targets = DashboardTargets.objects.get()
    assert targets.innovative == 1200 and targets.province_high_tech_share == Decimal("0.205")
    assert targets.officer_coverage is None and targets.updated_by == admin
    items = {item.figure.key: item for item in client.get(DASHBOARD).context["dashboard"].headline}
    assert items["innovative"].target == 1200
    assert items["high_tech_share"].benchmark == Decimal("0.205")
    assert items["officer_coverage"].target is None


def test_targets_refuse_a_share_above_100_percent_and_change_nothing(client, refreshed, make_user):
    client.force_login(make_user(Role.CITY_ADMIN))
    response = client.post(reverse("dashboards:targets"), {"rd_coverage": "120"}, follow=True)
    assert response.status_code == 200
    assert not DashboardTargets.objects.exists()
    assert any("100" in str(message) for message in response.context["messages"])


def test_money_and_campaign_figures_link_to_what_they_count(client, refreshed, make_user):
    client.force_login(make_user(Role.CITY_STAFF))
    items = {item.figure.key: item for item in client.get(_county("410402")).context["dashboard"].headline}
    granted = client.get(items["vouchers_granted"].link_url).context["page"]
    assert {claim.status for claim in granted.object_list} == {"paid", "city_approved"}
    assert {claim.enterprise.county.code for claim in granted.object_list} == {"410402"}
    paid = client.get(items["vouchers_paid"].link_url).context["page"]
    assert [claim.status for claim in paid.object_list] == ["paid"]
    campaign = client.get(items["campaign_pass_rate"].link_url)
    assert campaign.status_code == 200 and campaign.context["county"].code == "410402"
