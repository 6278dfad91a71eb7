"""Reads of the dashboards: the newest refresh's aggregates for the counties in a user's scope, put together as the
page, its API and its workbook show them; and the firms behind a figure. Every read takes `user=` and scopes through
accounts.scoping: another county's figures or firms are not found (404).

The whole dashboard is a fixed number of small queries over the aggregate tables, whatever the number of firms.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scope_county_rows, scope_to_user
from cultivation.selectors import BOARD_TIERS, board_counties, board_county
from dashboards.computing import movement_months
from dashboards.figures import (
    COUNT_COLUMNS,
    FIGURES,
    FIGURES_BY_KEY,
    FIRM_SETS,
    MONEY_COLUMNS,
    SCORE_BIN_LOWERS,
    TIER_COLUMNS,
    Figure,
    FirmSet,
    Kind,
)
from dashboards.models import (
    CountyFigures,
    DashboardRefresh,
    DashboardTargets,
    FirmFigure,
    MonthMovements,
    PointKind,
    ScoreBin,
    VoucherSpend,
)
from enterprises.models import County
from rulesets import get_ruleset
from scoring.models import Tier
from scoring.selectors import ruleset_in_force
from vouchers.models import ClaimStatus

# Which counties a dashboard shows is the tier board's rule (DESIGN §6): city admin, staff and leaders the city and
# every county, county staff their own county.
dashboard_counties = board_counties
dashboard_county = board_county


def current_refresh() -> DashboardRefresh | None:
    return DashboardRefresh.objects.order_by("-pk").first()


# ---------------------------------------------------------------------------------------------------------------
# Targets


TARGET_FIELDS = DashboardTargets.COUNT_FIELDS + DashboardTargets.RATIO_FIELDS


@dataclass(frozen=True)
class Targets:
    year: int
    values: dict[str, Decimal | int | None]
    # True when the city administrator has not set this year: the rule set's defaults apply.
    is_default: bool

    def get(self, name: str | None):
        return self.values.get(name) if name else None


def default_targets(year: int, *, ruleset_year: int | None = None) -> Targets:
    """The rule set's defaults (of `ruleset_year`, else the one in force)."""
    defaults = (get_ruleset(ruleset_year) if ruleset_year else ruleset_in_force()).targets
    values = dict.fromkeys(TARGET_FIELDS)
    values.update(innovative=defaults.innovative_enterprises, rd_coverage=defaults.rd_coverage,
                  officer_coverage=defaults.officer_coverage)  # fmt: skip
    return Targets(year=year, values=values, is_default=True)


def targets_for(year: int, *, ruleset_year: int | None = None) -> Targets:
    """The city's targets of `year`: as the administrator set them, else the rule set's defaults (one query)."""
    row = DashboardTargets.objects.filter(year=year).first()
    if row is None:
        return default_targets(year, ruleset_year=ruleset_year)
    return Targets(year=year, values={name: getattr(row, name) for name in TARGET_FIELDS}, is_default=False)


# ---------------------------------------------------------------------------------------------------------------
# The dashboard


@dataclass
class FigureValue:
    figure: Figure
    value: Decimal | int | None
    year_ago: Decimal | int | None
    target: Decimal | int | None = None
    # The province average (high-tech share) or the city budget (vouchers): what the figure is read against.
    benchmark: Decimal | None = None
    benchmark_label: str = ""
    firms_url: str = ""
    gap_url: str = ""
    gap_label: str = ""
    link_url: str = ""

    @property
    def change(self):
        if self.value is None or self.year_ago is None:
            return None
        return self.value - self.year_ago

    @property
    def progress(self) -> Decimal | None:
        """The figure as a share of its target (or of the budget)."""
        against = self.target if self.target is not None else self.benchmark if self.figure.kind == Kind.MONEY else None
        if self.value is None or not against:
            return None
        return Decimal(self.value) / Decimal(against)


@dataclass
class CountyRow:
    county: County
    values: dict[str, Decimal | int | None]
    changes: dict[str, Decimal | int | None]
    ranks: dict[str, int | None] = field(default_factory=dict)
    tiers: dict[str, int] = field(default_factory=dict)


@dataclass
class Dashboard:
    refresh: DashboardRefresh | None
    county: County | None
    counties: list[County]
    year: int | None = None
    targets: Targets | None = None
    headline: list[FigureValue] = field(default_factory=list)
    rows: list[CountyRow] = field(default_factory=list)
    # Trends: one label per point (earlier year ends, then now) and each figure's values.
    trend_labels: list[str] = field(default_factory=list)
    trends: dict[str, list] = field(default_factory=dict)
    tiers: dict[str, int] = field(default_factory=dict)
    months: list[datetime.date] = field(default_factory=list)
    moves_up: list[int] = field(default_factory=list)
    moves_down: list[int] = field(default_factory=list)
    score_distribution: dict[str, list[int]] = field(default_factory=dict)
    voucher_kinds: list[tuple[str, str]] = field(default_factory=list)
    # (county code, county name, {kind code: granted}) for the counties shown.
    voucher_spend: list[tuple[str, str, dict[str, Decimal]]] = field(default_factory=list)
    voucher_budget: Decimal | None = None

    @property
    def figures(self) -> tuple[Figure, ...]:
        return FIGURES


def _sum(rows: list[CountyFigures]) -> dict:
    totals = {name: sum(getattr(row, name) for row in rows) for name in COUNT_COLUMNS + MONEY_COLUMNS}
    for name in TIER_COLUMNS:
        values = [getattr(row, name) for row in rows]
        totals[name] = None if any(value is None for value in values) else sum(values)
    return totals


def _ranks(rows: list[CountyRow], key: str) -> None:
    """Competition ranks (1 is the highest; ties share a rank; no value, no rank)."""
    values = sorted((row.values[key] for row in rows if row.values[key] is not None), reverse=True)
    for row in rows:
        value = row.values[key]
        row.ranks[key] = None if value is None else values.index(value) + 1


def _drill_url(firm_set: str | None, county: County | None) -> str:
    if not firm_set:
        return ""
    url = reverse("dashboards:firms", args=[firm_set])
    return f"{url}?{urlencode({'county': county.code})}" if county else url


def _link_url(link: str | None, *, year: int, county: County | None) -> str:
    query = {"year": year}
    if county:
        query["county"] = county.code
    if link == "vouchers_granted":
        return f"{reverse('vouchers:claims')}?{urlencode({**query, 'status': 'granted'})}"
    if link == "vouchers_paid":
        return f"{reverse('vouchers:claims')}?{urlencode({**query, 'status': ClaimStatus.PAID})}"
    if link == "campaign":
        county_query = f"?{urlencode({'county': county.code})}" if county else ""
        return f"{reverse('cultivation:campaign', args=[year])}{county_query}"
    return ""


def dashboard(*, user, county: County | None, counties: list[County]) -> Dashboard:
    """Everything the page shows for the city (county None) or one county, from the newest refresh, scoped to
    `user` (the counties of `dashboard_counties`). Six queries."""
    refresh = current_refresh()
    result = Dashboard(refresh=refresh, county=county, counties=counties)
    if refresh is None:
        return result
    figures = list(
        scope_county_rows(CountyFigures.objects.filter(point__refresh=refresh), user=user)
        .select_related("point", "county")
        .order_by("point__as_of", "county__code")
    )
    current_rows = [row for row in figures if row.point.kind == PointKind.CURRENT]
    if not current_rows:
        return result
    current = current_rows[0].point
    result.year = current.year
    result.targets = targets_for(current.year, ruleset_year=refresh.ruleset_year)
    result.voucher_budget = current.voucher_budget if county is None else None
    chosen = (lambda row: row.county_id == county.pk) if county else (lambda row: True)

    def totals(kind: str, as_of=None) -> dict | None:
        rows = [row for row in figures if row.point.kind == kind and (as_of is None or row.point.as_of == as_of)]
        rows = [row for row in rows if chosen(row)]
        return _sum(rows) if rows else None

    now, year_ago = totals(PointKind.CURRENT), totals(PointKind.YEAR_AGO)
    result.headline = [_figure_value(figure, now, year_ago, result, current) for figure in FIGURES]
    result.tiers = {tier.value: now[f"tier_{tier.value}"] or 0 for tier in Tier}

    by_county: dict[int, dict[str, dict]] = {}
    for row in figures:
        if row.point.kind in (PointKind.CURRENT, PointKind.YEAR_AGO):
            by_county.setdefault(row.county_id, {})[row.point.kind] = _sum([row])
    for row in current_rows:
        counts = by_county[row.county_id]
        before = counts.get(PointKind.YEAR_AGO)
        values = {figure.key: figure.value(counts[PointKind.CURRENT]) for figure in FIGURES}
        changes = {
            figure.key: None if before is None or values[figure.key] is None or figure.value(before) is None
            else values[figure.key] - figure.value(before)
            for figure in FIGURES
        }  # fmt: skip
        tiers = {tier.value: getattr(row, f"tier_{tier.value}") or 0 for tier in Tier}
        result.rows.append(CountyRow(county=row.county, values=values, changes=changes, tiers=tiers))
    for figure in FIGURES:
        _ranks(result.rows, figure.key)

    trend_points = sorted(
        {
            (row.point.as_of, row.point.kind)
            for row in figures
            if row.point.kind in (PointKind.YEAR_END, PointKind.CURRENT)
        }
    )
    for as_of, kind in trend_points:
        result.trend_labels.append(
            str(_("%(year)s (now)") % {"year": as_of.year}) if kind == PointKind.CURRENT else str(as_of.year)
        )
        counts = totals(kind, as_of)
        for figure in FIGURES:
            result.trends.setdefault(figure.key, []).append(figure.value(counts) if counts else None)

    _panels(result, user=user, refresh=refresh, county=county, today=current.as_of)
    return result


def _figure_value(figure: Figure, now: dict, year_ago: dict | None, result: Dashboard, current) -> FigureValue:
    county = result.county
    item = FigureValue(
        figure=figure,
        value=figure.value(now),
        year_ago=figure.value(year_ago) if year_ago else None,
        firms_url=_drill_url(figure.firms, county),
        gap_url=_drill_url(figure.gap, county),
        gap_label=str(FIRM_SETS[figure.gap].label) if figure.gap else "",
        link_url=_link_url(figure.link, year=current.year, county=county),
    )
    # Counts have city targets; shares apply to every county alike.
    if figure.target and (county is None or figure.kind == Kind.SHARE):
        item.target = result.targets.get(figure.target)
    if figure.key == "high_tech_share":
        item.benchmark = result.targets.get("province_high_tech_share")
        item.benchmark_label = str(_("Province average"))
    if figure.kind == Kind.MONEY and county is None:
        item.benchmark = current.voucher_budget
        item.benchmark_label = str(_("City budget"))
    return item


def _panels(result: Dashboard, *, user, refresh, county: County | None, today: datetime.date) -> None:
    """Score distribution, movements by month and voucher spend: three queries over small aggregate tables."""
    picked = (lambda county_id: county_id == county.pk) if county else (lambda county_id: True)

    distribution = {tier.value: [0] * len(SCORE_BIN_LOWERS) for tier in BOARD_TIERS}
    index = {lower: position for position, lower in enumerate(SCORE_BIN_LOWERS)}
    bins = scope_county_rows(ScoreBin.objects.filter(refresh=refresh), user=user).values_list(
        "county_id", "tier", "lower", "firms"
    )
    for county_id, tier, lower, firms in bins:
        if picked(county_id) and tier in distribution:
            distribution[tier][index[lower]] += firms
    result.score_distribution = distribution

    months = movement_months(today)
    up, down = dict.fromkeys(months, 0), dict.fromkeys(months, 0)
    movements = scope_county_rows(MonthMovements.objects.filter(refresh=refresh), user=user).values_list(
        "county_id", "month", "up", "down"
    )
    for county_id, month, moves_up, moves_down in movements:
        if picked(county_id) and month in up:
            up[month] += moves_up
            down[month] += moves_down
    result.months, result.moves_up, result.moves_down = months, list(up.values()), list(down.values())

    spend = (
        scope_county_rows(VoucherSpend.objects.filter(refresh=refresh), user=user)
        .select_related("county")
        .order_by("county__code", "kind_code")
    )
    kinds: dict[str, str] = {}
    per_county: dict[str, tuple[str, dict[str, Decimal]]] = {}
    for row in spend:
        if not picked(row.county_id):
            continue
        kinds.setdefault(row.kind_code, row.kind_name)
        per_county.setdefault(row.county.code, (row.county.name, {}))[1][row.kind_code] = row.granted
    result.voucher_kinds = sorted(kinds.items())
    result.voucher_spend = [(code, name, amounts) for code, (name, amounts) in per_county.items()]


def sort_rows(rows: list[CountyRow], ordering: str | None) -> tuple[list[CountyRow], str]:
    """The comparison table's rows by `ordering` (a figure key, "-" first for descending; default county code)."""
    key = (ordering or "").lstrip("-")
    if key not in FIGURES_BY_KEY:
        return sorted(rows, key=lambda row: row.county.code), "county"
    descending = (ordering or "").startswith("-")
    present = [row for row in rows if row.values[key] is not None]
    missing = [row for row in rows if row.values[key] is None]
    present.sort(key=lambda row: (row.values[key], row.county.code), reverse=descending)
    return present + missing, ordering


# ---------------------------------------------------------------------------------------------------------------
# Drill-down: the firms behind a figure


def firm_set_get(key: str) -> FirmSet:
    try:
        return FIRM_SETS[key]
    except KeyError:
        raise Http404("No such figure") from None


def figure_firms(*, user, firm_set: FirmSet, county: County | None, refresh: DashboardRefresh) -> QuerySet[FirmFigure]:
    """The firms `firm_set` counted at `refresh`, in the user's scope (and `county`), county by county in registry
    order (the order of the table's index). Only the rows' ids: a page of them goes through `with_firm_details`, so
    that the joins are made for the fifty firms shown, not for the tens of thousands a city-wide set holds (the
    planner cannot estimate the flag filters and would join them all before taking a page)."""
    queryset = scope_to_user(FirmFigure.objects.filter(refresh=refresh), user=user, enterprise_path="enterprise")
    queryset = queryset.alias(
        required=F("flags").bitand(int(firm_set.required)), excluded=F("flags").bitand(int(firm_set.excluded))
    ).filter(required=int(firm_set.required), excluded=0)
    if county is not None:
        queryset = queryset.filter(county=county)
    return queryset.only("pk").order_by("county_id", "enterprise_id")


def with_firm_details(rows) -> list[FirmFigure]:
    """A page of `figure_firms` rows with their firm, its county and its placement, in the page's order (one query)."""
    ids = [row.pk for row in rows]
    loaded = FirmFigure.objects.select_related("enterprise__county", "enterprise__placement").in_bulk(ids)
    return [loaded[pk] for pk in ids]
