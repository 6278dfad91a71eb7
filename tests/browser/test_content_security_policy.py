"""The Content-Security-Policy in headless Chromium: every page of each role's menu (and a firm's portrait, with its
charts) loads with no violation reported, the header's behaviours still work without inline script, and a staff
member enrols the authenticator app from the locally drawn QR code."""

import re
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprises.models import SourceKind
from enterprises.provenance import reconcile, source_values_record
from tests import factories
from tests.workspaces.cast import demo_cast
from workspaces.navigation import account_menu_for, menu_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROLES = ["admin", "city", "xinhua", "officer", "firm_sme", "leader"]
# Collected in the page before any of its own scripts run (an init script is not subject to the page's policy).
LISTEN = """window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`));"""


def _page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15000)
    console = []
    page.on("console", lambda message: console.append(message.text))
    return page, console


def _log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))


def _violations(page, console) -> list[str]:
    reported = page.evaluate("window.__violations")
    return reported + [text for text in console if "Content Security Policy" in text]


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_a_role_loads_with_no_policy_violation(live_server, browser, username):
    users = demo_cast()
    user = users[username]
    links = [link.url for group in menu_for(user) for link in group.links]
    links += [link.url for link in account_menu_for(user)]
    if username == "admin":
        # The admin site's own templates: a change list, a change form, the import-export export page.
        factories.EnterpriseFactory()
        links += ["/admin/enterprises/enterprise/", "/admin/enterprises/enterprise/add/"]
        links += ["/admin/enterprises/enterprise/export/", "/admin/otp_totp/totpdevice/"]
    if username in ("city", "xinhua"):
        firm = factories.EnterpriseFactory(county=factories.county("410402"))
        links.append(f"/enterprises/{firm.credit_code}/")
        # Two sources disagreeing: the firm page's source tags and history, and a row on the conflicts page.
        for kind, revenue in ((SourceKind.DEPARTMENT, 1000000), (SourceKind.SPREADSHEET, 2000000)):
            source_values_record(enterprise=firm, year=2025, values={"revenue": revenue}, source_kind=kind, actor=None)
        reconcile()
    page, console = _page(browser)
    _log_in(page, live_server.url, username)
    for url in dict.fromkeys(links):
        response = page.goto(f"{live_server.url}{url}")
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        page.wait_for_load_state("load")
        page.wait_for_timeout(150)
        for chart in page.locator("[id$='-chart'], #portrait-radar, #portrait-history").all()[:2]:
            if chart.is_visible():
                chart.hover()
        assert _violations(page, console) == [], (username, url)
    page.context.close()


def test_the_header_behaviours_work_without_inline_script(live_server, browser):
    demo_cast()
    page, console = _page(browser)
    _log_in(page, live_server.url, "city")
    page.wait_for_load_state("load")
    # The language switch submits itself on change (static/js/portal.js, data-autosubmit).
    page.select_option("#language-select", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert _violations(page, console) == []
    # The policy is really enforced: an inline script added now is refused and reported.
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';
                             document.body.appendChild(s); }""")
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__ran") is None
    page.context.close()


def test_a_staff_member_enrols_the_app_from_the_qr_code(live_server, browser, settings):
    settings.OTP_REQUIRED_ROLES = ["city_admin", "city_staff", "county_staff"]
    users = demo_cast()
    page, console = _page(browser)
    _log_in(page, live_server.url, "city")
    page.wait_for_url(re.compile(r".*/accounts/second-factor/setup/.*"))
    box = page.locator("#enrolment-qr svg").bounding_box()
    assert box and box["width"] >= 150 and box["height"] >= 150
    device = TOTPDevice.objects.get(user=users["city"], confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    page.fill("#id_code", f"{totp.token():06d}")
    page.click("#enrolment-form button[type=submit]")
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    page.click("#recovery-codes-done")
    page.wait_for_load_state("load")
    assert "/accounts/second-factor" not in page.url
    assert _violations(page, console) == []
    page.context.close()
