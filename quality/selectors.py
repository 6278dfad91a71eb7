"""The data-quality page's reads: the newest snapshot's counts (quality.snapshots) for the counties in the user's
scope (needed figures, firms on no department's list, firms gone still holding a tier), the open conflicts (live),
and the firms behind each figure. Every read narrows through accounts.scoping; a county out of scope is a 404."""

from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_to_user
from cultivation.selectors import board_counties, board_county
from enterprises.models import Conflict, County, Enterprise
from enterprises.selectors import figure_label
from quality.models import CountyFigure, FirmCheck, QualitySnapshot, RungFigure
from quality.snapshots import FIELD_BITS, latest_year
from scoring.needs import RUNG_BY_KEY, RUNGS, Rung

# Which counties the page shows is the tier board's rule: the city and every county for city-wide roles, their own
# county for county staff.
quality_counties = board_counties
quality_county = board_county

RUNG_CRITERIA = ("candidates", "incomplete", "missing", "stale")
FIRM_CRITERIA = ("unmatched", "left")  # from the snapshot too, without a rung
CRITERIA = (*RUNG_CRITERIA, *FIRM_CRITERIA, "conflicts")  # conflicts: live


@dataclass
class RungCell:
    firms: int = 0
    missing: int = 0
    stale: int = 0
    complete: int = 0

    def add(self, other: "RungCell") -> None:
        self.firms += other.firms
        self.missing += other.missing
        self.stale += other.stale
        self.complete += other.complete

    @property
    def share(self) -> float | None:
        """Complete firms as a share (0–1) of the firms counted; None when none is counted."""
        return self.complete / self.firms if self.firms else None

    @property
    def share_pct(self) -> float:
        return 100 * self.share if self.share is not None else 0

    @property
    def incomplete(self) -> int:
        return self.missing + self.stale


@dataclass
class CountyRow:
    county: County | None  # None: the city's total
    rungs: dict[str, RungCell]
    conflicts: int = 0
    conflict_firms: int = 0
    unmatched: int = 0
    left: int = 0

    @property
    def cells(self) -> list[tuple[Rung, RungCell]]:
        return [(rung, self.rungs[rung.key]) for rung in RUNGS]


@dataclass
class FigureRow:
    rung: Rung
    field: str
    label: str
    years: str
    cell: RungCell


@dataclass
class Overview:
    snapshot: QualitySnapshot | None
    county: County | None
    rows: list[CountyRow]  # one per county shown, then the city's total when more than one
    figures: dict[str, list[FigureRow]] = field(default_factory=dict)  # per rung, the scope's, worst first

    @property
    def figure_groups(self) -> list[tuple[Rung, list[FigureRow]]]:
        return [(rung, self.figures[rung.key]) for rung in RUNGS]


def years_words(years: int, latest: int) -> str:
    """The years a need reads, in words: none for a firm's own field, "2025", "2023–2025"."""
    if years == 0:
        return ""
    return str(latest) if years == 1 else f"{latest - years + 1}–{latest}"


def current_snapshot() -> QualitySnapshot | None:
    return QualitySnapshot.objects.order_by("-pk").first()


def _latest_year(snapshot: QualitySnapshot | None) -> int:
    """The latest year the snapshot read, or the one the rules read today before any snapshot."""
    return snapshot.latest_year if snapshot else latest_year(timezone.localdate())


def _empty_rungs() -> dict[str, RungCell]:
    return {rung.key: RungCell() for rung in RUNGS}


def overview(*, user, county: County | None, counties: list[County]) -> Overview:
    """The page's figures for `county` (or every county of `counties`, with the city's total). Four queries."""
    shown = [county] if county else counties
    ids = [c.pk for c in shown]
    rows = {c.pk: CountyRow(c, _empty_rungs()) for c in shown}
    snapshot = current_snapshot()
    latest = _latest_year(snapshot)
    per_field: dict[tuple[str, str], RungCell] = {}
    if snapshot:
        for row in RungFigure.objects.filter(snapshot=snapshot, county_id__in=ids).values_list(
            "county_id", "rung", "field", "firms", "missing", "stale", "complete"
        ):
            county_id, rung, name, *counts = row
            if rung not in RUNG_BY_KEY:
                continue
            if name:
                per_field.setdefault((rung, name), RungCell()).add(RungCell(*counts))
            else:
                rows[county_id].rungs[rung] = RungCell(*counts)
    # Each open conflict's county by an index look-up of its firm (few conflicts; joining the firms instead reads
    # the whole registry), narrowed to the counties in the user's scope (accounts.scoping.scope_counties).
    county_of = Subquery(Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("county_id")[:1])
    conflicts = (
        Conflict.objects.filter(status=Conflict.Status.OPEN)
        .annotate(county_of=county_of)
        .filter(county_of__in=ids)
        .values("county_of")
        .annotate(rows=Count("pk"), firms=Count("enterprise_id", distinct=True))
        .order_by()
    )
    for row in conflicts:
        rows[row["county_of"]].conflicts = row["rows"]
        rows[row["county_of"]].conflict_firms = row["firms"]
    if snapshot:
        for county_id, unmatched, left in CountyFigure.objects.filter(snapshot=snapshot, county_id__in=ids).values_list(
            "county_id", "unmatched", "left_with_tier"
        ):
            rows[county_id].unmatched = unmatched
            rows[county_id].left = left
    result = list(rows.values())
    if not county:
        total = CountyRow(None, _empty_rungs())
        for row in result:
            for key, cell in row.rungs.items():
                total.rungs[key].add(cell)
            total.conflicts += row.conflicts
            total.conflict_firms += row.conflict_firms
            total.unmatched += row.unmatched
            total.left += row.left
        result.append(total)
    for rung in RUNGS:
        for name, _years in rung.needs:
            per_field.setdefault((rung.key, name), RungCell())
    figures = {
        rung.key: sorted(
            (
                FigureRow(rung, name, figure_label(name), years_words(years, latest), per_field.get((rung.key, name)))
                for name, years in rung.needs
            ),
            key=lambda row: (-row.cell.incomplete, -row.cell.missing),
        )
        for rung in RUNGS
    }
    return Overview(snapshot=snapshot, county=county, rows=result, figures=figures)


# ---------------------------------------------------------------------------------------------------------------
# The firms behind a figure


@dataclass
class Criterion:
    key: str
    rung: Rung | None = None
    field: str = ""


def criterion_get(key: str, rung: str | None, figure: str | None) -> Criterion:
    """The criterion a firm list is asked for; 404 for one that does not exist (a rung or figure not read)."""
    if key not in CRITERIA:
        raise Http404("No such list")
    if key not in RUNG_CRITERIA:
        return Criterion(key)
    if rung not in RUNG_BY_KEY:
        raise Http404("No such rung")
    found = RUNG_BY_KEY[rung]
    if key in ("missing", "stale"):
        if figure not in dict(found.needs):
            raise Http404("No such figure")
        return Criterion(key, found, figure)
    return Criterion(key, found)


def criterion_heading(criterion: Criterion, snapshot: QualitySnapshot | None) -> str:
    """The criterion in plain words, as the list's heading."""
    if criterion.key == "conflicts":
        return _("Firms with figures in open conflict between sources")
    if criterion.key == "unmatched":
        return _("Firms in business found on no department's list")
    if criterion.key == "left":
        return _("Firms closed or moved out of the city that still hold a tier")
    rung = criterion.rung
    words = {"rung": rung.label, "candidates": rung.candidates}
    if criterion.key == "candidates":
        return _("%(rung)s: %(candidates)s") % words
    if criterion.key == "incomplete":
        return _("%(rung)s: %(candidates)s with a needed figure missing or out of date") % words
    latest = _latest_year(snapshot)
    years = years_words(dict(rung.needs)[criterion.field], latest)
    words["figure"] = f"{figure_label(criterion.field)} {years}".strip()
    if criterion.key == "missing":
        return _("%(rung)s: %(candidates)s without %(figure)s") % words
    words["since"] = snapshot.fresh_since.isoformat() if snapshot else ""
    return _("%(rung)s: %(candidates)s whose %(figure)s was last reported before %(since)s") % words


def criterion_firms(*, user, criterion: Criterion, county: County | None, snapshot) -> QuerySet:
    """The firms behind the figure, in the user's scope (and `county`, if given), by name: the snapshot's FirmCheck
    rows (with their masks), or Enterprise rows for the open conflicts (live)."""
    if criterion.key == "conflicts":
        open_conflicts = Conflict.objects.filter(status=Conflict.Status.OPEN).values("enterprise_id")
        firms = scope_to_user(Enterprise.objects.filter(pk__in=open_conflicts), user=user)
        if county:
            firms = firms.filter(county=county)
        return firms.select_related("county", "placement").order_by("name", "pk")
    if snapshot is None:
        return FirmCheck.objects.none()
    checks = scope_to_user(FirmCheck.objects.filter(snapshot=snapshot), user=user, enterprise_path="enterprise")
    if county:
        checks = checks.filter(county=county)
    if criterion.key == "unmatched":
        checks = checks.filter(unmatched=True)
    elif criterion.key == "left":
        checks = checks.filter(left_with_tier=True)
    else:
        checks = checks.filter(rung=criterion.rung.key)
    if criterion.key == "incomplete":
        checks = checks.exclude(missing_mask=0, stale_mask=0)
    elif criterion.key in ("missing", "stale"):
        mask = "missing_mask" if criterion.key == "missing" else "stale_mask"
        checks = checks.annotate(hit=F(mask).bitand(FIELD_BITS[criterion.field])).filter(hit__gt=0)
    # By id: the snapshot wrote its rows in the order of the firms' names.
    return checks.select_related("enterprise", "enterprise__county", "enterprise__placement").order_by("id")


@dataclass
class FirmRow:
    enterprise: Enterprise
    missing: list[str]
    stale: list[str]


def firm_rows(rows, criterion: Criterion) -> list[FirmRow]:
    """A page of criterion_firms as rows: each firm with the needed figures it lacks and those out of date."""
    if criterion.key == "conflicts":
        return [FirmRow(row, [], []) for row in rows]
    if criterion.rung is None:
        return [FirmRow(row.enterprise, [], []) for row in rows]
    needs = criterion.rung.needs
    return [
        FirmRow(
            row.enterprise,
            [str(figure_label(name)) for name, _years in needs if row.missing_mask & FIELD_BITS[name]],
            [str(figure_label(name)) for name, _years in needs if row.stale_mask & FIELD_BITS[name]],
        )
        for row in rows
    ]
