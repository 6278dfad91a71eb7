"""Notification settings on a 390 × 844 phone, in headless Chromium: reached from the account menu, a channel chosen
and saved, the last reminders sent read as cards, nothing wider than the screen, no Content-Security-Policy
violation."""

import re

import pytest

from accounts.models import Role
from notifications.models import ChannelPreference, Delivery, DeliveryStatus, Notification
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
LISTEN = """window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));"""


def test_a_firm_user_chooses_sms_on_a_phone(live_server, browser, make_user):
    firm = factories.EnterpriseFactory(contact_phone="13700001111")
    user = make_user(Role.ENTERPRISE, username="firm-phone", enterprise=firm)
    notification = Notification.objects.create(
        recipient_enterprise=firm, kind="certificate_expiring",
        text="Your high-tech enterprise certificate ends on %(date)s, in %(days)s days: prepare its renewal.",
        params={"date": "2026-08-30", "days": 90},
    )  # fmt: skip
    Delivery.objects.create(
        notification=notification, user=user, channel="sms", status=DeliveryStatus.SENT, attempts=2,
        address_masked="137****1111",
    )  # fmt: skip
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "firm-phone")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))

    page.click("#user-menu")
    page.click("#nav-notification-settings")
    page.wait_for_url(re.compile(r"/notifications/settings/$"))
    assert page.locator("h1").inner_text() == "通知设置"
    # No e-mail address on the account: that channel cannot be chosen, and the page says why.
    assert page.locator("#channel-email").is_disabled()
    assert "没有电子邮箱" in page.locator("#channel-settings").inner_text()
    assert "13700001111" in page.locator("#channel-settings").inner_text()
    page.check("#channel-sms")
    page.click("#save-channel-settings")
    page.wait_for_load_state("load")
    assert "通知设置已保存" in page.content()
    assert page.locator("#channel-sms").is_checked()
    preference = ChannelPreference.objects.get(user=user)
    assert (preference.email, preference.sms) == (False, True)

    cards = page.evaluate(
        """() => {
          const table = document.querySelector('#recent-deliveries');
          return {head: getComputedStyle(table.tHead).display,
                  row: getComputedStyle(table.querySelector('tbody > tr')).display};
        }"""
    )
    assert cards == {"head": "none", "row": "grid"}
    row = page.locator("#recent-deliveries tbody tr").first.inner_text()
    assert "2026-08-30" in row and "137****1111" in row and "已发送" in row
    layout = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert layout["scroll"] <= layout["inner"], layout
    assert page.evaluate("window.__violations") == []
    context.close()
