import re

import pytest

from accounts.models import Role
from dashboards.services import refresh_dashboard
from enterprises.models import County
from tests import factories
from tests.dashboards.conftest import small_city  # noqa: F401  (the hand-counted city)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHARTS = ("chart-funnel", "chart-counties", "chart-trend-counts", "chart-trend-shares", "chart-vouchers",
          "chart-movements", "chart-scores")  # fmt: skip


def test_leader_sees_the_charts_and_clicks_a_county_bar(live_server, page, make_user, small_city):  # noqa: F811
    refresh_dashboard()
    make_user(Role.LEADER, username="mayor")
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "mayor")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    # A leader lands on the city dashboard.
    page.wait_for_url(re.compile(r".*/dashboard/$"))
    for chart in CHARTS:
        page.wait_for_selector(f"#{chart} canvas", state="attached")
        box = page.locator(f"#{chart} canvas").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, chart
    assert page.locator("#headline [data-figure]").count() == 11
    assert page.locator("#county-comparison tbody tr").count() == County.objects.count()

    # Click the bar of 汝州市 (the last county by code) in the counts-by-county chart.
    data = page.evaluate("JSON.parse(document.getElementById('dashboard-data').textContent)")
    index = [county["code"] for county in data["counties"]].index("410482")
    page.locator("#chart-counties").scroll_into_view_if_needed()
    # The bars grow in first; click once they stand (ECharts' "finished" fires when rendering is done).
    page.wait_for_function(
        "() => new Promise(done => { const c = window.portalCharts['chart-counties'];"
        " c.on('finished', () => done(true)); c.resize(); })"
    )
    # The rectangle ECharts drew for the county's first bar (innovative enterprises), in the canvas's pixels.
    bar = page.evaluate(
        "(index) => window.portalCharts['chart-counties'].getModel().getSeriesByIndex(0).getData()"
        ".getItemLayout(index)",
        index,
    )
    assert bar["height"] != 0
    canvas = page.locator("#chart-counties canvas").first.bounding_box()
    page.mouse.click(canvas["x"] + bar["x"] + bar["width"] / 2, canvas["y"] + bar["y"] + bar["height"] / 2)
    page.wait_for_url(re.compile(r".*/dashboard/county/410482/$"))
    assert "汝州市" in page.inner_text("#dashboard-title")
    page.wait_for_selector("#chart-funnel canvas", state="attached")
    assert page.locator("#county-comparison tbody tr.table-primary").get_attribute("data-county") == "410482"
    assert problems == []
