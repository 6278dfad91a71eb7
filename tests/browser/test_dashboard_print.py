import re

import pytest

from accounts.models import Role
from dashboards.services import refresh_dashboard
from enterprises.models import County
from tests import factories
from tests.browser.pdf import pdf_page_count, pdf_text
from tests.dashboards.conftest import small_city  # noqa: F401  (the hand-counted city)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHARTS = ("chart-funnel", "chart-counties", "chart-trend-counts", "chart-trend-shares", "chart-vouchers",
          "chart-movements", "chart-scores")  # fmt: skip


def squeezed(text: str) -> str:
    """Without whitespace: a heading may wrap onto two lines of the PDF."""
    return "".join(text.split())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_printed_dashboard_is_one_a4_landscape_page_with_every_county_column(
    live_server,
    page,
    make_user,
    small_city,  # noqa: F811
    language,
):
    refresh_dashboard()
    make_user(Role.LEADER, username="mayor")
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.context.add_cookies([{"name": "portal_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "mayor")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/dashboard/$"))

    page.goto(f"{live_server.url}/dashboard/print/")
    for chart in CHARTS:  # drawn as vectors, for paper
        page.wait_for_selector(f"#{chart} svg", state="attached")
    # Every legend whole: laid out plain, never a paged ("scroll") legend that would print its first page only.
    legends = page.evaluate(
        "() => Object.values(window.portalCharts).flatMap(chart => chart.getOption().legend || [])"
        ".map(legend => legend.type)"
    )
    assert legends and set(legends) == {"plain"}
    headings = page.locator("#county-comparison thead th").all_inner_texts()
    assert len(headings) == 12  # the county and its eleven figures
    counties = list(County.objects.values_list("name", flat=True))
    assert page.locator("#county-comparison tbody tr").count() == len(counties)

    pdf = page.pdf(format="A4", landscape=True)
    assert pdf_page_count(pdf) == 1
    text = squeezed(pdf_text(pdf))
    assert squeezed(headings[-1]) in text
    assert all(squeezed(name) in text for name in counties)
    assert problems == []
