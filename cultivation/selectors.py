"""Reads of three-tier cultivation. Every function reading firm data takes `user=` and scopes through
accounts.scoping: a firm, placement or pin outside the scope is not found (404)."""

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, When, Window
from django.db.models.functions import RowNumber
from django.db.models.lookups import Exact
from django.http import Http404
from django.utils import timezone

from accounts.scoping import firms_with_officer, scope_counties, scope_to_user, sees_whole_counties
from cultivation.models import (
    ACTIVE_WARNING_STATES,
    CultivationSettings,
    CultivationWarning,
    PlacementTally,
    PlanGap,
    PlanTask,
    PlanTaskStatus,
    TierMovement,
    TierPin,
    TierPlacement,
    WarningSeverity,
    WarningState,
)
from cultivation.permissions import board_shows_own_county
from enterprises.models import County, Enterprise
from rulesets import ReadinessBands, get_ruleset
from scoring.models import Portrait, Tier
from scoring.rules import TAG_BITS


def placement_for(*, user, enterprise) -> TierPlacement | None:
    queryset = TierPlacement.objects.filter(enterprise=enterprise)
    queryset = scope_to_user(queryset, user=user, enterprise_path="enterprise")
    return queryset.select_related("placed_by_run").first()


def live_pin_for(*, user, enterprise) -> TierPin | None:
    queryset = TierPin.objects.filter(enterprise=enterprise, ended_at__isnull=True)
    return scope_to_user(queryset, user=user, enterprise_path="enterprise").select_related("created_by").first()


def movement_history(*, user, enterprise, limit: int = 50) -> list[TierMovement]:
    """The firm's tier moves, newest first."""
    queryset = scope_to_user(
        TierMovement.objects.filter(enterprise=enterprise), user=user, enterprise_path="enterprise"
    )
    return list(queryset.order_by("-date", "-id")[:limit])


def placement_list(*, user, county: str | None = None, tier: str | None = None) -> QuerySet[TierPlacement]:
    queryset = scope_to_user(TierPlacement.objects.all(), user=user, enterprise_path="enterprise")
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    if tier:
        queryset = queryset.filter(tier=tier)
    return queryset.select_related("enterprise__county", "placed_by_run").order_by("enterprise_id")


def movement_list(
    *,
    user,
    county: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    direction: str | None = None,
) -> QuerySet[TierMovement]:
    """Moves in scope; `direction` "up" or "down" (first placements are neither)."""
    queryset = scope_to_user(TierMovement.objects.all(), user=user, enterprise_path="enterprise")
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)
    if direction == "up":
        queryset = queryset.filter(direction__gt=0)
    elif direction == "down":
        queryset = queryset.filter(direction__lt=0)
    return queryset.select_related("enterprise__county", "run").order_by("-date", "-id")


def pin_list(*, user, live: bool | None = None, county: str | None = None) -> QuerySet[TierPin]:
    queryset = scope_to_user(TierPin.objects.all(), user=user, enterprise_path="enterprise")
    if live is not None:
        queryset = queryset.filter(ended_at__isnull=live)
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    return queryset.select_related("enterprise__county", "created_by", "ended_by").order_by("-created_at", "-id")


def live_pins(*, user, ending_by: datetime.date | None = None, county: str | None = None) -> QuerySet[TierPin]:
    """The pins in force in scope (ending on or before `ending_by` when given), the first to end first."""
    queryset = pin_list(user=user, live=True, county=county)
    if ending_by is not None:
        queryset = queryset.filter(ends_on__lte=ending_by)
    return queryset.order_by("ends_on", "id")


def pin_get(*, user, pk: int) -> TierPin:
    try:
        return pin_list(user=user).get(pk=pk)
    except TierPin.DoesNotExist:
        raise Http404("No such pin") from None


# ---------------------------------------------------------------------------------------------------------------
# One plan per firm


def plan_enterprise_get(*, user, credit_code: str) -> Enterprise:
    """The firm whose plan is shown, in the user's scope (404 outside it): one query, no indicators."""
    queryset = scope_to_user(Enterprise.objects.all(), user=user).select_related("county")
    try:
        return queryset.get(credit_code=credit_code.upper())
    except Enterprise.DoesNotExist:
        raise Http404("No such enterprise") from None


def plan_gaps(*, user, enterprise) -> list[PlanGap]:
    """The firm's gaps, open ones first (oldest first), then the closed ones (latest closed first)."""
    queryset = scope_to_user(PlanGap.objects.filter(enterprise=enterprise), user=user, enterprise_path="enterprise")
    queryset = queryset.select_related("opened_run", "closed_run")
    return list(queryset.order_by(F("closed_on").desc(nulls_first=True), "opened_on", "key", "id"))


def plan_tasks(*, user, enterprise) -> list[PlanTask]:
    queryset = scope_to_user(PlanTask.objects.filter(enterprise=enterprise), user=user, enterprise_path="enterprise")
    return list(queryset.select_related("enterprise", "gap", "assignee", "created_by").order_by("due_on", "id"))


def plan_task_list(
    *, user, county: str | None = None, status: str | None = None, overdue: bool | None = None
) -> QuerySet[PlanTask]:
    """Tasks in scope; `overdue`: due before today and not done or dropped."""
    queryset = scope_to_user(PlanTask.objects.all(), user=user, enterprise_path="enterprise")
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    if status:
        queryset = queryset.filter(status=status)
    late = Q(due_on__lt=timezone.localdate()) & Q(status__in=[PlanTaskStatus.TODO, PlanTaskStatus.DOING])
    if overdue is True:
        queryset = queryset.filter(late)
    elif overdue is False:
        queryset = queryset.exclude(late)
    return queryset.select_related("enterprise__county", "assignee", "created_by").order_by("due_on", "id")


def plan_task_get(*, user, pk: int) -> PlanTask:
    try:
        return plan_task_list(user=user).get(pk=pk)
    except PlanTask.DoesNotExist:
        raise Http404("No such task") from None


# The tier board and the key cultivation list (重点培育)

# Tiers with a next rung, hence a readiness to rank by; "outside" is counted but not listed.
BOARD_TIERS = (Tier.T1, Tier.T2, Tier.T3)
BOARD_PAGE_SIZE = 20

READINESS_BAND_HIGH = "high"
READINESS_BAND_MID = "mid"
READINESS_BAND_LOW = "low"
# The bands' bounds are the rule set's (rulesets.ReadinessBands).
READINESS_BANDS = (READINESS_BAND_HIGH, READINESS_BAND_MID, READINESS_BAND_LOW)

# Only the columns the board and the key list show.
BOARD_PLACEMENT_FIELDS = (
    "id", "enterprise_id", "county_id", "tier", "readiness", "placed_by_run_id",
    "enterprise__id", "enterprise__name", "enterprise__credit_code",
)  # fmt: skip
# The portrait columns the key list adds (its rows are few, so they are read in one query by run and firm).
KEY_LIST_PORTRAIT_FIELDS = ("id", "run_id", "enterprise_id", "sme_score", "capability_estimate", "conditions_met")


def board_counties(*, user) -> list[County]:
    """The counties `user` may pick on the board (one query)."""
    return list(scope_counties(County.objects.all(), user=user).order_by("code"))


def board_county(*, user, counties: list[County], code: str | None) -> County | None:
    """The county the board shows: `code` if in scope (else 404), a county user's own county, or None (all)."""
    if code:
        for county in counties:
            if county.code == code:
                return county
        raise Http404("No such county")
    if not board_shows_own_county(user):
        return None
    return next((county for county in counties if county.pk == user.county_id), None)


def tier_counts(*, user, county: County | None = None) -> dict[str, int]:
    """Firms per tier now (TierPlacement, pins included), every tier present (one query)."""
    return board_counts(user=user, county=county)[0]


def board_counts(
    *,
    user,
    county: County | None = None,
    industry: str | None = None,
    tag: str | None = None,
    band: str | None = None,
    has_officer: bool | None = None,
    bands: ReadinessBands | None = None,
) -> tuple[dict[str, int], dict[str, int]]:
    """Firms per tier now (pins included, every tier present), and per board tier the firms its list shows with
    these filters; one query. Without filters, for a user who sees whole counties, from the tallies placement
    keeps (a few rows); otherwise one grouped pass over the placements in scope."""
    filtered = industry or tag or band or has_officer is not None
    # A scope of whole counties (all, or their own) is what the per-county tallies answer.
    if not filtered and sees_whole_counties(user):
        tallies = PlacementTally.objects.filter(county__in=scope_counties(County.objects.all(), user=user))
        if county is not None:
            tallies = tallies.filter(county_id=county.pk)
        rows = tallies.order_by().values_list("tier").annotate(firms=Sum("firms"), listed=Sum("listed"))
    else:
        queryset = scope_to_user(TierPlacement.objects.all(), user=user, enterprise_path="enterprise")
        if county is not None:
            queryset = queryset.filter(county_id=county.pk)
        listed = _listed(industry=industry, tag=tag, band=band, has_officer=has_officer, bands=bands)
        rows = (
            queryset.order_by().values_list("tier").annotate(firms=Count("tier"), listed=Count("tier", filter=listed))
        )
    counts = {tier.value: 0 for tier in Tier}
    totals = {tier.value: 0 for tier in BOARD_TIERS}
    for tier, firms, shown in rows:
        counts[tier] = firms
        if tier in totals:
            totals[tier] = shown
    return counts, totals


def movements_this_month(*, user, county: County | None = None, today: datetime.date | None = None) -> dict:
    """Moves up and down since the first of this month (one query; first placements are neither)."""
    today = today or timezone.localdate()
    # First placements (direction 0) are excluded in the query itself: a partial index holds only real moves.
    queryset = scope_to_user(
        TierMovement.objects.filter(date__gte=today.replace(day=1), date__lte=today).exclude(direction=0),
        user=user,
        enterprise_path="enterprise",
    )
    if county is not None:
        queryset = queryset.filter(enterprise__county_id=county.pk)
    return queryset.aggregate(up=Count("pk", filter=Q(direction__gt=0)), down=Count("pk", filter=Q(direction__lt=0)))


def _listed(
    *,
    industry: str | None = None,
    tag: str | None = None,
    band: str | None = None,
    has_officer: bool | None = None,
    bands: ReadinessBands | None = None,
) -> Q:
    """Placements a board tier lists: scored by a run (a pin can place a firm before any), with these filters."""
    condition = Q(tier__in=BOARD_TIERS, readiness__isnull=False)
    if has_officer is not None:
        served = Exists(firms_with_officer().filter(enterprise_id=OuterRef("enterprise_id")))
        condition &= served if has_officer else ~served
    if industry:
        condition &= Q(industry_division=industry)
    if tag:
        bit = TAG_BITS[tag]
        condition &= Q(Exact(F("tag_mask").bitand(bit), bit))
    if band:
        low, high = (bands or get_ruleset().readiness_bands).bounds(band)
        if low is not None:
            condition &= Q(readiness__gte=low)
        if high is not None:
            condition &= Q(readiness__lt=high)
    return condition


def board_placements(
    *,
    user,
    county: County | None = None,
    industry: str | None = None,
    tag: str | None = None,
    band: str | None = None,
    has_officer: bool | None = None,
    bands: ReadinessBands | None = None,
) -> QuerySet[TierPlacement]:
    """The firms placed in a board tier now (pins included) that a run has scored, filtered; scoped.

    Reads the placement table alone: placement copies the county, industry, readiness and tags of the placing
    run's portrait, so that the board ranks and counts through the placement indexes at any registry size."""
    queryset = scope_to_user(TierPlacement.objects.all(), user=user, enterprise_path="enterprise")
    if county is not None:
        queryset = queryset.filter(county_id=county.pk)
    return queryset.filter(_listed(industry=industry, tag=tag, band=band, has_officer=has_officer, bands=bands))


@dataclass
class TierPage:
    """One page of one tier's ranked list."""

    tier: str
    label: str
    number: int
    total: int
    rows: list = field(default_factory=list)
    page_size: int = BOARD_PAGE_SIZE

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def first_rank(self) -> int:
        return (self.number - 1) * self.page_size + 1


def board_tier_pages(
    queryset: QuerySet[TierPlacement],
    *,
    totals: dict[str, int],
    pages: dict[str, int] | None = None,
    page_size: int = BOARD_PAGE_SIZE,
) -> list[TierPage]:
    """Each board tier's page of `queryset` (from `board_placements`, whose per-tier `totals` come from
    `board_counts` with the same filters), ranked by readiness: one query per tier, whatever the data size."""
    pages = pages or {}
    result = []
    for tier in BOARD_TIERS:
        total = totals.get(tier.value, 0)
        num_pages = max(1, math.ceil(total / page_size))
        number = min(max(1, pages.get(tier.value, 1)), num_pages)
        page = TierPage(tier=tier.value, label=tier.label, number=number, total=total, page_size=page_size)
        if total:
            offset = (number - 1) * page_size
            page.rows = list(
                queryset.filter(tier=tier.value)
                .select_related("enterprise")
                .only(*BOARD_PLACEMENT_FIELDS)
                .order_by(F("readiness").desc(), "enterprise_id")[offset : offset + page_size]
            )
        result.append(page)
    return result


def key_list(*, user, county: County | None = None, size: int | None = None) -> list[TierPlacement]:
    """The key cultivation list (重点培育): the top `size` (CultivationSettings) firms of each board tier in each
    county by readiness, as placements with `key_rank`, `tier_label` and the placing run's `portrait`; scoped;
    two queries (three without `size`)."""
    size = size or CultivationSettings.key_list_size_in_force()
    queryset = board_placements(user=user, county=county).annotate(
        key_rank=Window(
            RowNumber(),
            partition_by=[F("county_id"), F("tier")],
            order_by=[F("readiness").desc(), F("enterprise_id").asc()],
        )
    )
    queryset = queryset.filter(key_rank__lte=size).select_related("enterprise", "county")
    fields = (*BOARD_PLACEMENT_FIELDS, "county__id", "county__code", "county__name")
    rows = list(queryset.only(*fields).order_by("county__code", "tier", "key_rank"))
    if not rows:
        return rows
    portraits = Portrait.objects.filter(
        run_id__in={row.placed_by_run_id for row in rows}, enterprise_id__in=[row.enterprise_id for row in rows]
    ).only(*KEY_LIST_PORTRAIT_FIELDS)
    by_firm = {(portrait.run_id, portrait.enterprise_id): portrait for portrait in portraits}
    for row in rows:
        row.tier_label = Tier(row.tier).label
        row.portrait = by_firm.get((row.placed_by_run_id, row.enterprise_id))
    return rows


def warning_list(
    *,
    user,
    county: str | None = None,
    kinds: list[str] | None = None,
    severities: list[str] | None = None,
    states: list[str] | None = None,
) -> QuerySet[CultivationWarning]:
    """Warnings in scope, most severe and newest first; `states` empty or None means the live ones."""
    queryset = scope_to_user(CultivationWarning.objects.all(), user=user, enterprise_path="enterprise")
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    if severities:
        queryset = queryset.filter(severity__in=severities)
    queryset = queryset.filter(state__in=states or list(ACTIVE_WARNING_STATES))
    severity_order = Case(
        *[When(severity=value, then=rank) for rank, value in enumerate(WarningSeverity.values)],
        output_field=IntegerField(),
    )
    queryset = queryset.select_related("enterprise__county", "first_seen_run", "last_seen_run")
    return queryset.order_by(severity_order, "-opened_at", "-id")


def warning_get(*, user, pk: int) -> CultivationWarning:
    queryset = scope_to_user(CultivationWarning.objects.all(), user=user, enterprise_path="enterprise")
    try:
        return queryset.select_related("enterprise__county", "first_seen_run", "last_seen_run").get(pk=pk)
    except CultivationWarning.DoesNotExist:
        raise Http404("No such warning") from None


def open_warning_count(*, user) -> int:
    """Open (not yet acknowledged) warnings in the user's scope, for the home page: one query."""
    queryset = scope_to_user(CultivationWarning.objects.all(), user=user, enterprise_path="enterprise")
    return queryset.filter(state=WarningState.OPEN).count()
