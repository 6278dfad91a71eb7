"""Voucher reads, scoped through accounts.scoping: a claim or document outside the user's scope is not found (404)."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scope_to_user
from enterprises.models import Qualification
from vouchers.models import (
    BUDGET_HOLDING,
    QUOTA_HOLDING,
    ClaimDocument,
    ClaimEvent,
    ClaimParty,
    ClaimStatus,
    DocumentKind,
    Provider,
    ProviderStatus,
    VoucherBudget,
    VoucherClaim,
    VoucherKind,
    VoucherPolicy,
    VoucherQuota,
)
from vouchers.permissions import reviewer_party, sees_city_voucher_pages

CENT = Decimal("0.01")
# Which status each reviewing party works from.
QUEUE_STATUS = {ClaimParty.COUNTY: ClaimStatus.SUBMITTED, ClaimParty.CITY: ClaimStatus.COUNTY_APPROVED}
# A firm's claims still under way (`my claims`' "open" filter), the ones waiting for the firm itself first.
OPEN_CLAIM_STATUSES = (
    ClaimStatus.RETURNED, ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.COUNTY_APPROVED,
    ClaimStatus.CITY_APPROVED, ClaimStatus.PUBLICITY,
)  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# Policies and providers


def policy_list() -> QuerySet[VoucherPolicy]:
    return VoucherPolicy.objects.prefetch_related("kinds").order_by("-year")


def policy_get(*, year: int) -> VoucherPolicy:
    try:
        return policy_list().get(year=year)
    except VoucherPolicy.DoesNotExist:
        raise Http404("No voucher policy for this year") from None


def policies_open_for_claims(*, on: datetime.date) -> QuerySet[VoucherPolicy]:
    return VoucherPolicy.objects.filter(claims_open_on__lte=on, claims_close_on__gte=on).order_by("-year")


def provider_list(
    *, q: str = "", kind: str = "", status: str = "", field_: str = "", active_only: bool = False
) -> QuerySet[Provider]:
    """The provider registry (public information: every signed-in user reads it)."""
    queryset = Provider.objects.all()
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(credit_code__icontains=q.upper()))
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if active_only:
        queryset = queryset.filter(status=ProviderStatus.ACTIVE)
    if field_:
        queryset = queryset.filter(fields__contains=[field_])
    return queryset.order_by("name", "id")


def provider_get(*, pk: int) -> Provider:
    try:
        return Provider.objects.get(pk=pk)
    except Provider.DoesNotExist:
        raise Http404("No such provider") from None


# ---------------------------------------------------------------------------------------------------------------
# Claims


def claim_list(
    *,
    user,
    status: str | list[str] | None = None,
    year: int | None = None,
    county: str | None = None,
    kind: str | None = None,
    q: str | None = None,
) -> QuerySet[VoucherClaim]:
    queryset = scope_to_user(VoucherClaim.objects.all(), user=user, enterprise_path="enterprise")
    if isinstance(status, list | tuple | set | frozenset):
        queryset = queryset.filter(status__in=list(status))
    elif status:
        queryset = queryset.filter(status=status)
    if year:
        queryset = queryset.filter(year=year)
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    if kind:
        queryset = queryset.filter(kind__code=kind)
    if q:
        queryset = queryset.filter(
            Q(enterprise__name__icontains=q) | Q(enterprise__credit_code__icontains=q) | Q(contract_number__icontains=q)
        )
    return queryset.select_related("enterprise__county", "kind", "provider", "policy").order_by("-created_at", "-id")


def claim_get(*, user, pk: int) -> VoucherClaim:
    try:
        return claim_list(user=user).select_related("created_by").get(pk=pk)
    except VoucherClaim.DoesNotExist:
        raise Http404("No such claim") from None


def review_queue(*, user, county: str | None = None, year: int | None = None) -> QuerySet[VoucherClaim]:
    """The claims waiting for `user`'s review: county staff the submitted claims of their county, city staff the
    county-approved ones. Oldest submission first."""
    party = reviewer_party(user)
    if party is None:
        return VoucherClaim.objects.none()
    return claim_list(user=user, status=QUEUE_STATUS[party], county=county, year=year).order_by("submitted_at", "id")


def publicity_list(*, user, year: int | None = None, status: str | None = None) -> QuerySet[VoucherClaim]:
    """City-approved claims: waiting for the public notice, in it, or (status=paid) paid."""
    if not sees_city_voucher_pages(user):
        return VoucherClaim.objects.none()
    statuses = [status] if status else [ClaimStatus.CITY_APPROVED, ClaimStatus.PUBLICITY]
    return claim_list(user=user, status=statuses, year=year).order_by(
        "enterprise__county__code", "enterprise__name", "id"
    )


def claim_events(*, claim) -> QuerySet[ClaimEvent]:
    """The claim's timeline (`claim` from a scoped selector)."""
    return ClaimEvent.objects.filter(claim=claim).select_related("actor").order_by("at", "id")


def claim_documents(*, claim) -> QuerySet[ClaimDocument]:
    return ClaimDocument.objects.filter(claim=claim).order_by("kind", "id")


def document_get(*, user, pk: int) -> ClaimDocument:
    """A document whose claim `user` may see; else 404."""
    queryset = scope_to_user(ClaimDocument.objects.all(), user=user, enterprise_path="claim__enterprise")
    try:
        return queryset.select_related("claim").get(pk=pk)
    except ClaimDocument.DoesNotExist:
        raise Http404("No such document") from None


# ---------------------------------------------------------------------------------------------------------------
# Quota and budget


@dataclass
class QuotaView:
    year: int
    cap: Decimal
    committed: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.cap - self.committed


def quota_for(*, enterprise_id: int, policy: VoucherPolicy) -> QuotaView:
    """A firm's cap, committed and remaining amounts for a policy year (one query; no lock: for display)."""
    row = VoucherQuota.objects.filter(enterprise_id=enterprise_id, year=policy.year).values("cap", "committed").first()
    if row is None:
        return QuotaView(year=policy.year, cap=policy.annual_cap, committed=Decimal(0))
    return QuotaView(year=policy.year, cap=row["cap"], committed=row["committed"])


def quotas_for(*, enterprise_id: int, policies) -> list[tuple[VoucherPolicy, QuotaView]]:
    """The firm's quota for each of `policies` (one query for all of them)."""
    policies = list(policies)
    rows = {
        row["year"]: row
        for row in VoucherQuota.objects.filter(
            enterprise_id=enterprise_id, year__in=[policy.year for policy in policies]
        ).values("year", "cap", "committed")
    }
    result = []
    for policy in policies:
        row = rows.get(policy.year)
        quota = (
            QuotaView(year=policy.year, cap=row["cap"], committed=row["committed"])
            if row
            else QuotaView(year=policy.year, cap=policy.annual_cap, committed=Decimal(0))
        )
        result.append((policy, quota))
    return result


def budget_for(*, year: int) -> VoucherBudget | None:
    return VoucherBudget.objects.filter(year=year).first()


def claims_sum(*, year: int, statuses=QUOTA_HOLDING, enterprise_id: int | None = None) -> Decimal:
    """The sum of the subsidies of a year's claims in `statuses` (computed from the claims, not the quota rows)."""
    queryset = VoucherClaim.objects.filter(year=year, status__in=list(statuses))
    if enterprise_id is not None:
        queryset = queryset.filter(enterprise_id=enterprise_id)
    return queryset.aggregate(total=Sum("subsidy_requested"))["total"] or Decimal(0)


def budget_committed_by_claims(*, year: int) -> Decimal:
    return claims_sum(year=year, statuses=BUDGET_HOLDING)


# ---------------------------------------------------------------------------------------------------------------
# Documents required to submit


def required_documents(*, policy: VoucherPolicy, kind: VoucherKind | None = None) -> list[str]:
    """The document kinds a claim of `kind` must carry before it can be submitted, in the policy's order.

    The year's policy says which (its defaults come from rulesets.VoucherRules.required_documents), one list for every
    kind of the year; callers still name the kind, so that a rule per kind would change this function only. The submit
    check (vouchers.workflows), the firm's checklist and the reviewers' check all ask it."""
    return [code for code in policy.required_documents if code in DocumentKind.values]


def missing_documents(*, policy: VoucherPolicy, kind: VoucherKind | None, present: set[str]) -> list[str]:
    return [code for code in required_documents(policy=policy, kind=kind) if code not in present]


@dataclass
class ChecklistItem:
    code: str
    label: str
    done: bool


def document_checklist(*, policy: VoucherPolicy, kind: VoucherKind | None, present: set[str]) -> list[ChecklistItem]:
    """What the firm must attach for a claim of `kind`, each ticked when a document of its kind is there."""
    return [
        ChecklistItem(code, str(DocumentKind(code).label), code in present)
        for code in required_documents(policy=policy, kind=kind)
    ]


# ---------------------------------------------------------------------------------------------------------------
# Checks shown to reviewers


def max_subsidy(*, expense: Decimal | None, ratio: Decimal) -> Decimal | None:
    if expense is None:
        return None
    return (expense * ratio).quantize(CENT, rounding=ROUND_DOWN)


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


@dataclass
class ClaimCheck:
    code: str
    message: str
    details: list[str] = field(default_factory=list)


CHECK_LABELS = {
    "duplicate_invoice": _("Invoice number used in another claim"),
    "provider_not_registered": _("Provider not on the registry"),
    "subsidy_above_ratio": _("Subsidy above the ratio of the expense"),
    "contract_outside_year": _("Contract dated outside the policy year"),
    "not_eligible": _("Firm not eligible that year"),
    "documents_missing": _("Required document missing"),
}


def attach_checks(claims: list[VoucherClaim]) -> list[VoucherClaim]:
    """Set `claim.checks` (a list of ClaimCheck) on each claim: two queries for the whole list, whatever its length.

    The claims come from `claim_list` (kind, provider and policy joined)."""
    claims = list(claims)
    if not claims:
        return claims
    ids = [claim.pk for claim in claims]
    listed = set(ids)
    invoice = ClaimDocument.Kind.INVOICE
    numbers_of_these = ClaimDocument.objects.filter(claim_id__in=ids, kind=invoice).values("invoice_number")
    # One query for both: the kinds of document each listed claim carries, and the invoices of other claims that
    # share a number with one of theirs (a withdrawn claim's invoices are no duplicate).
    rows = (
        ClaimDocument.objects.filter(
            Q(claim_id__in=ids)
            | (Q(kind=invoice, invoice_number__in=numbers_of_these) & ~Q(claim__status=ClaimStatus.WITHDRAWN))
        )
        .values_list("claim_id", "kind", "invoice_number", "claim__year", "claim__status")
        .distinct()
    )
    present: dict[int, set[str]] = {}
    invoices: list[tuple[str, int, int, str]] = []
    for claim_id, kind, number, year, status in rows:
        if claim_id in listed:
            present.setdefault(claim_id, set()).add(kind)
        if kind == invoice:
            invoices.append((number, claim_id, year, status))
    numbers_listed = {number for number, claim_id, _year, _status in invoices if claim_id in listed}
    by_number: dict[str, set[tuple[int, int]]] = {}
    for number, claim_id, year, status in invoices:
        if number in numbers_listed and status != ClaimStatus.WITHDRAWN:
            by_number.setdefault(number, set()).add((claim_id, year))
    duplicates: dict[int, list[tuple[str, int, int]]] = {}
    for number, users in by_number.items():
        for claim_id, _year in users:
            if claim_id not in listed:
                continue
            for other_id, other_year in sorted(users):
                if other_id != claim_id:
                    duplicates.setdefault(claim_id, []).append((number, other_id, other_year))
    windows = {claim.year for claim in claims}
    firm_ids = {claim.enterprise_id for claim in claims}
    eligible_pairs = _eligible_pairs(claims, firm_ids, windows)
    for claim in claims:
        claim.checks = _checks_of(claim, duplicates.get(claim.pk, []), eligible_pairs, present.get(claim.pk, set()))
    return claims


def _eligible_pairs(claims, firm_ids, years) -> set[tuple[int, int]] | None:
    """(firm id, year) pairs whose firm holds a qualifying qualification valid on some day of the year."""
    kinds_by_year = {claim.year: tuple(claim.policy.eligible_qualifications) for claim in claims}
    all_kinds = {kind for kinds in kinds_by_year.values() for kind in kinds}
    if not all_kinds:
        return None
    first, last = year_bounds(min(years))[0], year_bounds(max(years))[1]
    rows = Qualification.objects.filter(
        enterprise_id__in=firm_ids, kind__in=all_kinds, valid_from__lte=last, valid_to__gte=first
    ).values_list("enterprise_id", "kind", "valid_from", "valid_to")
    pairs = set()
    for firm_id, kind, valid_from, valid_to in rows:
        for year, kinds in kinds_by_year.items():
            start, end = year_bounds(year)
            if kind in kinds and valid_from <= end and valid_to >= start:
                pairs.add((firm_id, year))
    return pairs


def _checks_of(claim, duplicates, eligible_pairs, present) -> list[ClaimCheck]:
    checks = []
    if duplicates:
        checks.append(
            ClaimCheck(
                "duplicate_invoice",
                str(CHECK_LABELS["duplicate_invoice"]),
                [f"{number} → CX{year}-{other:06d}" for number, other, year in duplicates],
            )
        )
    if claim.kind.requires_provider and (claim.provider is None or claim.provider.status != ProviderStatus.ACTIVE):
        detail = claim.provider.name if claim.provider else (claim.supplier_name or "—")
        checks.append(ClaimCheck("provider_not_registered", str(CHECK_LABELS["provider_not_registered"]), [detail]))
    ceiling = max_subsidy(expense=claim.eligible_expense, ratio=claim.kind.subsidy_ratio)
    if ceiling is not None and claim.subsidy_requested is not None and claim.subsidy_requested > ceiling:
        checks.append(
            ClaimCheck(
                "subsidy_above_ratio",
                str(CHECK_LABELS["subsidy_above_ratio"]),
                [f"{claim.subsidy_requested} > {ceiling}"],
            )
        )
    if claim.contract_date is not None and claim.contract_date.year != claim.year:
        checks.append(
            ClaimCheck(
                "contract_outside_year", str(CHECK_LABELS["contract_outside_year"]), [claim.contract_date.isoformat()]
            )
        )
    if eligible_pairs is not None and (claim.enterprise_id, claim.year) not in eligible_pairs:
        checks.append(ClaimCheck("not_eligible", str(CHECK_LABELS["not_eligible"]), []))
    missing = missing_documents(policy=claim.policy, kind=claim.kind, present=present)
    if missing:
        labels = [str(DocumentKind(code).label) for code in missing]
        checks.append(ClaimCheck("documents_missing", str(CHECK_LABELS["documents_missing"]), labels))
    return checks
