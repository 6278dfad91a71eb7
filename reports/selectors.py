"""Reads of yearly reports, every one narrowed through accounts.scoping: the window of a year, a firm's own report,
the county's review list, one report, the values the form starts from, and each county's progress."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from accounts.scoping import scope_counties, scope_to_user
from enterprises.importing.columns import ENTERPRISE_COLUMNS, CellType
from enterprises.importing.validation import YEAR_VALUE_COLUMNS
from enterprises.models import AnnualIndicator, County, Enterprise, RegistrationStatus, SourceKind
from enterprises.selectors import figure_label, year_sources_in_force
from reports.models import ReportStatus, ReportValue, ReportWindow, YearlyReport

WAN = Decimal(10000)
COLUMN_OF = {c.key: c for c in ENTERPRISE_COLUMNS}
REVIEW_PAGE_SIZE = 50


def window_open_on(day: datetime.date | None = None) -> ReportWindow | None:
    """The window open on `day` (today), the latest year first when windows overlap. One query."""
    day = day or timezone.localdate()
    return ReportWindow.objects.filter(opens_on__lte=day, closes_on__gte=day).order_by("-year").first()


def window_current(day: datetime.date | None = None) -> ReportWindow | None:
    """The latest window opened by `day` (today): the open one, or the last closed one (its reports stay
    visible); else the next to open; None without any. One query."""
    day = day or timezone.localdate()
    opened = Case(When(opens_on__lte=day, then=Value(0)), default=Value(1), output_field=IntegerField())
    return ReportWindow.objects.annotate(opened=opened).order_by("opened", "-year").first()


def window_list() -> QuerySet:
    return ReportWindow.objects.order_by("-year")


def report_of_firm(*, user, window: ReportWindow) -> YearlyReport | None:
    """The user's firm's report of the window's year (None: not started)."""
    return (
        scope_to_user(YearlyReport.objects.all(), user=user, enterprise_path="enterprise")
        .filter(enterprise_id=user.enterprise_id, year=window.year)
        .select_related("enterprise", "window")
        .first()
    )


def report_get(*, user, pk: int) -> YearlyReport:
    """One report in the user's scope; 404 otherwise."""
    report = (
        scope_to_user(YearlyReport.objects.all(), user=user, enterprise_path="enterprise")
        .select_related("enterprise", "enterprise__county", "window", "confirmed_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("No such report")
    return report


def report_list(*, user, year: int, status: str = "") -> QuerySet:
    """The reports of a year in the user's scope (county staff: their county's), submitted first."""
    rows = scope_to_user(YearlyReport.objects.filter(year=year), user=user, enterprise_path="enterprise")
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("enterprise", "enterprise__county").order_by("submitted_at", "enterprise__name")


def value_get(*, user, pk: int) -> ReportValue:
    """One value (for its attachment) of a report in the user's scope; 404 otherwise."""
    value = (
        ReportValue.objects.filter(
            pk=pk,
            report__in=scope_to_user(YearlyReport.objects.all(), user=user, enterprise_path="enterprise"),
        )
        .select_related("report", "report__enterprise")
        .first()
    )
    if value is None or not value.attachment:
        raise Http404("No such attachment")
    return value


@dataclass
class Line:
    """One value of the form: what the portal holds for the year, where it came from, and what the firm reports."""

    field: str
    label: str
    unit: str
    kind: str  # "money" (万元 in the form), "count" or "date"
    portal_value: object = None  # yuan Decimal, int or date
    portal_text: str = ""  # as the form shows it (万元 for amounts)
    source: str = ""  # SourceKind
    source_as_of: datetime.date | None = None
    source_name: str = ""
    reported: ReportValue | None = None
    entered: str = ""  # the text in the form
    reason_text: str = ""
    errors: list[str] = field(default_factory=list)
    reason_errors: list[str] = field(default_factory=list)
    attachment_errors: list[str] = field(default_factory=list)

    @property
    def from_department(self) -> bool:
        return self.source == SourceKind.DEPARTMENT

    @property
    def source_label(self) -> str:
        return str(SourceKind(self.source).label) if self.source else ""

    @property
    def shows_correction(self) -> bool:
        """The reason and attachment show (before any script runs) for a corrected figure or one with problems."""
        differs = bool(self.portal_text) and bool(self.entered) and self.entered != self.portal_text
        return differs or bool(self.reason_errors or self.attachment_errors)


def kind_of(key: str) -> str:
    cell_type = COLUMN_OF[key].cell_type
    if cell_type is CellType.MONEY_WAN:
        return "money"
    if cell_type is CellType.DATE:
        return "date"
    return "count"


def form_text(key: str, value) -> str:
    """A value as the form shows it: amounts in 万元 (exactly, without grouping, so that it reads back the same),
    counts as whole numbers, dates as 2015-03-18."""
    if value is None:
        return ""
    kind = kind_of(key)
    if kind == "money":
        wan = (Decimal(value) / WAN).normalize()
        return format(wan, "f")
    if kind == "date":
        return value.isoformat()
    return str(int(value))


def portal_values(*, enterprise: Enterprise, year: int) -> list[Line]:
    """The form's lines: each value the portal holds for the firm-year (its effective figures and founding date),
    with the source in force. Three queries."""
    indicator = AnnualIndicator.objects.filter(enterprise=enterprise, year=year).first()
    sources = year_sources_in_force(enterprise=enterprise, year=year)
    lines = []
    for column in YEAR_VALUE_COLUMNS:
        key = column.key
        if key == "founded_on":
            value = enterprise.founded_on
        else:
            value = getattr(indicator, key) if indicator is not None else None
        source = sources.get(key)
        lines.append(
            Line(
                field=key,
                label=str(figure_label(key)),
                unit=column.unit,
                kind=kind_of(key),
                portal_value=value,
                portal_text=form_text(key, value),
                source=source.source_kind if source else "",
                source_as_of=source.as_of if source else None,
                source_name=source.source_name if source else "",
            )
        )
    return lines


def report_lines(*, report: YearlyReport | None, enterprise: Enterprise, year: int) -> list[Line]:
    """The form's lines with what the report holds so far (the firm's draft, or what it submitted)."""
    lines = portal_values(enterprise=enterprise, year=year)
    if report is None or report.pk is None:
        for line in lines:
            line.entered = line.portal_text
        return lines
    saved = {row.field: row for row in report.values.all()}
    for line in lines:
        row = saved.get(line.field)
        line.reported = row
        line.entered = row.entered if row is not None else line.portal_text
        line.reason_text = row.reason if row is not None else ""
    return lines


def review_lines(*, report: YearlyReport) -> list[Line]:
    """The review page's lines: the portal's value now beside what the firm reported."""
    return report_lines(report=report, enterprise=report.enterprise, year=report.year)


@dataclass
class CountyProgress:
    county: County
    firms: int
    submitted: int
    confirmed: int

    @property
    def not_submitted(self) -> int:
        return max(0, self.firms - self.submitted - self.confirmed)

    def share(self, count: int) -> str:
        if not self.firms:
            return "–"
        return f"{count * 100 / self.firms:.1f}".removesuffix(".0") + "%"

    @property
    def submitted_share(self) -> str:
        return self.share(self.submitted)

    @property
    def confirmed_share(self) -> str:
        return self.share(self.confirmed)

    @property
    def not_submitted_share(self) -> str:
        return self.share(self.not_submitted)


def progress_by_county(*, user, year: int, county_id: int | None = None) -> list[CountyProgress]:
    """Each county in the user's scope (only `county_id` when given): its active firms, and how many reported the
    year (submitted and waiting for the county, confirmed); the rest have not submitted (no report, a draft, a
    returned one). One query."""
    active = Q(enterprises__registration_status=RegistrationStatus.ACTIVE)
    of_year = active & Q(enterprises__yearly_reports__year=year)
    counties = scope_counties(County.objects.all(), user=user)
    if county_id is not None:
        counties = counties.filter(pk=county_id)
    counts = counties.annotate(
        firms=Count("enterprises", filter=active, distinct=True),
        submitted=Count(
            "enterprises__yearly_reports",
            filter=of_year & Q(enterprises__yearly_reports__status=ReportStatus.SUBMITTED),
            distinct=True,
        ),
        confirmed=Count(
            "enterprises__yearly_reports",
            filter=of_year & Q(enterprises__yearly_reports__status=ReportStatus.CONFIRMED),
            distinct=True,
        ),
    ).order_by("code")
    return [CountyProgress(county=c, firms=c.firms, submitted=c.submitted, confirmed=c.confirmed) for c in counts]


@dataclass
class ReportProgress:
    """The yearly report's progress of the current window, per county in scope (and in total)."""

    window: ReportWindow
    rows: list[CountyProgress]

    @property
    def total(self) -> CountyProgress:
        return CountyProgress(
            county=None,
            firms=sum(r.firms for r in self.rows),
            submitted=sum(r.submitted for r in self.rows),
            confirmed=sum(r.confirmed for r in self.rows),
        )


def report_progress(*, user, county_id: int | None = None) -> ReportProgress | None:
    """The current window's progress for the user's counties (only `county_id`'s when given); None without a window.
    Two queries (one without a window)."""
    window = window_current()
    if window is None:
        return None
    return ReportProgress(window=window, rows=progress_by_county(user=user, year=window.year, county_id=county_id))
