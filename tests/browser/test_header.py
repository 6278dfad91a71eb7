"""The header of every role in headless Chromium: one line at 1280 px (in Chinese and in English), collapsed behind
the toggler on a 390 px phone and opening on a tap, never wider than the window. Screenshots of each header are left
in test-artifacts/header/ for a look."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from notifications.services import notify
from tests import factories
from tests.workspaces.cast import demo_cast
from workspaces.navigation import menu_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# One demo user of each role: city admin, city staff, county staff, officer, enterprise user, leader.
ROLES = ["admin", "city", "xinhua", "officer", "firm_sme", "leader"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "header"
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
# What sticks out, when something does (for the failure message).
WIDEST = """Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > innerWidth)
  .slice(0, 5).map(e => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""


def log_in(page, live_server, username, language):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "portal_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
    page.wait_for_load_state("load")


def header_height(page) -> float:
    return page.locator("header").bounding_box()["height"]


def shoot(page, name, height=None):
    """The header (or the top `height` px of the window, for a menu that hangs below it)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if height:
        clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height}
        page.screenshot(path=SCREENSHOTS / f"{name}.png", clip=clip)
    else:
        page.locator("header").screenshot(path=SCREENSHOTS / f"{name}.png")


def open_page(browser, live_server, username, language, **context_options):
    context = browser.new_context(locale="zh-CN", **context_options)
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, username, language)
    return page


def group_link_id(group) -> str:
    """The element a top-level item is: a group of one entry is its entry's link, else the dropdown's toggle."""
    return group.single.element_id if group.single else group.element_id


@pytest.mark.parametrize("username", ROLES)
def test_the_header_is_one_line_at_1280_and_collapsed_on_a_phone(live_server, browser, username):
    users = demo_cast()
    groups = menu_for(users[username])
    for number in range(3):
        notify(text=f"Notice {number}", user=users[username])
    for language in ("zh-hans", "en"):
        page = open_page(browser, live_server, username, language, viewport=DESKTOP)
        # The bell's count arrives after the page has loaded.
        page.wait_for_selector("#notification-count")
        assert page.inner_text("#notification-count") == "3"
        shoot(page, f"{username}-1280-{language}")
        # At 1280 px: every group, the bell, the language switch and the account menu on one line.
        assert header_height(page) <= 72, (username, language, header_height(page))
        assert page.evaluate(NO_OVERFLOW), (username, language, page.evaluate(WIDEST))
        assert page.locator("#menu-toggler").is_hidden()
        for group in groups:
            assert page.locator(f"#{group_link_id(group)}").is_visible(), (username, group.key)
        tops = page.evaluate(
            "Array.from(document.querySelectorAll('header .navbar-brand, #portal-menu > nav > ul > li,"
            " #language-form, #notification-bell, #user-menu')).map(e => Math.round(e.getBoundingClientRect().top))"
        )
        assert max(tops) - min(tops) <= 12, (username, language, tops)
        # The account menu opens on the user's name, role and county, and the way out.
        page.click("#user-menu")
        assert page.locator("#current-user").is_visible() and page.locator("#log-out").is_visible()
        shoot(page, f"{username}-1280-{language}-account", height=320)
        page.context.close()

    # On a phone: the menu collapsed behind the toggler, the bell and the account menu still at hand.
    page = open_page(browser, live_server, username, "zh-hans", viewport=PHONE, has_touch=True, is_mobile=True)
    assert header_height(page) <= 64, (username, header_height(page))
    assert page.evaluate(NO_OVERFLOW), username
    assert page.locator("#menu-toggler").is_visible()
    assert page.locator("#portal-menu").is_hidden()
    assert page.locator("#notification-bell").is_visible() and page.locator("#user-menu").is_visible()
    shoot(page, f"{username}-390-closed")

    page.tap("#menu-toggler")
    page.wait_for_selector("#portal-menu.show")
    for group in groups:
        assert page.locator(f"#{group_link_id(group)}").is_visible(), (username, group.key)
    assert page.locator("#language-select").is_visible()
    assert page.evaluate(NO_OVERFLOW), username
    # A group opens in place, its entries under it.
    dropdown = next((group for group in groups if not group.single), None)
    if dropdown:
        page.tap(f"#{dropdown.element_id}")
        page.wait_for_selector(f"#{dropdown.links[0].element_id}", state="visible")
    assert page.evaluate(NO_OVERFLOW), username
    shoot(page, f"{username}-390-open", height=PHONE["height"])
    page.context.close()


def test_the_signed_out_header_holds_the_brand_and_the_language_switch(live_server, browser):
    for viewport in (PHONE, DESKTOP):
        context = browser.new_context(locale="zh-CN", viewport=viewport)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        shoot(page, f"signed-out-{viewport['width']}")
        assert page.locator("#language-select").is_visible()
        assert page.locator("#menu-toggler").count() == 0 and page.locator("#user-menu").count() == 0
        assert header_height(page) <= 64
        assert page.evaluate(NO_OVERFLOW), page.evaluate(WIDEST)
        context.close()
