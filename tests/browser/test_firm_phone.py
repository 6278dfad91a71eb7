"""A firm's pages on a 390 × 844 phone, in headless Chromium: my claims and the policy library read as cards, the
claim form's fields stack, nothing runs wider than the screen and no column is squeezed narrower than about four
characters; the claim form lists the documents required before any upload and the checklist ticks after one."""

import re

import pytest

from accounts.models import Role
from tests import factories
from tests.policies.factories import PolicyFactory
from tests.vouchers import factories as vf
from vouchers.models import VoucherClaim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
REQUIRED = ["contract", "invoice", "payment_proof"]
# Whether the page fits the screen, and the visible table cells narrower than four of their own characters.
LAYOUT = """() => {
  const narrow = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    const box = cell.getBoundingClientRect();
    if (!box.width || !cell.innerText.trim() || cell.offsetParent === null) continue;
    if (box.width < 4 * parseFloat(getComputedStyle(cell).fontSize)) narrow.push(cell.innerText.trim().slice(0, 20));
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, narrow};
}"""
CARDS = """(selector) => {
  const table = document.querySelector(selector);
  const rows = [...table.querySelectorAll(':scope > tbody > tr')];
  return {head: getComputedStyle(table.tHead).display, rows: rows.map((row) => getComputedStyle(row).display)};
}"""
STACKED = """() => [...document.querySelectorAll('#claim-form :is(.form-control, .form-select)')].map((field) => {
  const label = document.querySelector(`label[for="${field.id}"]`).getBoundingClientRect();
  const box = field.getBoundingClientRect();
  const form = document.querySelector('#claim-form').getBoundingClientRect();
  return {id: field.id, above: label.bottom <= box.top + 1, wide: box.width >= 0.9 * form.width};
})"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))


def assert_fits(page):
    layout = page.evaluate(LAYOUT)
    assert layout["scrollWidth"] <= layout["innerWidth"], page.url
    assert layout["narrow"] == [], page.url


def assert_cards(page, selector, rows):
    cards = page.evaluate(CARDS, selector)
    assert cards == {"head": "none", "rows": ["grid"] * rows}


def ticks(page) -> dict[str, bool]:
    items = page.locator("#document-checklist .checklist-item")
    return {
        items.nth(i).get_attribute("data-document"): items.nth(i).get_attribute("data-done") == "true"
        for i in range(items.count())
    }


def test_a_firm_claims_on_a_phone(live_server, phone, make_user):
    admin = make_user(Role.CITY_ADMIN, username="voucher-admin")
    policy = vf.policy(actor=admin)
    firm = vf.eligible_firm(county_code="410402")
    user = make_user(Role.ENTERPRISE, username="firm-phone", enterprise=firm)
    provider = vf.ProviderFactory(name="中原化工新材料研究院（平顶山）技术转移中心")
    vf.draft(policy, user, kind="result_transfer", provider=provider, expense="300000", subsidy="150000")
    vf.draft(policy, user)
    for title in ("平顶山市企业研发投入后补助实施细则", "首次入库科技型中小企业奖励", "高新技术企业认定奖励"):
        PolicyFactory(title=title, issuer="平顶山市科学技术局 平顶山市财政局", amount_note="每家最高10万元")

    page = phone
    log_in(page, live_server, "firm-phone")
    page.goto(f"{live_server.url}/vouchers/my-claims/")
    assert_cards(page, "#claim-table", 2)
    assert_fits(page)

    page.goto(f"{live_server.url}/policies/")
    assert_cards(page, "#policy-table", 3)
    assert_fits(page)

    # The claim form: every field under its label across the width, and the documents required before any upload.
    page.goto(f"{live_server.url}/vouchers/claims/new/")
    assert all(field["above"] and field["wide"] for field in page.evaluate(STACKED))
    assert ticks(page) == dict.fromkeys(REQUIRED, False)
    assert page.get_attribute("#document-checklist", "data-kind") == ""
    kinds = {kind.code: kind for kind in policy.kinds.all()}
    page.select_option("#id_kind", str(kinds["result_transfer"].pk))
    page.wait_for_selector('#document-checklist[data-kind="result_transfer"]')
    page.select_option("#id_kind", str(kinds["equipment"].pk))
    page.wait_for_selector('#document-checklist[data-kind="equipment"]')
    assert ticks(page) == dict.fromkeys(REQUIRED, False)
    assert_fits(page)
    page.fill("#id_supplier_name", "平顶山仪器设备有限公司")
    page.fill("#id_contract_number", "HT-2026-009")
    page.fill("#id_contract_date", f"{vf.YEAR}-03-15")
    page.fill("#id_eligible_expense", "200000")
    page.fill("#id_subsidy_requested", "60000")
    page.click("#save-draft")
    page.wait_for_url(re.compile(r".*/vouchers/claims/\d+/$"))

    # The claim page: the same checklist, ticked after each upload.
    claim = VoucherClaim.objects.get(contract_number="HT-2026-009")
    assert page.url.endswith(f"/vouchers/claims/{claim.pk}/")
    assert ticks(page) == dict.fromkeys(REQUIRED, False)
    assert_fits(page)
    assert page.input_value("#id_kind") == "contract"  # the first document still missing
    page.set_input_files("#id_file", files=[{"name": "合同.pdf", "mimeType": "application/pdf", "buffer": vf.PDF}])
    page.click("#upload-document")
    page.wait_for_selector('#document-checklist [data-document="contract"][data-done="true"]')
    assert ticks(page) == {"contract": True, "invoice": False, "payment_proof": False}
    assert page.input_value("#id_kind") == "invoice"
    assert_cards(page, "#document-table", 1)
    assert_fits(page)
