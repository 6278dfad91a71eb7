"""Voucher writes: policies, providers, claims and their documents. Claims change status only through
vouchers.workflows.claim_transition, which keeps the cap."""

import datetime
import hashlib
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.parsing import date_or_none, money, text
from enterprises.credit_codes import normalize_credit_code, validate_credit_code
from enterprises.models import LEFT_POOL_STATUSES, Enterprise, HighTechField, QualificationKind, RegistrationStatus
from scoring.selectors import ruleset_in_force
from vouchers.documents import ALLOWED_TYPES, HEAD_BYTES, sniff_content_type
from vouchers.models import (
    ClaimDocument,
    ClaimEvent,
    ClaimParty,
    ClaimStatus,
    DocumentKind,
    Provider,
    ProviderKind,
    ProviderStatus,
    VoucherBudget,
    VoucherClaim,
    VoucherKind,
    VoucherPolicy,
    VoucherQuota,
)
from vouchers.permissions import can_claim, can_edit_providers, is_policy_admin, parties_of
from vouchers.selectors import budget_committed_by_claims

MAX_YEAR_SPAN = (2000, 2100)


# ---------------------------------------------------------------------------------------------------------------
# Policies


def policy_open(*, year: int, actor, **fields) -> VoucherPolicy:
    """Open a year's policy with the rule set's defaults (cap, eligibility, kinds); `fields` override them."""
    if not is_policy_admin(actor):
        raise PermissionDenied
    if not MAX_YEAR_SPAN[0] <= int(year) <= MAX_YEAR_SPAN[1]:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    rules = ruleset_in_force().vouchers
    values = {
        "eligible_qualifications": list(rules.eligible_qualifications),
        "annual_cap": rules.annual_cap_per_enterprise,
        "city_budget": None,
        "claims_open_on": datetime.date(year, 1, 1),
        "claims_close_on": datetime.date(year, 12, 31),
        "required_documents": list(rules.required_documents),
        "notes": "",
    }
    values.update({key: value for key, value in fields.items() if value is not None or key == "city_budget"})
    values = _clean_policy(values)
    try:
        with transaction.atomic():
            policy = VoucherPolicy.objects.create(year=year, updated_by=actor, **values)
            VoucherKind.objects.bulk_create(
                VoucherKind(
                    policy=policy, code=code, name=name, subsidy_ratio=ratio, requires_provider=requires, position=index
                )
                for index, (code, name, ratio, requires) in enumerate(rules.default_kinds)
            )
            if policy.city_budget is not None:
                VoucherBudget.objects.create(year=year, total=policy.city_budget)
    except IntegrityError:
        raise ValidationError({"year": _("There is already a voucher policy for this year.")}) from None
    return policy


def _clean_policy(values: dict) -> dict:
    kinds = list(values.get("eligible_qualifications") or [])
    unknown = [kind for kind in kinds if kind not in QualificationKind.values]
    if unknown:
        raise ValidationError({"eligible_qualifications": _("Unknown qualification kinds: %(kinds)s.") % {
            "kinds": ", ".join(map(str, unknown))}})  # fmt: skip
    values["eligible_qualifications"] = kinds
    values["annual_cap"] = money(values.get("annual_cap"), field="annual_cap", label=_("Cap per enterprise"))
    if values["annual_cap"] is None:
        raise ValidationError({"annual_cap": _("Give the cap per enterprise per year.")})
    values["city_budget"] = money(values.get("city_budget"), field="city_budget", label=_("City budget"))
    opens = date_or_none(values.get("claims_open_on"), field="claims_open_on", label=_("Claims open on"))
    closes = date_or_none(values.get("claims_close_on"), field="claims_close_on", label=_("Claims close on"))
    if opens is None or closes is None or closes < opens:
        raise ValidationError(
            {"claims_close_on": _("Give the claim window: an opening day on or before the closing day.")}
        )
    values["claims_open_on"], values["claims_close_on"] = opens, closes
    values["notes"] = text(values.get("notes"))
    documents = list(values.get("required_documents") or [])
    unknown = [kind for kind in documents if kind not in DocumentKind.values]
    if unknown:
        raise ValidationError({"required_documents": _("Unknown document kinds: %(kinds)s.") % {
            "kinds": ", ".join(map(str, unknown))}})  # fmt: skip
    values["required_documents"] = documents
    return values


def policy_update(*, policy: VoucherPolicy, actor, **fields) -> VoucherPolicy:
    """Change a year's policy. A new cap is carried to every firm's quota row of the year and a new budget to the
    budget row; either is refused, with nothing changed, when claims already commit more than it."""
    if not is_policy_admin(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = VoucherPolicy.objects.select_for_update().get(pk=policy.pk)
        values = _clean_policy({
            "eligible_qualifications": locked.eligible_qualifications, "annual_cap": locked.annual_cap,
            "city_budget": locked.city_budget, "claims_open_on": locked.claims_open_on,
            "claims_close_on": locked.claims_close_on, "notes": locked.notes,
            "required_documents": locked.required_documents, **fields,
        })  # fmt: skip
        if values["annual_cap"] != locked.annual_cap:
            over = VoucherQuota.objects.filter(year=locked.year, committed__gt=values["annual_cap"]).count()
            if over:
                raise ValidationError({"annual_cap": _(
                    "%(count)s firms already have more than %(cap)s yuan under review, approved or paid in %(year)s."
                ) % {"count": over, "cap": values["annual_cap"], "year": locked.year}})  # fmt: skip
            VoucherQuota.objects.filter(year=locked.year).update(cap=values["annual_cap"], updated_at=timezone.now())
        _set_budget(year=locked.year, total=values["city_budget"])
        for name, value in values.items():
            setattr(locked, name, value)
        locked.updated_by = actor
        locked.save()
    return locked


def _set_budget(*, year: int, total: Decimal | None) -> None:
    if total is None:
        VoucherBudget.objects.filter(year=year).delete()
        return
    budget = VoucherBudget.objects.select_for_update().filter(year=year).first()
    committed = budget.committed if budget else budget_committed_by_claims(year=year)
    if committed > total:
        raise ValidationError({"city_budget": _("City approvals of %(year)s already commit %(amount)s yuan.") % {
            "year": year, "amount": committed}})  # fmt: skip
    if budget is None:
        VoucherBudget.objects.create(year=year, total=total, committed=committed)
    else:
        budget.total = total
        budget.save(update_fields=["total", "updated_at"])


def kind_save(
    *, policy: VoucherPolicy, actor, code: str, name: str, subsidy_ratio, requires_provider: bool = False,
    active: bool = True, position: int = 0, kind: VoucherKind | None = None,
) -> VoucherKind:  # fmt: skip
    """Add a voucher kind to a policy, or change one. A kind's code is kept once claims use it."""
    if not is_policy_admin(actor):
        raise PermissionDenied
    code, name = text(code, 30).lower(), text(name, 100)
    if not code or not name:
        raise ValidationError({"name": _("Give the kind's code and name.")})
    try:
        ratio = Decimal(str(subsidy_ratio))
    except InvalidOperation:
        ratio = Decimal(-1)
    if not (0 < ratio <= 1) or ratio != ratio.quantize(Decimal("0.0001")):
        raise ValidationError({"subsidy_ratio": _("The subsidy ratio is a fraction above 0 and at most 1, e.g. 0.3.")})
    kind = kind or VoucherKind(policy=policy)
    if kind.pk and kind.code != code and kind.claims.exists():
        raise ValidationError({"code": _("Claims use this kind: its code cannot change.")})
    kind.code, kind.name, kind.subsidy_ratio = code, name, ratio
    kind.requires_provider, kind.active, kind.position = bool(requires_provider), bool(active), int(position or 0)
    try:
        with transaction.atomic():
            kind.save()
    except IntegrityError:
        raise ValidationError({"code": _("This policy already has a kind with this code.")}) from None
    return kind


# ---------------------------------------------------------------------------------------------------------------
# Provider registry


PROVIDER_FIELDS = ("credit_code", "name", "kind", "status", "fields", "contact_person", "phone", "address")


def _clean_provider(data: dict) -> dict:
    values = {
        "credit_code": normalize_credit_code(data.get("credit_code", "")),
        "name": text(data.get("name"), 200),
        "kind": text(data.get("kind")),
        "status": text(data.get("status")) or ProviderStatus.ACTIVE,
        "fields": list(data.get("fields") or []),
        "contact_person": text(data.get("contact_person"), 50),
        "phone": text(data.get("phone"), 30),
        "address": text(data.get("address"), 200),
    }
    try:
        values["credit_code"] = validate_credit_code(values["credit_code"])
    except ValidationError as error:
        raise ValidationError({"credit_code": error.messages}) from None
    if not values["name"]:
        raise ValidationError({"name": _("Give the provider's name.")})
    if values["kind"] not in ProviderKind.values:
        raise ValidationError({"kind": _("Choose the provider's kind.")})
    if values["status"] not in ProviderStatus.values:
        raise ValidationError({"status": _("Choose the provider's status.")})
    unknown = [value for value in values["fields"] if value not in HighTechField.values]
    if unknown:
        raise ValidationError({"fields": _("Unknown fields: %(fields)s.") % {"fields": ", ".join(map(str, unknown))}})
    return values


def provider_save(*, actor, provider: Provider | None = None, **data) -> Provider:
    """Register a provider, or change one (city staff)."""
    if not can_edit_providers(actor):
        raise PermissionDenied
    values = _clean_provider(data)
    provider = provider or Provider()
    for name, value in values.items():
        setattr(provider, name, value)
    try:
        with transaction.atomic():
            provider.save()
    except IntegrityError:
        raise ValidationError({"credit_code": _("A provider with this credit code is already registered.")}) from None
    return provider


# ---------------------------------------------------------------------------------------------------------------
# Claims


CLAIM_FIELDS = (
    "kind", "provider", "supplier_name", "contract_number", "contract_date", "eligible_expense", "subsidy_requested",
    "description",
)  # fmt: skip


def _apply_claim_fields(claim: VoucherClaim, data: dict) -> None:
    if "kind" in data:
        kind = data["kind"]
        if not isinstance(kind, VoucherKind) or kind.policy_id != claim.policy_id:
            raise ValidationError({"kind": _("Choose a kind of this year's policy.")})
        if not kind.active and kind.pk != claim.kind_id:
            raise ValidationError({"kind": _("This kind is closed for new claims.")})
        claim.kind = kind
    if "provider" in data:
        provider = data["provider"]
        if provider is not None and not isinstance(provider, Provider):
            raise ValidationError({"provider": _("Choose a provider of the registry.")})
        claim.provider = provider
    if "supplier_name" in data:
        claim.supplier_name = text(data["supplier_name"], 200)
    if "contract_number" in data:
        claim.contract_number = text(data["contract_number"], 100)
    if "contract_date" in data:
        claim.contract_date = date_or_none(data["contract_date"], field="contract_date", label=_("Contract date"))
    if "eligible_expense" in data:
        claim.eligible_expense = money(data["eligible_expense"], field="eligible_expense", label=_("Eligible expense"))
    if "subsidy_requested" in data:
        claim.subsidy_requested = money(
            data["subsidy_requested"], field="subsidy_requested", label=_("Subsidy requested")
        )
    if "description" in data:
        claim.description = text(data["description"], 5000)


def claim_create(*, actor, policy: VoucherPolicy, **data) -> VoucherClaim:
    """A draft claim of the actor's firm for a policy year (the firm fills the rest later)."""
    if not can_claim(actor):
        raise PermissionDenied
    unknown = set(data) - set(CLAIM_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    status = Enterprise.objects.filter(pk=actor.enterprise_id).values_list("registration_status", flat=True).first()
    if status in LEFT_POOL_STATUSES:
        raise ValidationError(
            _(
                "Your firm is registered as “%(status)s” with market regulation: it cannot start a new voucher claim. "
                "If this is wrong, ask your county's science and technology bureau to correct it."
            )
            % {"status": RegistrationStatus(status).label}
        )
    if "kind" not in data or data["kind"] is None:
        raise ValidationError({"kind": _("Choose the kind of voucher.")})
    claim = VoucherClaim(enterprise_id=actor.enterprise_id, policy=policy, year=policy.year, created_by=actor)
    _apply_claim_fields(claim, data)
    with transaction.atomic():
        claim.save()
        ClaimEvent.objects.create(claim=claim, from_state="", to_state=ClaimStatus.DRAFT, actor=actor)
    return claim


def claim_update(*, claim: VoucherClaim, actor, **data) -> VoucherClaim:
    """Change a draft or returned claim of the actor's firm (`claim` from a scoped selector)."""
    unknown = set(data) - set(CLAIM_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = VoucherClaim.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=claim.pk)
        if ClaimParty.ENTERPRISE not in parties_of(actor, locked):
            raise PermissionDenied
        if not locked.is_editable:
            raise ValidationError(_("Only a draft or a returned claim can be changed."))
        _apply_claim_fields(locked, data)
        locked.save()
    return locked


def _locked_editable_claim(claim: VoucherClaim, actor) -> VoucherClaim:
    locked = VoucherClaim.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=claim.pk)
    if ClaimParty.ENTERPRISE not in parties_of(actor, locked):
        raise PermissionDenied
    if not locked.is_editable:
        raise ValidationError(_("Documents can be added or removed only while the claim is a draft or returned."))
    return locked


def document_add(*, claim: VoucherClaim, actor, kind: str, uploaded_file, invoice_number: str = "") -> ClaimDocument:
    """Attach a file to a draft or returned claim: PDF, JPEG or PNG by content, at most VOUCHER_DOCUMENT_MAX_MB."""
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    invoice_number = text(invoice_number, 50).upper().replace(" ", "")
    if kind == DocumentKind.INVOICE and not invoice_number:
        raise ValidationError({"invoice_number": _("Give the invoice number of this invoice.")})
    if kind != DocumentKind.INVOICE:
        invoice_number = ""
    limit = settings.VOUCHER_DOCUMENT_MAX_MB * 1024 * 1024
    size = uploaded_file.size
    if size is None or size > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": settings.VOUCHER_DOCUMENT_MAX_MB}}
        )
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(
            {"file": _("“%(name)s” is not a PDF, JPEG or PNG file (judged by its content, not its name).")
             % {"name": text(uploaded_file.name, 200)}}
        )  # fmt: skip
    uploaded_file.seek(0)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    original_name = text(uploaded_file.name, 200).rsplit("/", 1)[-1] or f"document.{ALLOWED_TYPES[content_type]}"
    with transaction.atomic():
        locked = _locked_editable_claim(claim, actor)
        document = ClaimDocument(
            claim=locked, kind=kind, invoice_number=invoice_number, original_name=original_name,
            content_type=content_type, size=size, sha256=digest.hexdigest(), uploaded_by=actor,
        )  # fmt: skip
        # Stored under a name of our making: the uploaded name never reaches the file system.
        document.file.save(f"{uuid.uuid4().hex}.{ALLOWED_TYPES[content_type]}", uploaded_file, save=False)
        try:
            document.save()
        except Exception:
            document.file.delete(save=False)
            raise
    return document


def document_delete(*, document: ClaimDocument, actor) -> None:
    with transaction.atomic():
        _locked_editable_claim(document.claim, actor)
        name = document.file.name
        document.delete()
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(name))
