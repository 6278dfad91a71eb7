import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests import factories
from tests.vouchers import factories as vf
from vouchers.models import ClaimDocument, ClaimStatus, DocumentKind, ProviderStatus, VoucherClaim
from vouchers.selectors import attach_checks, claim_list
from vouchers.services import claim_update, document_add, policy_update
from vouchers.workflows import claim_transition


def _submit(claim, user):
    with translation.override("en"):
        return claim_transition(claims=[claim], to=ClaimStatus.SUBMITTED, actor=user)


def _errors(call):
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_a_subsidy_above_the_ratio_is_refused_at_submit_with_the_numbers(voucher_world):
    claim = vf.draft(voucher_world["policy"], voucher_world["enterprise"], expense="100000", subsidy="30000.01")
    errors = _errors(lambda: _submit(claim, voucher_world["enterprise"]))
    assert errors["subsidy_requested"] == [
        "The subsidy requested (30000.01 yuan) is more than 30% of the eligible expense of 100000.00 yuan: "
        "at most 30000.00 yuan."
    ]
    assert VoucherClaim.objects.get(pk=claim.pk).status == ClaimStatus.DRAFT
    claim_update(claim=claim, actor=voucher_world["enterprise"], subsidy_requested="30000.00")
    assert _submit(claim, voucher_world["enterprise"])[0].status == ClaimStatus.SUBMITTED


def test_a_draft_missing_fields_and_documents_says_what_is_missing(voucher_world):
    kind = voucher_world["policy"].kinds.get(code="equipment")
    from vouchers.services import claim_create

    claim = claim_create(actor=voucher_world["enterprise"], policy=voucher_world["policy"], kind=kind)
    errors = _errors(lambda: _submit(claim, voucher_world["enterprise"]))
    assert set(errors) == {"supplier_name", "contract_number", "contract_date", "eligible_expense",
                           "subsidy_requested", "documents"}  # fmt: skip
    assert errors["documents"] == ["Attach these documents: Contract, Invoice, Payment proof."]


def test_a_result_transfer_must_name_an_active_registered_provider(voucher_world):
    world = voucher_world
    claim = vf.draft(world["policy"], world["enterprise"], kind="result_transfer", expense="100000", subsidy="50000")
    assert "provider" in _errors(lambda: _submit(claim, world["enterprise"]))
    provider = vf.ProviderFactory(status=ProviderStatus.SUSPENDED)
    claim_update(claim=claim, actor=world["enterprise"], provider=provider)
    assert "suspended" in _errors(lambda: _submit(claim, world["enterprise"]))["provider"][0]
    provider.status = ProviderStatus.ACTIVE
    provider.save()
    assert _submit(claim, world["enterprise"])[0].status == ClaimStatus.SUBMITTED


def test_first_submission_only_inside_the_claim_window(voucher_world, actors):
    world = voucher_world
    returned = vf.move(vf.draft(world["policy"], world["enterprise"]), vf.PATHS[ClaimStatus.RETURNED], actors)
    draft = vf.draft(world["policy"], world["enterprise"])
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    policy_update(policy=world["policy"], actor=world["admin"], claims_open_on=yesterday.replace(month=1, day=1),
                  claims_close_on=yesterday)  # fmt: skip
    draft.policy.refresh_from_db()
    assert "year" in _errors(lambda: _submit(draft, world["enterprise"]))
    # A claim submitted in time and returned may come back after the window.
    assert _submit(returned, world["enterprise"])[0].status == ClaimStatus.SUBMITTED


def _checks(user, claim):
    listed = attach_checks(claim_list(user=user).filter(pk=claim.pk))
    return {check.code: check for check in listed[0].checks}


def test_reviewers_see_duplicate_invoices_suspended_providers_odd_dates_and_ineligible_firms(voucher_world, actors):
    world = voucher_world
    first = vf.draft(world["policy"], world["enterprise"])
    number = first.documents.get(kind=DocumentKind.INVOICE).invoice_number
    second = vf.draft(world["policy"], world["enterprise"], contract_date=datetime.date(vf.YEAR - 1, 12, 20))
    document_add(claim=second, actor=world["enterprise"], kind=DocumentKind.INVOICE, uploaded_file=vf.upload(),
                 invoice_number=number)  # fmt: skip
    for claim in (first, second):
        vf.move(claim, vf.PATHS[ClaimStatus.SUBMITTED], actors)
    checks = _checks(world["county"], second)
    assert set(checks) == {"duplicate_invoice", "contract_outside_year"}
    assert checks["duplicate_invoice"].details == [f"{number} → {first.reference}"]
    assert set(_checks(world["county"], first)) == {"duplicate_invoice"}

    provider = vf.ProviderFactory()
    transfer = vf.draft(world["policy"], world["enterprise"], kind="result_transfer", provider=provider,
                        expense="100000", subsidy="50000")  # fmt: skip
    vf.move(transfer, vf.PATHS[ClaimStatus.SUBMITTED], actors)
    assert _checks(world["county"], transfer) == {}
    provider.status = ProviderStatus.SUSPENDED
    provider.save()
    assert set(_checks(world["city"], transfer)) == {"provider_not_registered"}

    unregistered = factories.EnterpriseFactory(county=factories.county("410402"))
    late = vf.draft(world["policy"], vf.firm_user(unregistered))
    assert set(_checks(world["county"], late)) == {"not_eligible"}


def test_a_withdrawn_claims_invoice_is_not_a_duplicate(voucher_world, actors):
    world = voucher_world
    first = vf.move(vf.draft(world["policy"], world["enterprise"]), vf.PATHS[ClaimStatus.WITHDRAWN], actors)
    number = first.documents.get(kind=DocumentKind.INVOICE).invoice_number
    second = vf.draft(world["policy"], world["enterprise"], documents=False)
    document_add(claim=second, actor=world["enterprise"], kind=DocumentKind.INVOICE, uploaded_file=vf.upload(),
                 invoice_number=number)  # fmt: skip
    # The other required documents too, so that no finding is left but the one this test is about.
    for kind in (DocumentKind.CONTRACT, DocumentKind.PAYMENT_PROOF):
        document_add(claim=second, actor=world["enterprise"], kind=kind, uploaded_file=vf.upload())
    assert _checks(world["county"], second) == {}
    assert ClaimDocument.objects.filter(invoice_number=number).count() == 2


def test_the_ratio_check_is_shown_when_the_city_lowers_a_ratio_after_submission(voucher_world, actors):
    claim = vf.move(
        vf.draft(voucher_world["policy"], voucher_world["enterprise"]), vf.PATHS[ClaimStatus.SUBMITTED], actors
    )
    kind = claim.kind
    kind.subsidy_ratio = Decimal("0.2")
    kind.save()
    assert set(_checks(voucher_world["county"], claim)) == {"subsidy_above_ratio"}
