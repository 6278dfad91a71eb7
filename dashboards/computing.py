"""Computing the dashboard's aggregates from the registry, set-based: the inputs are read once (COPY on PostgreSQL),
then each point in time is a few numpy operations over every firm, and every count is a `bincount` by county.
No loop over firms, no query per point.

A figure of a past point is recomputed from today's data as of that day: the qualifications valid on the day, each
firm's latest yearly figures of the years before the day's year (as the registry holds them now: a year's figures
come in once it is over, as the scoring run reads them), the officers assigned at the end of the day, and the voucher
claims and campaign entries in the state their append-only events had reached by then.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db.models import Count, F, Q
from django.db.models.functions import Floor, TruncMonth
from django.utils import timezone

from cultivation.models import CampaignEntry, CampaignEvent, CampaignStage, PlacementTally, TierMovement, TierPlacement
from cultivation.selectors import BOARD_TIERS
from dashboards.figures import (
    MOVEMENT_MONTHS,
    SCORE_BIN_LOWERS,
    SCORE_BIN_WIDTH,
    STORED_FLAGS,
    FirmFlag,
)
from dashboards.models import PointKind
from enterprises.models import AnnualIndicator, County, Enterprise, Qualification, QualificationKind
from officers.models import Assignment
from rulesets import RuleSet
from scoring.frames import MAX_DATA_AGE_YEARS, _read
from vouchers.models import BUDGET_HOLDING, ClaimEvent, ClaimStatus, VoucherBudget, VoucherClaim, VoucherPolicy

CENTS = 100
QUALIFICATION_FLAGS = {
    FirmFlag.TECH_SME: (QualificationKind.TECH_SME,),
    FirmFlag.HIGH_TECH: (QualificationKind.HIGH_TECH,),
    FirmFlag.GAZELLE: (QualificationKind.GAZELLE,),
    FirmFlag.SRDI: (QualificationKind.SRDI_PROVINCIAL, QualificationKind.SRDI_NATIONAL),
}


@dataclass(frozen=True)
class Point:
    """The figures as of `at` (an instant: the end of `as_of`, or now); `year` picks claims, campaign and figures."""

    kind: str
    as_of: datetime.date
    at: datetime.datetime
    year: int


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def points_for(*, now: datetime.datetime, trend_years: int) -> list[Point]:
    """Now, the same day a year ago, and the end of each of the `trend_years` years before this one."""
    today = timezone.localdate(now)
    year_ago = _year_before(today)
    points = [
        Point(PointKind.CURRENT, today, now, today.year),
        Point(PointKind.YEAR_AGO, year_ago, _end_of(year_ago), year_ago.year),
    ]
    for year in range(today.year - trend_years, today.year):
        day = datetime.date(year, 12, 31)
        points.append(Point(PointKind.YEAR_END, day, _end_of(day), year))
    return points


# ---------------------------------------------------------------------------------------------------------------
# Reading


@dataclass
class Inputs:
    county_ids: np.ndarray  # County pks, in code order
    firm_ids: np.ndarray  # sorted
    firm_county: np.ndarray  # per firm, its county's position in county_ids
    qualifications: pd.DataFrame  # enterprise_id, kind, valid_from, valid_to (datetime64)
    indicators: pd.DataFrame  # enterprise_id, year, above_scale, has_rd; sorted by firm and year
    assignments: pd.DataFrame  # enterprise_id, started_at, ended_at (UTC)
    claims: pd.DataFrame  # id, enterprise_id, year, kind_code, kind_name, subsidy (cents), status
    claim_events: pd.DataFrame  # claim_id, to_state, at; in order
    entries: pd.DataFrame  # id, enterprise_id, year, stage
    entry_events: pd.DataFrame  # entry_id, to_state, at; in order
    budgets: dict[int, Decimal] = field(default_factory=dict)


def _frame(rows, columns) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns)


def _utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True)


def _firms() -> pd.DataFrame:
    frame = _read(f"SELECT id, county_id FROM {Enterprise._meta.db_table}", ["id", "county_id"])
    return frame.astype("int64").sort_values("id")


def _indicators(points: list[Point], ruleset: RuleSet) -> pd.DataFrame:
    threshold = int(ruleset.above_scale_min_revenue * CENTS)
    query = (
        f"SELECT enterprise_id, year, "
        f"CASE WHEN CAST(ROUND(revenue * {CENTS}) AS BIGINT) >= {threshold} THEN 1 ELSE 0 END, "
        f"CASE WHEN rd_expense > 0 THEN 1 ELSE 0 END FROM {AnnualIndicator._meta.db_table} "
        "WHERE year BETWEEN {oldest} AND {newest}"
    )
    years = [point.year for point in points]
    frame = _read(
        query,
        ["enterprise_id", "year", "above_scale", "has_rd"],
        oldest=min(years) - MAX_DATA_AGE_YEARS,
        newest=max(years) - 1,
    )
    return frame.astype("int64").sort_values(["enterprise_id", "year"], kind="stable").reset_index(drop=True)


def _qualifications(points: list[Point]) -> pd.DataFrame:
    days = [point.as_of for point in points]
    query = (
        f"SELECT enterprise_id, kind, valid_from, valid_to FROM {Qualification._meta.db_table} "
        "WHERE valid_to >= '{first}' AND valid_from <= '{last}'"
    )
    frame = _read(query, ["enterprise_id", "kind", "valid_from", "valid_to"], first=min(days), last=max(days))
    return frame.assign(
        enterprise_id=frame["enterprise_id"].astype("int64"),
        kind=frame["kind"].astype(str),
        valid_from=pd.to_datetime(frame["valid_from"]),
        valid_to=pd.to_datetime(frame["valid_to"]),
    )


def load_inputs(points: list[Point], ruleset: RuleSet) -> Inputs:
    """Everything the points need, in a fixed number of queries whatever the number of firms."""
    county_ids = np.array(County.objects.order_by("code").values_list("pk", flat=True), dtype="int64")
    firms = _firms()
    position = pd.Series(np.arange(len(county_ids)), index=county_ids)
    years = sorted({point.year for point in points})
    assignments = _frame(
        Assignment.objects.filter(started_at__lt=max(point.at for point in points)).values_list(
            "enterprise_id", "started_at", "ended_at"
        ),
        ["enterprise_id", "started_at", "ended_at"],
    )
    claims = _frame(
        VoucherClaim.objects.filter(year__in=years)
        .exclude(subsidy_requested__isnull=True)
        .values_list("pk", "enterprise_id", "year", "kind__code", "kind__name", "subsidy_requested", "status"),
        ["id", "enterprise_id", "year", "kind_code", "kind_name", "subsidy", "status"],
    )
    claim_events = _frame(
        ClaimEvent.objects.filter(claim__year__in=years).order_by("at", "pk").values_list("claim_id", "to_state", "at"),
        ["claim_id", "to_state", "at"],
    )
    entries = _frame(
        CampaignEntry.objects.filter(campaign__year__in=years).values_list(
            "pk", "enterprise_id", "campaign__year", "stage"
        ),
        ["id", "enterprise_id", "year", "stage"],
    )
    entry_events = _frame(
        CampaignEvent.objects.filter(entry__campaign__year__in=years)
        .order_by("at", "pk")
        .values_list("entry_id", "to_state", "at"),
        ["entry_id", "to_state", "at"],
    )
    budgets = {
        year: budget
        for year, budget in VoucherPolicy.objects.filter(year__in=years, city_budget__isnull=False).values_list(
            "year", "city_budget"
        )
    }
    # The budget row, once opened, is what approvals count against.
    budgets.update(VoucherBudget.objects.filter(year__in=years).values_list("year", "total"))
    return Inputs(
        county_ids=county_ids,
        firm_ids=firms["id"].to_numpy(),
        firm_county=position.reindex(firms["county_id"]).to_numpy(dtype="int64"),
        qualifications=_qualifications(points),
        indicators=_indicators(points, ruleset),
        assignments=assignments.assign(
            started_at=_utc(assignments["started_at"]), ended_at=_utc(assignments["ended_at"])
        ),
        claims=claims.assign(subsidy=(claims["subsidy"].map(lambda amount: int(amount * CENTS))).astype("int64")),
        claim_events=claim_events.assign(at=_utc(claim_events["at"])),
        entries=entries,
        entry_events=entry_events.assign(at=_utc(entry_events["at"])),
        budgets=budgets,
    )


# ---------------------------------------------------------------------------------------------------------------
# Computing


def _positions(firm_ids: np.ndarray, ids) -> np.ndarray:
    """Positions in the sorted `firm_ids` of `ids` (all of which are firms)."""
    return np.searchsorted(firm_ids, np.asarray(ids, dtype="int64"))


def firm_flags(inputs: Inputs, point: Point) -> np.ndarray:
    """FirmFlag bits of every firm (in `inputs.firm_ids` order) at `point`."""
    flags = np.zeros(len(inputs.firm_ids), dtype="int64")
    day = pd.Timestamp(point.as_of)
    qualifications = inputs.qualifications
    valid = qualifications[(qualifications["valid_from"] <= day) & (qualifications["valid_to"] >= day)]
    flags[_positions(inputs.firm_ids, valid["enterprise_id"])] |= FirmFlag.INNOVATIVE
    for flag, kinds in QUALIFICATION_FLAGS.items():
        flags[_positions(inputs.firm_ids, valid.loc[valid["kind"].isin(kinds), "enterprise_id"])] |= flag

    # The yearly figures known on the day: those of the years before its year (scoring.frames reads the same). The
    # same day a year ago therefore reads the year before's figures, not this year's latest ones (which would make
    # every change of a share built on them zero).
    indicators = inputs.indicators
    years = indicators["year"]
    recent = indicators[(years < point.year) & (years >= point.year - MAX_DATA_AGE_YEARS)]
    latest = recent[~recent["enterprise_id"].duplicated(keep="last")]
    flags[_positions(inputs.firm_ids, latest.loc[latest["above_scale"] == 1, "enterprise_id"])] |= FirmFlag.ABOVE_SCALE
    flags[_positions(inputs.firm_ids, latest.loc[latest["has_rd"] == 1, "enterprise_id"])] |= FirmFlag.HAS_RD

    assignments = inputs.assignments
    at = pd.Timestamp(point.at)
    active = (assignments["started_at"] <= at) & (assignments["ended_at"].isna() | (assignments["ended_at"] > at))
    flags[_positions(inputs.firm_ids, assignments.loc[active, "enterprise_id"])] |= FirmFlag.COVERED
    return flags


def _states(items: pd.DataFrame, events: pd.DataFrame, *, key: str, state: str, point: Point) -> pd.Series:
    """Each item's state at the point (index: item id): now, its current state; before, the state its last event
    up to then reached (items without an event by then did not exist yet and are left out)."""
    if point.kind == PointKind.CURRENT:
        return items.set_index("id")[state]
    before = events[events["at"] < pd.Timestamp(point.at)]
    return before.drop_duplicates(key, keep="last").set_index(key).iloc[:, 0].reindex(items["id"]).dropna()


def _by_county(inputs: Inputs, firm_positions: np.ndarray, weights=None) -> np.ndarray:
    counties = inputs.firm_county[firm_positions]
    return np.bincount(counties, weights=weights, minlength=len(inputs.county_ids))


def _has(flags: np.ndarray, required: FirmFlag) -> np.ndarray:
    return (flags & required) == required


def county_counts(inputs: Inputs, point: Point, flags: np.ndarray) -> pd.DataFrame:
    """Per county (index: county pk) every count of CountyFigures at `point`, money in cents."""
    count = len(inputs.county_ids)

    def tally(mask: np.ndarray) -> np.ndarray:
        return np.bincount(inputs.firm_county[mask], minlength=count)

    counts = {
        "firms": np.bincount(inputs.firm_county, minlength=count),
        "innovative": tally(_has(flags, FirmFlag.INNOVATIVE)),
        "tech_sme": tally(_has(flags, FirmFlag.TECH_SME)),
        "high_tech": tally(_has(flags, FirmFlag.HIGH_TECH)),
        "gazelle": tally(_has(flags, FirmFlag.GAZELLE)),
        "srdi": tally(_has(flags, FirmFlag.SRDI)),
        "above_scale": tally(_has(flags, FirmFlag.ABOVE_SCALE)),
        "above_scale_high_tech": tally(_has(flags, FirmFlag.ABOVE_SCALE | FirmFlag.HIGH_TECH)),
        "above_scale_rd": tally(_has(flags, FirmFlag.ABOVE_SCALE | FirmFlag.HAS_RD)),
        "innovative_covered": tally(_has(flags, FirmFlag.INNOVATIVE | FirmFlag.COVERED)),
    }

    claims = inputs.claims[inputs.claims["year"] == point.year]
    states = _states(claims, inputs.claim_events, key="claim_id", state="status", point=point)
    claims = claims.set_index("id").loc[states.index]
    granted = states.isin(BUDGET_HOLDING).to_numpy()
    paid = (states == ClaimStatus.PAID).to_numpy()
    positions = _positions(inputs.firm_ids, claims["enterprise_id"])
    subsidy = claims["subsidy"].to_numpy(dtype="float64")
    counts["vouchers_granted"] = _by_county(inputs, positions, subsidy * granted)
    counts["vouchers_paid"] = _by_county(inputs, positions, subsidy * paid)
    counts["vouchers_granted_claims"] = _by_county(inputs, positions[granted])

    entries = inputs.entries[inputs.entries["year"] == point.year]
    stages = _states(entries, inputs.entry_events, key="entry_id", state="stage", point=point)
    entries = entries.set_index("id").loc[stages.index]
    positions = _positions(inputs.firm_ids, entries["enterprise_id"])
    approved = (stages == CampaignStage.APPROVED).to_numpy()
    decided = stages.isin([CampaignStage.APPROVED, CampaignStage.FAILED]).to_numpy()
    counts["campaign_approved"] = _by_county(inputs, positions[approved])
    counts["campaign_decided"] = _by_county(inputs, positions[decided])

    return pd.DataFrame(counts, index=inputs.county_ids).round().astype("int64")


def firm_rows(inputs: Inputs, flags: np.ndarray) -> pd.DataFrame:
    """The firms the current figures count (a FirmFigure row each): enterprise_id, county_id, flags."""
    stored = (flags & STORED_FLAGS) != 0
    return pd.DataFrame(
        {
            "enterprise_id": inputs.firm_ids[stored],
            "county_id": inputs.county_ids[inputs.firm_county[stored]],
            "flags": flags[stored],
        }
    )


# ---------------------------------------------------------------------------------------------------------------
# The current point's panels (small grouped queries: the database aggregates, Python reads a few hundred rows)


def tier_counts() -> dict[int, dict[str, int]]:
    """Firms per county and tier now, from the placement tallies (cultivation keeps them current)."""
    counts: dict[int, dict[str, int]] = {}
    for county_id, tier, firms in PlacementTally.objects.values_list("county_id", "tier", "firms"):
        counts.setdefault(county_id, {})[tier] = firms
    return counts


def score_bins() -> list[tuple[int, str, int, int]]:
    """(county pk, tier, bin's lower bound, firms) of the pool's readiness, each bin SCORE_BIN_WIDTH wide."""
    rows = (
        TierPlacement.objects.filter(tier__in=BOARD_TIERS, readiness__isnull=False)
        .annotate(bin=Floor(F("readiness") / SCORE_BIN_WIDTH))
        .values_list("county_id", "tier", "bin")
        .annotate(firms=Count("pk"))
        .order_by()
    )
    merged: dict[tuple[int, str, int], int] = {}
    top = SCORE_BIN_LOWERS[-1]
    for county_id, tier, bin_number, firms in rows:
        lower = min(max(int(bin_number) * SCORE_BIN_WIDTH, 0), top)  # 100 closes the last bin
        merged[county_id, tier, lower] = merged.get((county_id, tier, lower), 0) + firms
    return [(county_id, tier, lower, firms) for (county_id, tier, lower), firms in merged.items()]


def movement_months(today: datetime.date) -> list[datetime.date]:
    """The first days of the MOVEMENT_MONTHS months shown, oldest first, this month last."""
    last = today.year * 12 + today.month - 1
    return [datetime.date(month // 12, month % 12 + 1, 1) for month in range(last - MOVEMENT_MONTHS + 1, last + 1)]


def month_movements(today: datetime.date) -> list[tuple[int, datetime.date, int, int]]:
    """(county pk, first day of the month, moves up, moves down) over the last MOVEMENT_MONTHS months."""
    rows = (
        TierMovement.objects.filter(date__gte=movement_months(today)[0], date__lte=today)
        .exclude(direction=0)
        .annotate(month=TruncMonth("date"))
        .values_list("enterprise__county_id", "month")
        .annotate(up=Count("pk", filter=Q(direction__gt=0)), down=Count("pk", filter=Q(direction__lt=0)))
        .order_by()
    )
    return [(county_id, month, up, down) for county_id, month, up, down in rows]


def voucher_spend(inputs: Inputs, point: Point) -> pd.DataFrame:
    """This year's claims per county and kind: claims granted, granted and paid (cents)."""
    claims = inputs.claims[inputs.claims["year"] == point.year]
    claims = claims.assign(
        county_id=inputs.county_ids[inputs.firm_county[_positions(inputs.firm_ids, claims["enterprise_id"])]],
        granted_claims=claims["status"].isin(BUDGET_HOLDING).astype("int64"),
    )
    claims = claims.assign(
        granted=claims["subsidy"] * claims["granted_claims"],
        paid=claims["subsidy"] * (claims["status"] == ClaimStatus.PAID).astype("int64"),
    )
    grouped = claims.groupby(["county_id", "kind_code", "kind_name"], as_index=False)[
        ["granted_claims", "granted", "paid"]
    ].sum()
    return grouped[grouped["granted_claims"] > 0]
