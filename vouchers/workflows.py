"""The claim workflow (DESIGN §5): its table of allowed moves and the party that takes each, and the one function
that moves claims.

The cap is kept here: every move into or out of the statuses that count against a firm's cap locks that firm's
quota row for the year (select_for_update), checks and moves its `committed` amount in the same transaction as the
claim's status, and the quota row's check constraint (committed <= cap) backs it. The city budget is kept the same
way at city approval. Locks are always taken claim → quota → budget."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.exceptions import check_move
from core.parsing import text
from core.signals import figures_changed
from notifications.services import NotificationDraft, notifications_create
from vouchers.models import (
    BUDGET_HOLDING,
    QUOTA_HOLDING,
    ClaimDocument,
    ClaimEvent,
    ClaimParty,
    ClaimStatus,
    DocumentKind,
    ProviderStatus,
    VoucherBudget,
    VoucherClaim,
    VoucherQuota,
)
from vouchers.permissions import parties_of
from vouchers.selectors import max_subsidy, missing_documents

# The only allowed moves, from each status, and the party that takes each (see vouchers.permissions.parties_of):
# the claim's firm, county staff of the firm's county, city staff and the city administrator.
CLAIM_TRANSITIONS: dict[str, dict[str, str]] = {
    ClaimStatus.DRAFT: {ClaimStatus.SUBMITTED: ClaimParty.ENTERPRISE, ClaimStatus.WITHDRAWN: ClaimParty.ENTERPRISE},
    ClaimStatus.SUBMITTED: {
        ClaimStatus.WITHDRAWN: ClaimParty.ENTERPRISE,
        ClaimStatus.COUNTY_APPROVED: ClaimParty.COUNTY,
        ClaimStatus.RETURNED: ClaimParty.COUNTY,
        ClaimStatus.REJECTED: ClaimParty.COUNTY,
    },
    ClaimStatus.COUNTY_APPROVED: {
        ClaimStatus.CITY_APPROVED: ClaimParty.CITY,
        ClaimStatus.RETURNED: ClaimParty.CITY,
        ClaimStatus.REJECTED: ClaimParty.CITY,
    },
    ClaimStatus.CITY_APPROVED: {ClaimStatus.PUBLICITY: ClaimParty.CITY},
    ClaimStatus.PUBLICITY: {
        # An objection upheld during the public notice cancels the award.
        ClaimStatus.REJECTED: ClaimParty.CITY,
        ClaimStatus.PAID: ClaimParty.CITY,
    },
    ClaimStatus.PAID: {},
    ClaimStatus.RETURNED: {ClaimStatus.SUBMITTED: ClaimParty.ENTERPRISE, ClaimStatus.WITHDRAWN: ClaimParty.ENTERPRISE},
    ClaimStatus.REJECTED: {},
    ClaimStatus.WITHDRAWN: {},
}
# Moves that must say why.
COMMENT_REQUIRED = frozenset({ClaimStatus.RETURNED, ClaimStatus.REJECTED})


def party_of_move(from_status: str, to_status: str) -> str | None:
    """The party that takes the move, or None when the table does not allow it."""
    return CLAIM_TRANSITIONS.get(from_status, {}).get(to_status)


def allowed_moves(user, claim) -> list[str]:
    """The statuses `user` may move `claim` to now, in the order of the status choices."""
    parties = parties_of(user, claim)
    return [status for status in ClaimStatus.values if party_of_move(claim.status, status) in parties]


# What the firm is told at each move (message ids; notifications are translated when read).
NOTIFICATION_TEXT = {
    ClaimStatus.SUBMITTED: gettext_noop("Voucher claim %(reference)s was submitted for review."),
    ClaimStatus.COUNTY_APPROVED: gettext_noop("Voucher claim %(reference)s passed the county review."),
    ClaimStatus.CITY_APPROVED: gettext_noop("Voucher claim %(reference)s was approved."),
    ClaimStatus.PUBLICITY: gettext_noop("Voucher claim %(reference)s is in the public notice."),
    ClaimStatus.PAID: gettext_noop("The subsidy of voucher claim %(reference)s was paid."),
    ClaimStatus.RETURNED: gettext_noop("Voucher claim %(reference)s was returned for changes: %(comment)s"),
    ClaimStatus.REJECTED: gettext_noop("Voucher claim %(reference)s was not approved: %(comment)s"),
    ClaimStatus.WITHDRAWN: gettext_noop("Voucher claim %(reference)s was withdrawn."),
}

# The moves the firm is also reminded of by e-mail and SMS (vouchers.reminders, registered in VouchersConfig.ready).
REMINDER_KINDS = {ClaimStatus.RETURNED: "voucher_claim_returned"}


def _submission_problems(claims: list[VoucherClaim], today: datetime.date) -> dict[str, list[str]]:
    """Why the claims cannot be submitted, by field (one query for their documents)."""
    present: dict[int, set[str]] = defaultdict(set)
    documents = ClaimDocument.objects.filter(claim_id__in=[claim.pk for claim in claims]).order_by()
    for claim_id, kind in documents.values_list("claim_id", "kind"):
        present[claim_id].add(kind)
    problems: dict[str, list[str]] = defaultdict(list)
    for claim in claims:
        prefix = f"{claim.reference}: " if len(claims) > 1 else ""

        def add(field, message, prefix=prefix):
            problems[field].append(prefix + str(message))

        policy, kind = claim.policy, claim.kind
        if claim.status == ClaimStatus.DRAFT:
            if not policy.window_open_on(today):
                add("year", _("Claims for %(year)s can be submitted from %(opens)s to %(closes)s.") % {
                    "year": policy.year, "opens": policy.claims_open_on, "closes": policy.claims_close_on})  # fmt: skip
            if not kind.active:
                add("kind", _("The kind “%(kind)s” is closed for new claims.") % {"kind": kind.name})
        if kind.requires_provider:
            if claim.provider is None:
                add("provider", _("A result transfer must name a provider of the registry."))
            elif claim.provider.status != ProviderStatus.ACTIVE:
                add(
                    "provider",
                    _("The provider “%(name)s” is suspended in the registry.") % {"name": claim.provider.name},
                )
        elif claim.provider is None and not claim.supplier_name:
            add("supplier_name", _("Name the supplier, or choose a provider of the registry."))
        if not claim.contract_number:
            add("contract_number", _("Give the contract number."))
        if claim.contract_date is None:
            add("contract_date", _("Give the contract date."))
        if claim.eligible_expense is None:
            add("eligible_expense", _("Give the eligible expense."))
        if claim.subsidy_requested is None:
            add("subsidy_requested", _("Give the subsidy requested."))
        ceiling = max_subsidy(expense=claim.eligible_expense, ratio=kind.subsidy_ratio)
        if ceiling is not None and claim.subsidy_requested is not None and claim.subsidy_requested > ceiling:
            add("subsidy_requested", _(
                "The subsidy requested (%(asked)s yuan) is more than %(ratio)s%% of the eligible expense of "
                "%(expense)s yuan: at most %(ceiling)s yuan."
            ) % {"asked": claim.subsidy_requested, "ratio": f"{(kind.subsidy_ratio * 100).normalize():f}",
                 "expense": claim.eligible_expense, "ceiling": ceiling})  # fmt: skip
        missing = [
            DocumentKind(code).label for code in missing_documents(policy=policy, kind=kind, present=present[claim.pk])
        ]
        if missing:
            add("documents", _("Attach these documents: %(kinds)s.") % {"kinds": ", ".join(str(m) for m in missing)})
    return problems


def _move_quotas(claims: list[VoucherClaim], to: str) -> None:
    """Take (or give back) each claim's subsidy on its firm's quota row of the year, locked."""
    deltas: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    caps: dict[tuple[int, int], Decimal] = {}
    names: dict[tuple[int, int], str] = {}
    for claim in claims:
        was, will = claim.status in QUOTA_HOLDING, to in QUOTA_HOLDING
        if was != will:
            key = (claim.enterprise_id, claim.year)
            deltas[key] += claim.subsidy_requested if will else -claim.subsidy_requested
            caps[key], names[key] = claim.policy.annual_cap, claim.enterprise.name
    deltas = {key: delta for key, delta in deltas.items() if delta}
    if not deltas:
        return
    condition = Q()
    for enterprise_id, year in deltas:
        condition |= Q(enterprise_id=enterprise_id, year=year)
    quotas = {
        (q.enterprise_id, q.year): q for q in VoucherQuota.objects.select_for_update().filter(condition).order_by("pk")
    }
    missing = [key for key in deltas if key not in quotas]
    if missing:
        # A firm's first claim of the year: create its row (a concurrent first claim may do the same), then lock.
        VoucherQuota.objects.bulk_create(
            [VoucherQuota(enterprise_id=firm, year=year, cap=caps[(firm, year)]) for firm, year in missing],
            ignore_conflicts=True,
        )
        condition = Q()
        for enterprise_id, year in missing:
            condition |= Q(enterprise_id=enterprise_id, year=year)
        for quota in VoucherQuota.objects.select_for_update().filter(condition).order_by("pk"):
            quotas[(quota.enterprise_id, quota.year)] = quota
    for key, delta in deltas.items():
        quota = quotas[key]
        if quota.committed + delta > quota.cap:
            raise ValidationError({"subsidy_requested": _(
                "%(firm)s has %(remaining)s yuan left of its %(year)s cap of %(cap)s yuan; this claim asks for "
                "%(asked)s yuan."
            ) % {"firm": names[key], "remaining": quota.remaining, "year": key[1], "cap": quota.cap,
                 "asked": delta}})  # fmt: skip
    # Relative updates under the lock; the check constraint stops any that would pass the cap all the same.
    now = timezone.now()
    for key, delta in deltas.items():  # one statement per firm: a batch names one firm or a few
        VoucherQuota.objects.filter(pk=quotas[key].pk).update(committed=F("committed") + delta, updated_at=now)


def _move_budget(claims: list[VoucherClaim], to: str) -> None:
    """Take (or give back) city-approved subsidies on the year's budget row, locked, when the year has a budget."""
    deltas: dict[int, Decimal] = defaultdict(Decimal)
    for claim in claims:
        was, will = claim.status in BUDGET_HOLDING, to in BUDGET_HOLDING
        if was != will:
            deltas[claim.year] += claim.subsidy_requested if will else -claim.subsidy_requested
    deltas = {year: delta for year, delta in deltas.items() if delta}
    if not deltas:
        return
    budgets = list(VoucherBudget.objects.select_for_update().filter(year__in=list(deltas)).order_by("pk"))
    for budget in budgets:
        delta = deltas[budget.year]
        if budget.committed + delta > budget.total:
            raise ValidationError(_(
                "The city budget of %(year)s has %(remaining)s yuan left; approving asks for %(asked)s yuan."
            ) % {"year": budget.year, "remaining": budget.remaining, "asked": delta})  # fmt: skip
        budget.committed += delta
        budget.updated_at = timezone.now()
    if budgets:
        VoucherBudget.objects.bulk_update(budgets, ["committed", "updated_at"])


# What a move reads of the claims it locks (the submit path is the busiest write: no column more).
LOCKED_FIELDS = (
    "id", "enterprise_id", "policy_id", "year", "kind_id", "provider_id", "supplier_name", "contract_number",
    "contract_date", "eligible_expense", "subsidy_requested", "status", "created_by_id",
    "enterprise__id", "enterprise__name", "enterprise__county_id",
    "kind__id", "kind__code", "kind__name", "kind__subsidy_ratio", "kind__requires_provider", "kind__active",
    "policy__id", "policy__year", "policy__annual_cap", "policy__claims_open_on", "policy__claims_close_on",
    "policy__required_documents",
    "provider__id", "provider__name", "provider__status",
)  # fmt: skip


def claim_transition(*, claims, to: str, actor, comment: str = "") -> list[VoucherClaim]:
    """The one way claims change status: as CLAIM_TRANSITIONS allows and only by the party it names, with the cap
    and budget moved, an append-only ClaimEvent per claim and a notification to each firm, all in one transaction.
    `claims` come from a scoped selector: claim objects (one, or several for the city's bulk steps), or a scoped
    queryset (locked as it is read; empty is a 404). Any claim that may not move stops the whole batch, with nothing
    changed."""
    if to not in ClaimStatus.values:
        raise ValidationError({"to": _("Unknown status.")})
    comment = text(comment, 2000)
    if to in COMMENT_REQUIRED and not comment:
        raise ValidationError({"comment": _("Say why (the firm reads this).")})
    if isinstance(claims, QuerySet):
        # A scoped queryset: finding and locking the claims is one statement.
        wanted, expected = claims.order_by(), None
    else:
        ids = sorted({claim.pk for claim in claims})
        wanted, expected = VoucherClaim.objects.filter(pk__in=ids), len(ids)
    now = timezone.now()
    with transaction.atomic():
        # Claims first, in id order, then quota rows, then the budget row: every path locks in this order.
        locked = list(
            wanted.select_for_update(of=("self",))
            .select_related(None)
            .select_related("enterprise", "kind", "policy", "provider")
            .only(*LOCKED_FIELDS)
            .order_by("pk")
        )
        if not locked and expected is None:
            raise Http404("No such claim")
        if expected is not None and len(locked) != expected:
            raise ValidationError(_("A claim no longer exists."))
        ids = [claim.pk for claim in locked]
        if not ids:
            return []
        for claim in locked:
            parties = parties_of(actor, claim)
            check_move(
                table=CLAIM_TRANSITIONS,
                current=claim.status,
                to=to,
                may=lambda party, parties=parties: party in parties,
                thing=f"{VoucherClaim._meta.verbose_name} {claim.reference}",
                state=ClaimStatus(claim.status).label,
                not_allowed=lambda claim=claim: ValidationError(
                    {
                        "to": _("Claim %(reference)s is “%(status)s”: it cannot become “%(to)s”.")
                        % {
                            "reference": claim.reference,
                            "status": ClaimStatus(claim.status).label,
                            "to": ClaimStatus(to).label,
                        }
                    }
                ),
            )
        if to == ClaimStatus.SUBMITTED:
            problems = _submission_problems(locked, timezone.localdate())
            if problems:
                raise ValidationError(dict(problems))
        _move_quotas(locked, to)
        _move_budget(locked, to)
        if to in BUDGET_HOLDING or any(claim.status in BUDGET_HOLDING for claim in locked):
            # Granted and paid vouchers are dashboard figures.
            figures_changed.send(sender=VoucherClaim, change="claim")
        stamps = {"status": to, "updated_at": now, "last_comment": comment}
        if to == ClaimStatus.SUBMITTED:
            stamps["submitted_at"] = now
        elif to == ClaimStatus.PAID:
            stamps["paid_at"] = now
        elif to != ClaimStatus.WITHDRAWN:
            stamps["decided_at"] = now
        VoucherClaim.objects.filter(pk__in=ids).update(**stamps)
        ClaimEvent.objects.bulk_create(
            ClaimEvent(claim=claim, from_state=claim.status, to_state=to, actor=actor, at=now, note=comment)
            for claim in locked
        )
        notifications_create(
            drafts=[
                NotificationDraft(
                    text=NOTIFICATION_TEXT[to],
                    params={"reference": claim.reference, "comment": comment},
                    link=reverse("vouchers:claim", args=[claim.pk]),
                    enterprise_id=claim.enterprise_id,
                    kind=REMINDER_KINDS.get(to, ""),
                )
                for claim in locked
            ]
        )
        for claim in locked:
            for name, value in stamps.items():
                setattr(claim, name, value)
    return locked
