"""Each role's home on a phone (390×844) and a laptop (1280×800): the first thing to do (a firm's next-step card, a
leader's first dashboard figure) is on the first screen, and nothing overflows sideways."""

import pytest

from tests import factories
from tests.workspaces.conftest import office  # noqa: F401  (shared fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The laptop first: a phone whose header is not collapsed yet ends the test (see below).
VIEWPORTS = ({"width": 1280, "height": 800}, {"width": 390, "height": 844})
# What comes first on each role's home: its first line must be on the first screen.
FIRST = {
    "county": "#work-items .work-item .work-title",
    "city": "#work-items .work-item .work-title",
    "officer": "#work-items .work-item .work-title",
    "firm": "#next-step .card-body > :first-child",
    "leader": ".figure-card",
}
# A header taller than this on a phone has not been collapsed into its menu button yet.
COLLAPSED_HEADER = 100


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


@pytest.mark.parametrize("role", list(FIRST))
def test_the_first_thing_to_do_is_on_the_first_screen(live_server, browser, office, role):  # noqa: F811
    user = office["users"][role]
    if role == "leader":
        from dashboards.services import refresh_dashboard

        refresh_dashboard(trigger="manual")
    for viewport in VIEWPORTS:
        context = browser.new_context(locale="zh-CN", viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            log_in(page, live_server.url, user.username)
            page.goto(f"{live_server.url}/")
            page.wait_for_load_state("load")
            found = page.evaluate(
                """(selector) => {
                  const first = document.querySelector(selector);
                  const header = document.querySelector('header');
                  const box = first && first.getBoundingClientRect();
                  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
                          innerHeight: window.innerHeight, header: header ? header.getBoundingClientRect().bottom : 0,
                          top: box ? box.top : null, bottom: box ? box.bottom : null};
                }""",
                FIRST[role],
            )
            where = f"{role} at {viewport['width']}×{viewport['height']}"
            assert found["scrollWidth"] <= found["innerWidth"], f"{where}: the page overflows sideways"
            assert found["top"] is not None, f"{where}: nothing to do is shown"
            if role != "leader":  # the leaders' home is the dashboard, laid out by its own page
                # The home puts its first item right under the header, whatever the header's height.
                assert found["top"] - found["header"] < 200, where
            assert found["header"] <= COLLAPSED_HEADER or viewport["width"] > 576, f"{where}: the header is tall"
            assert found["bottom"] <= found["innerHeight"], f"{where}: the first item is below the first screen"
        finally:
            context.close()
