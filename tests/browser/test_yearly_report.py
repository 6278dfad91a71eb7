"""The yearly report in headless Chromium: a firm fills in and submits its report on a 390 px phone (the page fits
the screen, a changed figure opens its reason and document), and county staff confirm it at desktop width; no
Content-Security-Policy violation on the way. Screenshots go to var/screenshots/ when REPORT_SCREENSHOTS is set."""

import os
import re
from pathlib import Path

import pytest

from enterprises.models import SourceKind, SourceValue
from reports.models import ReportStatus, YearlyReport
from tests import factories
from tests.reports.conftest import PDF, make_report_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LISTEN = """window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`));"""
SHOTS = os.environ.get("REPORT_SCREENSHOTS")


def _context(browser, viewport):
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15000)
    console = []
    page.on("console", lambda message: console.append(message.text))
    return context, page, console


def _log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))


def _violations(page, console) -> list[str]:
    return page.evaluate("window.__violations") + [text for text in console if "Content Security Policy" in text]


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def test_a_firm_reports_on_a_phone_and_the_county_confirms_at_a_desk(live_server, browser):
    world = make_report_world()
    firm_user, county = world["firm_user"], world["county"]

    context, page, console = _context(browser, PHONE)
    _log_in(page, live_server.url, firm_user.username)
    page.click("#nav-my-report") if page.locator("#nav-my-report").is_visible() else page.goto(
        f"{live_server.url}/reports/"
    )
    page.wait_for_selector("#report-form")
    _shot(page, "report-phone-form.png")
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    # An unchanged figure keeps its reason and document hidden; a changed one shows them.
    assert not page.locator("#line-revenue [data-correction]").is_visible()
    page.fill("#value-revenue", "3500")
    assert page.locator("#reason-revenue").is_visible()
    page.fill("#reason-revenue", "审计后的营业收入")
    page.fill("#value-employees", "130")
    page.fill("#reason-employees", "12月新增10人")
    # Submitting without the document a department's figure needs: the message stands beside the figure.
    page.check("#report-confirmed")
    page.click("#report-submit")
    page.wait_for_selector("[data-error-for='employees__attachment']")
    _shot(page, "report-phone-error.png")
    page.set_input_files(
        "#attachment-employees", files=[{"name": "社保名单.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.fill("#reason-revenue", "审计后的营业收入")
    page.fill("#reason-employees", "12月新增10人")
    page.check("#report-confirmed")
    page.click("#report-submit")
    page.wait_for_selector("#report-values")
    _shot(page, "report-phone-submitted.png")
    assert _violations(page, console) == []
    context.close()
    report = YearlyReport.objects.get(enterprise=world["firm"])
    assert report.status == ReportStatus.SUBMITTED

    context, page, console = _context(browser, DESKTOP)
    _log_in(page, live_server.url, county.username)
    page.click("#nav-report-review") if page.locator("#nav-report-review").is_visible() else page.goto(
        f"{live_server.url}/reports/review/"
    )
    page.click(f"tr[data-report='{report.pk}'] a")
    page.wait_for_selector("#review-table")
    assert page.locator("#review-employees a[data-attachment]").inner_text() == "社保名单.pdf"
    _shot(page, "report-desktop-review.png")
    page.click("#report-confirm")
    page.wait_for_selector("#report-status")
    assert _violations(page, console) == []
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#report-progress")
    _shot(page, "report-desktop-home.png")
    context.close()

    # City staff open next year's window; the leaders' dashboard shows the progress.
    context, page, console = _context(browser, DESKTOP)
    _log_in(page, live_server.url, world["city"].username)
    page.goto(f"{live_server.url}/reports/windows/")
    page.fill("#id_year", str(world["window"].year - 1))
    page.fill("#id_opens_on", "2025-01-05")
    page.fill("#id_closes_on", "2025-02-05")
    page.click("#window-open")
    page.wait_for_selector(f"#window-list >> text={world['window'].year - 1}")
    _shot(page, "report-desktop-windows.png")
    page.goto(f"{live_server.url}/reports/review/")
    page.wait_for_selector(f"tr[data-report='{report.pk}']")
    assert _violations(page, console) == []
    context.close()
    report.refresh_from_db()
    assert report.status == ReportStatus.CONFIRMED
    assert SourceValue.objects.filter(
        enterprise=world["firm"], source_kind=SourceKind.SELF_REPORT, field="employees", value=130
    ).exists()
