import re

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Role
from scoring.models import ScoringRun
from tests.scoring.conftest import RUN_DAY

# Session, user, enterprise (with flags), indicators, qualifications, live pin, placement, movements, current run,
# portrait, history, the firm's enterprise accounts (staff's panel), events attended (policies); for staff, the
# figures' order of sources and their observations (the source tags and history).
DETAIL_PAGE_QUERIES = 15


@pytest.fixture
def scored(city, run_scoring):
    return {**city, "run": run_scoring()}


def test_enterprise_page_shows_the_portrait(client, make_user, scored, django_assert_num_queries):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    firm = scored["home"][2]
    with django_assert_num_queries(DETAIL_PAGE_QUERIES):
        response = client.get(reverse("enterprises:detail", args=[firm.credit_code]))
    html = response.content.decode()
    assert response.status_code == 200
    for marker in ('id="portrait-radar"', 'id="sme-breakdown"', 'id="conditions"', 'id="gaps"', 'id="history-table"',
                   'id="capability-parts"', "portrait-radar-data"):  # fmt: skip
        assert marker in html
    assert len(re.findall(r"data-condition=", html)) == 8
    # Charts come from the portal itself, never a CDN.
    assert "/static/vendor/echarts-portal.min.js" in html
    assert not re.search(r"<script[^>]+src=\"https?://", html)


def test_enterprise_page_without_portrait_says_so(client, make_user, city):
    client.force_login(make_user(Role.CITY_STAFF))
    response = client.get(reverse("enterprises:detail", args=[city["home"][0].credit_code]))
    assert 'id="portrait-missing"' in response.content.decode()


def test_prereview_report_is_printable_and_scoped(client, make_user, scored):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    response = client.get(reverse("scoring:prereview", args=[scored["home"][1].credit_code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="prereview-report"' in html and "data-print" in html
    # The print rules live in the stylesheet (the Content-Security-Policy refuses a <style> block in the page).
    assert "<style" not in html
    stylesheet = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text()
    assert "body:has(#prereview-report) .portal-header" in stylesheet
    assert len(re.findall(r"data-condition=", html)) == 8
    assert client.get(reverse("scoring:prereview", args=[scored["away"][1].credit_code])).status_code == 404


def test_runs_page_shows_progress_to_city_staff_only(client, make_user, scored, run_scoring):
    ScoringRun.objects.create(run_date=RUN_DAY.replace(day=29), ruleset_year=2026, chunks_total=4, chunks_done=1)
    client.force_login(make_user(Role.CITY_STAFF))
    response = client.get(reverse("scoring:runs"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="published"' in html and 'data-status="running"' in html
    assert 'hx-trigger="every 2s"' in html  # a running run is polled
    partial = client.get(reverse("scoring:runs"), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert client.get(reverse("scoring:run", args=[scored["run"].pk])).status_code == 200
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    assert client.get(reverse("scoring:runs")).status_code == 403


def test_runs_page_query_count_is_fixed(client, make_user, scored, django_assert_num_queries):
    for day in range(1, 20):
        ScoringRun.objects.create(run_date=RUN_DAY.replace(day=day), ruleset_year=2026, status="failed")
    client.force_login(make_user(Role.LEADER))
    # Session, user, count, page of runs, current run.
    with django_assert_num_queries(5):
        assert client.get(reverse("scoring:runs")).status_code == 200
