"""The whole voucher path in headless Chromium: the firm fills a claim, attaches its documents and submits; county
staff approve from their queue; city staff approve; the firm sees its claim approved and was notified."""

import re

import pytest

from accounts.models import Role
from tests import factories
from tests.vouchers import factories as vf
from vouchers.models import ClaimStatus, VoucherClaim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page, live_server, username):
    page.context.clear_cookies()
    # English, so that the test reads the same labels whatever the catalogue says.
    page.context.add_cookies([{"name": "portal_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))


def test_firm_submits_county_and_city_approve_firm_sees_it_approved(live_server, page, make_user):
    admin = make_user(Role.CITY_ADMIN, username="voucher-admin")
    vf.policy(actor=admin)
    firm = vf.eligible_firm(county_code="410402")
    make_user(Role.ENTERPRISE, username="firm-user", enterprise=firm)
    make_user(Role.COUNTY_STAFF, username="xinhua-staff", county_code="410402")
    make_user(Role.CITY_STAFF, username="city-staff")

    log_in(page, live_server, "firm-user")
    page.click("#nav-group-vouchers")
    page.click("#nav-my-claims")
    page.wait_for_url(re.compile(r".*/vouchers/my-claims/$"))
    assert "500,000.00" in page.inner_text(".quota-remaining")
    page.click("#nav-new-claim")
    page.select_option("#id_kind", label="仪器设备购置 (30%)")
    page.fill("#id_supplier_name", "平顶山仪器设备有限公司")
    page.fill("#id_contract_number", "HT-2026-001")
    page.fill("#id_contract_date", f"{vf.YEAR}-03-15")
    page.fill("#id_eligible_expense", "200000")
    page.fill("#id_subsidy_requested", "60000")
    page.click("#save-draft")
    page.wait_for_url(re.compile(r".*/vouchers/claims/\d+/$"))
    claim = VoucherClaim.objects.get()
    for kind, name, content, number in (
        ("contract", "contract.pdf", vf.PDF, ""),
        ("invoice", "invoice.pdf", vf.PDF, "04412026"),
        ("payment_proof", "bank.png", vf.PNG, ""),
    ):
        page.select_option("#id_kind", kind)
        page.fill("#id_invoice_number", number)
        page.set_input_files(
            "#id_file", files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}]
        )
        page.click("#upload-document")
        page.wait_for_load_state("load")
        assert name in page.inner_text("#document-table")
    page.click("#move-submitted")
    page.wait_for_load_state("load")
    assert page.get_attribute("#claim-status", "data-status") == ClaimStatus.SUBMITTED
    assert page.inner_text("#claim-status") == "Under county review"

    log_in(page, live_server, "xinhua-staff")
    page.goto(f"{live_server.url}/vouchers/queue/")
    page.click(f"text={claim.reference}")
    assert page.inner_text("#claim-checks").strip() == "No findings"
    page.click("#move-county_approved")
    page.wait_for_url(re.compile(r".*/vouchers/queue/$"))
    assert claim.reference not in page.inner_text("#queue-table")

    log_in(page, live_server, "city-staff")
    page.goto(f"{live_server.url}/vouchers/queue/")
    page.click(f"text={claim.reference}")
    page.click("#move-city_approved")
    page.wait_for_url(re.compile(r".*/vouchers/queue/$"))

    log_in(page, live_server, "firm-user")
    page.goto(f"{live_server.url}/vouchers/my-claims/")
    row = page.locator("#claim-table tbody tr", has_text=claim.reference)
    assert row.locator(".claim-status").inner_text() == "Approved"
    page.wait_for_selector("#notification-count")
    assert page.inner_text("#notification-count") == "3"
    assert VoucherClaim.objects.get().status == ClaimStatus.CITY_APPROVED
