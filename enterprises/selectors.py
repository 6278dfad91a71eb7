"""Reads of the enterprise registry. Every function takes `user=` and scopes through accounts.scoping."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scope_counties, scope_to_user
from enterprises.models import (
    FIRM_SOURCE_FIELDS,
    INDICATOR_FIELDS,
    SOURCE_FIELDS,
    AnnualIndicator,
    Conflict,
    County,
    Enterprise,
    Qualification,
    QualificationKind,
    SourceValue,
)
from enterprises.permissions import can_resolve_conflicts, sees_sources
from enterprises.provenance import precedence_rules
from rulesets import RuleSet, get_ruleset


def valid_qualifications(*, on: datetime.date) -> QuerySet[Qualification]:
    return Qualification.objects.filter(valid_from__lte=on, valid_to__gte=on)


def with_innovative_flag(queryset: QuerySet[Enterprise], *, on: datetime.date) -> QuerySet[Enterprise]:
    """创新型企业: holds at least one valid qualification on `on`. Annotates `is_innovative`."""
    return queryset.annotate(is_innovative=Exists(valid_qualifications(on=on).filter(enterprise=OuterRef("pk"))))


def with_latest_indicators(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """Annotates `latest_year` and `latest_revenue` from the firm's most recent indicator row."""
    latest = AnnualIndicator.objects.filter(enterprise=OuterRef("pk")).order_by("-year")
    return queryset.annotate(
        latest_year=Subquery(latest.values("year")[:1]),
        latest_revenue=Subquery(latest.values("revenue")[:1]),
    )


def with_above_scale_flag(queryset: QuerySet[Enterprise], *, ruleset: RuleSet) -> QuerySet[Enterprise]:
    """规上: latest-year revenue at or above the rule set's threshold. Annotates `is_above_scale`.

    Needs `latest_revenue` (with_latest_indicators)."""
    return queryset.annotate(
        is_above_scale=ExpressionWrapper(
            Q(latest_revenue__gte=ruleset.above_scale_min_revenue), output_field=BooleanField()
        )
    )


def with_status_flags(queryset: QuerySet[Enterprise], *, on: datetime.date) -> QuerySet[Enterprise]:
    """`is_innovative`, `latest_year`, `latest_revenue` and `is_above_scale` under the rule set in force."""
    queryset = with_innovative_flag(queryset, on=on)
    return with_above_scale_flag(with_latest_indicators(queryset), ruleset=get_ruleset())


def enterprise_list(*, user, on: datetime.date | None = None) -> QuerySet[Enterprise]:
    """The firms `user` may see, with what list pages and the API show for each, in a fixed number of queries."""
    on = on or timezone.localdate()
    queryset = scope_to_user(Enterprise.objects.all(), user=user).select_related("county")
    queryset = with_latest_indicators(queryset)
    queryset = with_above_scale_flag(queryset, ruleset=get_ruleset())
    return queryset.prefetch_related(
        Prefetch(
            "qualifications",
            queryset=valid_qualifications(on=on).order_by("kind"),
            to_attr="valid_qualifications",
        )
    )


def enterprise_get(*, user, pk: int | None = None, credit_code: str | None = None) -> Enterprise:
    """One firm with its indicators and qualifications, or 404 when it is absent or outside the user's scope."""
    lookup = {"pk": pk} if pk is not None else {"credit_code": credit_code}
    queryset = scope_to_user(Enterprise.objects.all(), user=user).select_related("county")
    queryset = with_status_flags(queryset, on=timezone.localdate())
    queryset = queryset.prefetch_related(
        Prefetch("indicators", queryset=AnnualIndicator.objects.order_by("year")),
        Prefetch("qualifications", queryset=Qualification.objects.order_by("kind", "-valid_from")),
    )
    try:
        return queryset.get(**lookup)
    except Enterprise.DoesNotExist:
        raise Http404("No such enterprise") from None


def county_choices(*, user) -> QuerySet[County]:
    return scope_counties(County.objects.all(), user=user)


def registry_summary(*, user, on: datetime.date | None = None) -> dict:
    """Counts for the home page over the firms in the user's scope, in one query."""
    on = on or timezone.localdate()
    queryset = with_status_flags(scope_to_user(Enterprise.objects.all(), user=user), on=on)
    valid = valid_qualifications(on=on).filter(enterprise=OuterRef("pk"))
    queryset = queryset.annotate(
        is_high_tech=Exists(valid.filter(kind=QualificationKind.HIGH_TECH)),
        is_tech_sme=Exists(valid.filter(kind=QualificationKind.TECH_SME)),
    )
    return queryset.aggregate(
        firms=Count("pk"),
        innovative=Count("pk", filter=Q(is_innovative=True)),
        above_scale=Count("pk", filter=Q(is_above_scale=True)),
        high_tech=Count("pk", filter=Q(is_high_tech=True)),
        tech_sme=Count("pk", filter=Q(is_tech_sme=True)),
    )


MONEY_ROWS = frozenset(
    {
        "revenue",
        "main_business_revenue",
        "total_costs",
        "rd_expense",
        "rd_expense_domestic",
        "high_tech_revenue",
        "total_assets",
        "total_liabilities",
    }
)


def indicator_table(enterprise: Enterprise, sources: dict | None = None) -> dict:
    """The firm's prefetched indicators as rows by field and columns by year, with the ratios staff read first.
    `sources` (figure_sources): each figure's cell carries where it came from (else None)."""
    years = list(enterprise.indicators.all())
    sources = sources or {}
    rows = [
        {
            "label": AnnualIndicator._meta.get_field(field).verbose_name,
            "money": field in MONEY_ROWS,
            "values": [getattr(row, field) for row in years],
            "sources": [sources.get((field, row.year)) for row in years],
        }
        for field in INDICATOR_FIELDS
    ]
    ratios = [
        {
            "label": label,
            "values": [_ratio(getattr(row, numerator), getattr(row, denominator)) for row in years],
        }
        for label, numerator, denominator in (
            (_("R&D / revenue"), "rd_expense", "revenue"),
            (_("S&T personnel / employees"), "st_personnel", "employees"),
            (_("High-tech product revenue / revenue"), "high_tech_revenue", "revenue"),
            (_("Liabilities / assets"), "total_liabilities", "total_assets"),
        )
    ]
    labels = [row.year for row in years]
    for row in ratios:
        # Each value beside its year: a phone shows the rows as cards, each value labelled with its year.
        row["cells"] = list(zip(labels, row["values"], strict=True))
    for row in rows:
        row["cells"] = list(zip(labels, row["values"], row["sources"], strict=True))
    return {"years": labels, "rows": rows, "ratios": ratios}


def _ratio(numerator, denominator):
    return None if not denominator else numerator / denominator


def registry_by_county(*, user, on: datetime.date | None = None) -> list[dict]:
    """Firms, innovative firms and above-scale firms per county within the user's scope, in one query."""
    on = on or timezone.localdate()
    queryset = with_status_flags(scope_to_user(Enterprise.objects.all(), user=user), on=on)
    return list(
        queryset.order_by()
        .values("county__code", "county__name")
        .annotate(
            firms=Count("pk"),
            innovative=Count("pk", filter=Q(is_innovative=True)),
            above_scale=Count("pk", filter=Q(is_above_scale=True)),
        )
        .order_by("county__code")
    )


EXPORT_FIRM_FIELDS = (
    "credit_code",
    "name",
    "county__name",
    "industry_code",
    "industry_name",
    "high_tech_field",
    "founded_on",
    "address",
    "contact_person",
    "contact_phone",
)


def enterprise_export_frame(*, queryset: QuerySet, year: str = "latest"):
    """Rows for an export of `queryset` (already scoped and filtered), in its order: one per firm and year.

    `year` is "latest" (each firm's newest year), "all", or a year. A firm without figures for it still gets a
    row, with its details only, so the export lists every firm on the page. Two queries, whatever the size.
    """
    import pandas as pd

    firms = pd.DataFrame(
        list(queryset.values_list("pk", *EXPORT_FIRM_FIELDS)), columns=["enterprise_id", *EXPORT_FIRM_FIELDS]
    ).rename(columns={"county__name": "county"})
    indicators = AnnualIndicator.objects.filter(enterprise__in=queryset.order_by().values("pk"))
    if year not in ("latest", "all"):
        indicators = indicators.filter(year=int(year))
    figures = pd.DataFrame(
        list(indicators.order_by("enterprise_id", "-year").values_list("enterprise_id", "year", *INDICATOR_FIELDS)),
        columns=["enterprise_id", "year", *INDICATOR_FIELDS],
    )
    if year == "latest":
        figures = figures.drop_duplicates("enterprise_id", keep="first")
    firms["order"] = range(len(firms))
    rows = firms.merge(figures, on="enterprise_id", how="left")
    rows = rows.sort_values(["order", "year"], kind="stable")
    rows["year"] = rows["year"].astype("Int64")
    for field in INDICATOR_FIELDS:
        rows[field] = rows[field].astype(object).where(rows[field].notna(), None)
    return rows.drop(columns=["order", "enterprise_id"])


EXPORT_YEARS_OFFERED = 6


def export_years() -> list[int]:
    """Recent years for the export form, newest first. Not read from the data: a DISTINCT over every indicator
    row would cost the list page a full scan."""
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - EXPORT_YEARS_OFFERED, -1))


# --- Sources of each value (enterprises.provenance) ------------------------------------------------------------------


@dataclass
class FigureSource:
    """One figure's observations, newest first, and the one in force under the current precedence (None: the figure
    has no recorded source, it predates them)."""

    field: str
    year: int | None
    in_force: SourceValue | None
    history: list[SourceValue]


def figure_sources(*, user, enterprise: Enterprise) -> dict[tuple[str, int | None], FigureSource]:
    """Where each figure of a firm (from a scoped selector) came from, keyed by (field, year); empty for a user who
    does not see sources. Two queries: the precedence and the observations."""
    if not sees_sources(user):
        return {}
    rules = precedence_rules()
    rows = (
        SourceValue.objects.filter(enterprise=enterprise)
        .select_related("actor", "import_job")
        .order_by("field", "year", "-as_of", "-id")
    )
    found: dict[tuple[str, int | None], FigureSource] = {}
    for row in rows:
        key = (row.field, row.year)
        found.setdefault(key, FigureSource(row.field, row.year, None, [])).history.append(row)
    for figure in found.values():
        figure.in_force = _in_force(figure.field, figure.history, rules)
    return found


def _in_force(field: str, history: list[SourceValue], rules) -> SourceValue | None:
    """Of a figure's observations (newest first), the one in force: the latest of the first kind in the order."""
    order = rules[field].order if field in rules else ()
    latest = {}
    for row in history:
        latest.setdefault(row.source_kind, row)
    return next((latest[kind] for kind in order if kind in latest), None)


def year_sources_in_force(*, enterprise: Enterprise, year: int) -> dict[str, SourceValue]:
    """The observation in force of each figure of one firm-year and of the firm's own fields (its founding date),
    by field, for a firm that came from a scoped selector (the yearly report shows the firm where each value it
    holds came from). Two queries."""
    rules = precedence_rules()
    rows = (
        SourceValue.objects.filter(enterprise=enterprise)
        .filter(Q(year=year, field__in=INDICATOR_FIELDS) | Q(year__isnull=True, field__in=FIRM_SOURCE_FIELDS))
        .order_by("field", "-as_of", "-id")
    )
    history: dict[str, list[SourceValue]] = {}
    for row in rows:
        history.setdefault(row.field, []).append(row)
    found = {field: _in_force(field, rows, rules) for field, rows in history.items()}
    return {field: row for field, row in found.items() if row is not None}


def figure_anchor(field: str, year: int | None) -> str:
    """The id of a figure's history on the firm page (enterprises/detail.html), for links to it."""
    return f"source-{field}-{year if year is not None else 'firm'}"


@dataclass
class SourceGroup:
    """The figures of one row of the portrait whose value in force came from one kind of source."""

    kind: str
    figures: list[tuple[str, FigureSource]]  # (the figure's name with its year, the figure)

    @property
    def anchor(self) -> str:
        figure = self.figures[0][1]
        return figure_anchor(figure.field, figure.year)


def source_groups(
    sources: dict[tuple[str, int | None], FigureSource], fields: tuple[str, ...], *, before_year: int
) -> list[SourceGroup]:
    """Where the figures `fields` a rule used came from: the firm's fields, and of its indicators the latest year
    before `before_year` that has a recorded source (the rules read each firm's latest year before the run's), one
    group per source kind in force, in the order of `fields`. No query: `sources` is figure_sources' answer."""
    years = [year for (_field, year) in sources if year is not None and year < before_year]
    latest = max(years, default=None)
    groups: dict[str, SourceGroup] = {}
    for field in fields:
        year = None if field in FIRM_SOURCE_FIELDS else latest
        figure = sources.get((field, year))
        if figure is None or figure.in_force is None or (year is None and field not in FIRM_SOURCE_FIELDS):
            continue
        name = f"{figure_label(field)} {year}" if year is not None else str(figure_label(field))
        kind = figure.in_force.source_kind
        groups.setdefault(kind, SourceGroup(kind, [])).figures.append((name, figure))
    return list(groups.values())


def figure_label(field: str):
    """A figure's name in plain words."""
    model = Enterprise if field in FIRM_SOURCE_FIELDS else AnnualIndicator
    return model._meta.get_field(field).verbose_name


def figure_histories(sources: dict[tuple[str, int | None], FigureSource]) -> list[dict]:
    """The firm's figures with their observations, for the page's history: firm fields first, then by figure in
    the registry's order and by year, newest first."""
    order = {field: number for number, field in enumerate(SOURCE_FIELDS)}
    keys = sorted(sources, key=lambda key: (key[1] is not None, order.get(key[0], 99), -(key[1] or 0)))
    return [
        {
            "label": figure_label(key[0]),
            "year": key[1],
            "money": key[0] in MONEY_ROWS,
            "figure": sources[key],
            "anchor": figure_anchor(*key),
        }
        for key in keys
    ]


def conflict_list(*, user, status: str = Conflict.Status.OPEN, county_code: str | None = None) -> QuerySet[Conflict]:
    """The conflicts between sources of the firms `user` may see (county staff: their county's), of one county's
    firms when `county_code` is given (the data-quality page links here so)."""
    if not can_resolve_conflicts(user):
        return Conflict.objects.none()
    rows = Conflict.objects.filter(status=status)
    if county_code:
        rows = rows.filter(enterprise__county__code=county_code)
    rows = rows.select_related(
        "enterprise", "enterprise__county", "winning", "winning__actor", "other", "other__actor", "resolved_by"
    )
    return scope_to_user(rows, user=user, enterprise_path="enterprise").order_by("enterprise__name", "field", "year")


def conflict_get(*, user, pk: int) -> Conflict:
    conflict = conflict_list(user=user).filter(pk=pk).first()
    if conflict is None:
        raise Http404
    return conflict
