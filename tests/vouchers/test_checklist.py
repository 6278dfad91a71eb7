"""The documents a claim must carry (the year's policy says which): the firm's checklist on the claim form and the
claim page, ticked as each is attached, and the reviewers' check naming the ones missing."""

import re

from django.urls import reverse
from django.utils import translation

from tests.vouchers import factories as vf
from vouchers.models import ClaimStatus, DocumentKind, VoucherKind
from vouchers.selectors import attach_checks, claim_list, document_checklist, required_documents
from vouchers.services import document_add, policy_open, policy_update

# rulesets.VoucherRules.required_documents, copied into the year's policy when it is opened.
REQUIRED = ["contract", "invoice", "payment_proof"]
TICK = re.compile(r'data-document="(\w+)" data-done="(true|false)"')


def _ticks(html: str) -> dict[str, bool]:
    return {code: done == "true" for code, done in TICK.findall(html)}


def _page(client, name, *args, **params) -> str:
    client.cookies["portal_language"] = "en"  # the header's language switch, so that the labels read in English
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


def _upload(client, claim, kind, number=""):
    content, name = (vf.PNG, "scan.png") if kind == DocumentKind.PAYMENT_PROOF else (vf.PDF, f"{kind}.pdf")
    response = client.post(
        reverse("vouchers:document-upload", args=[claim.pk]),
        {"kind": kind, "invoice_number": number, "file": vf.upload(content, name)},
    )
    assert response.status_code == 302


def test_every_kind_lists_the_documents_its_years_policy_requires(voucher_world):
    world = voucher_world
    kinds = list(world["policy"].kinds.all())
    assert {kind.code for kind in kinds} == {"equipment", "result_transfer"}
    for kind in kinds:
        assert required_documents(policy=world["policy"], kind=kind) == REQUIRED
        checklist = document_checklist(policy=world["policy"], kind=kind, present={"invoice"})
        assert [(item.code, item.done) for item in checklist] == [
            ("contract", False), ("invoice", True), ("payment_proof", False)
        ]  # fmt: skip
    policy = policy_update(policy=world["policy"], actor=world["admin"], required_documents=["acceptance_report"])
    assert required_documents(policy=policy, kind=kinds[0]) == ["acceptance_report"]


def test_the_new_claim_form_lists_the_required_documents_before_any_upload(client, voucher_world):
    world = voucher_world
    client.force_login(world["enterprise"])
    html = _page(client, "vouchers:claim-new")
    assert _ticks(html) == dict.fromkeys(REQUIRED, False)
    for label in ("Contract", "Invoice", "Payment proof"):
        assert label in html
    # Choosing a kind fetches its checklist from the portal (htmx, served by the portal itself).
    checklist_url = reverse("vouchers:claim-checklist")
    assert f'hx-get="{checklist_url}?year={world["policy"].year}"' in html
    assert 'hx-target="#document-checklist"' in html


def test_the_checklist_follows_the_chosen_kind(client, voucher_world):
    world = voucher_world
    client.force_login(world["enterprise"])
    kinds = {kind.code: kind for kind in world["policy"].kinds.all()}
    year = world["policy"].year
    transfer = _page(client, "vouchers:claim-checklist", year=year, kind=kinds["result_transfer"].pk)
    assert 'data-kind="result_transfer"' in transfer and kinds["result_transfer"].name in transfer
    assert "must also name a provider of the registry" in transfer
    assert _ticks(transfer) == dict.fromkeys(REQUIRED, False)
    equipment = _page(client, "vouchers:claim-checklist", year=year, kind=kinds["equipment"].pk)
    assert 'data-kind="equipment"' in equipment and "provider of the registry" not in equipment

    # On the edit form of a draft, what is attached is ticked.
    claim = vf.draft(world["policy"], world["enterprise"], documents=False)
    document_add(claim=claim, actor=world["enterprise"], kind=DocumentKind.CONTRACT, uploaded_file=vf.upload())
    assert _ticks(_page(client, "vouchers:claim-edit", claim.pk)) == {
        "contract": True, "invoice": False, "payment_proof": False,
    }  # fmt: skip
    swapped = _page(client, "vouchers:claim-checklist", claim=claim.pk, kind=kinds["result_transfer"].pk)
    assert _ticks(swapped)["contract"] is True

    # Another firm's claim is not found; staff have no claim form.
    client.force_login(world["other_enterprise"])
    assert client.get(reverse("vouchers:claim-checklist"), {"claim": claim.pk}).status_code == 404
    client.force_login(world["county"])
    assert client.get(reverse("vouchers:claim-checklist"), {"year": year}).status_code == 403


def test_the_claim_pages_checklist_ticks_as_each_document_is_attached(client, voucher_world):
    world = voucher_world
    claim = vf.draft(world["policy"], world["enterprise"], documents=False)
    client.force_login(world["enterprise"])
    html = _page(client, "vouchers:claim", claim.pk)
    assert _ticks(html) == dict.fromkeys(REQUIRED, False)
    # The upload form offers the first document still missing.
    assert re.search(r'<option value="contract" selected>', html)
    done = set()
    for kind, number in (("contract", ""), ("invoice", "FP-2026-0001"), ("payment_proof", "")):
        _upload(client, claim, kind, number)
        done.add(kind)
        html = _page(client, "vouchers:claim", claim.pk)
        assert _ticks(html) == {code: code in done for code in REQUIRED}
    assert html.count("not yet attached") == 0


def test_a_claim_missing_a_required_document_is_a_review_check_naming_it(voucher_world, actors):
    world = voucher_world
    bare = vf.draft(world["policy"], world["enterprise"], documents=False)
    partial = vf.draft(world["policy"], world["enterprise"], documents=False)
    document_add(claim=partial, actor=world["enterprise"], kind=DocumentKind.CONTRACT, uploaded_file=vf.upload())
    complete = vf.draft(world["policy"], world["enterprise"])
    with translation.override("en"):
        listed = {claim.pk: claim for claim in attach_checks(claim_list(user=world["county"]))}
    checks = {pk: {check.code: check for check in claim.checks} for pk, claim in listed.items()}
    assert checks[bare.pk]["documents_missing"].message == "Required document missing"
    assert checks[bare.pk]["documents_missing"].details == ["Contract", "Invoice", "Payment proof"]
    assert checks[partial.pk]["documents_missing"].details == ["Invoice", "Payment proof"]
    assert checks[complete.pk] == {}


def test_reviewers_see_the_missing_document_in_the_queue_and_on_the_claim_page(client, voucher_world, actors):
    world = voucher_world
    complete = vf.move(vf.draft(world["policy"], world["enterprise"]), vf.PATHS[ClaimStatus.SUBMITTED], actors)
    client.force_login(world["county"])
    assert "No findings" in _page(client, "vouchers:claim", complete.pk)
    # The city asks for the acceptance report after the claim was submitted: the reviewers are told.
    policy_update(policy=world["policy"], actor=world["admin"], required_documents=[*REQUIRED, "acceptance_report"])
    queue = _page(client, "vouchers:queue")
    assert "Required document missing: Acceptance report" in queue
    page = _page(client, "vouchers:claim", complete.pk)
    assert 'data-check="documents_missing"' in page and "No findings" not in page
    # A draft without any document is no "no findings" either.
    bare = vf.draft(world["policy"], world["enterprise"], documents=False)
    page = _page(client, "vouchers:claim", bare.pk)
    assert "Required document missing: Contract; Invoice; Payment proof; Acceptance report" in page


def test_the_firms_claim_page_speaks_to_the_firm_not_to_reviewers(client, voucher_world, actors):
    world = voucher_world
    draft = vf.draft(world["policy"], world["enterprise"])
    submitted = vf.move(vf.draft(world["policy"], world["enterprise"]), vf.PATHS[ClaimStatus.SUBMITTED], actors)
    reviewers_placeholder = "Comment (required to return or reject)"
    client.force_login(world["enterprise"])
    page = _page(client, "vouchers:claim", draft.pk)
    assert reviewers_placeholder not in page
    assert "A note for the reviewers (optional)" in page
    assert "Submit once every document above is attached" in page
    page = _page(client, "vouchers:claim", submitted.pk)
    assert reviewers_placeholder not in page
    assert "You can withdraw it until the county has decided." in page
    assert 'id="document-checklist"' not in page  # nothing more to attach once submitted
    client.force_login(world["county"])
    page = _page(client, "vouchers:claim", submitted.pk)
    assert reviewers_placeholder in page and "A note for the reviewers" not in page


def test_a_kind_of_another_years_policy_gives_the_generic_checklist(client, voucher_world):
    world = voucher_world
    client.force_login(world["enterprise"])
    last_year = policy_open(year=vf.YEAR - 1, actor=world["admin"])
    stranger = VoucherKind.objects.get(policy=last_year, code="equipment")
    html = _page(client, "vouchers:claim-checklist", year=world["policy"].year, kind=stranger.pk)
    assert 'data-kind=""' in html and _ticks(html) == dict.fromkeys(REQUIRED, False)
