"""What each role's home shows: its work, item by item, each item counted from the same scoped selector as the list
it links to (so that the count on the home is the count on the list), ordered by urgency, with the age of what has
waited longest. Reads only the apps' selectors (and, for the city, the dashboards' stored aggregates); writes
nothing. A fixed number of queries for each home, whatever the amount of data."""

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Min, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.scoping import scope_county_rows
from cultivation.campaigns import entry_list
from cultivation.models import CampaignStage, WarningSeverity, WarningState
from cultivation.selectors import live_pins, placement_for, warning_list
from dashboards.figures import FIGURES, FIRM_SETS, Kind
from dashboards.models import CountyFigures, PointKind
from dashboards.selectors import current_refresh, targets_for
from enterprises.importing.selectors import IMPORTS_FAILED, IMPORTS_IN_PROGRESS, RECENT_FAILURE_DAYS, import_jobs
from firm_accounts.models import AccountRequestState
from firm_accounts.requests import request_list
from officers.demands import demand_list
from officers.models import DemandUrgency
from officers.selectors import my_firms, overdue_assignments, settings_in_force
from policies.selectors import firm_matches, notice_list
from scoring.selectors import portrait_for
from vouchers.models import ClaimStatus
from vouchers.selectors import OPEN_CLAIM_STATUSES, review_queue
from vouchers.selectors import claim_list as voucher_claim_list
from workspaces.next_step import NextStep, next_step

# How many of an item's things the home lists (the list behind it has them all).
SHOWN = 5
# Pins ending within this many days are the city's work (a choice of the pins page's filter).
PINS_ENDING_DAYS = 30
# The campaign stages that still wait for a step, in the order the steps come.
OPEN_CAMPAIGN_STAGES = (CampaignStage.CANDIDATE, CampaignStage.PRE_REVIEWED, CampaignStage.SUBMITTED)


@dataclass
class Part:
    """A sub-link of a line: one of the things it groups, with the count of the list behind it."""

    label: str
    link: str
    url: str
    count: int


@dataclass
class Line:
    """One line of a work item: one thing to act on, or a group of them, linking to it or its filtered list."""

    label: str
    url: str
    count: int | None = None
    # A date or a short fact ("next service due 2026-05-01", "high") and how long it has waited, in words.
    note: str = ""
    age: str = ""
    # Late, overdue or severe: marked in red.
    late: bool = False
    parts: list[Part] = field(default_factory=list)


@dataclass
class WorkItem:
    key: str
    title: str
    # The filtered list behind the item (its count is that list's count).
    url: str
    count: int
    # What the item says when there is nothing to do.
    empty: str
    # How long the oldest has waited (or the longest is overdue), in words.
    age: str = ""
    lines: list[Line] = field(default_factory=list)
    note: str = ""
    # How many of the counted things the home does not list (the list behind the item has them).
    more: int = 0

    @property
    def has_work(self) -> bool:
        return self.count > 0


def waiting(days: int | None) -> str:
    """How long one thing has waited, in words."""
    if days is None:
        return ""
    if days == 0:
        return _("new today")
    return ngettext("waiting %(days)s day", "waiting %(days)s days", days) % {"days": days}


def oldest_waiting(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return _("The oldest came in today.")
    return ngettext("The oldest has waited %(days)s day.", "The oldest has waited %(days)s days.", days) % {
        "days": days
    }


def longest_overdue(days: int | None) -> str:
    if days is None:
        return ""
    return ngettext("The longest overdue: %(days)s day.", "The longest overdue: %(days)s days.", days) % {"days": days}


def by_urgency(items: list[WorkItem]) -> list[WorkItem]:
    """Items with work first, in the role's order of urgency; the items with nothing to do after them."""
    return [item for item in items if item.has_work] + [item for item in items if not item.has_work]


def _days_since(moment, now: datetime.datetime) -> int | None:
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        return max(0, (now - moment).days)
    return max(0, (timezone.localdate(now) - moment).days)


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def _percent(value) -> str:
    """A share in percent, with one decimal when it has one (40.7%, 100%)."""
    return f"{float(value) * 100:.1f}".removesuffix(".0") + "%"


# ---------------------------------------------------------------------------------------------------------------
# Staff items


def claims_to_review(*, user, now: datetime.datetime) -> WorkItem:
    """The claims waiting for the user's review (the voucher queue: county staff the submitted claims of their
    county, city staff the county-approved ones), oldest first. Two queries."""
    queue = review_queue(user=user)
    count = queue.count()
    rows = list(queue[:SHOWN])
    ages = [_days_since(claim.submitted_at, now) for claim in rows]
    lines = [
        Line(label=f"{claim.reference} · {claim.enterprise.name}", url=reverse("vouchers:claim", args=[claim.pk]),
             age=waiting(age))
        for claim, age in zip(rows, ages, strict=True)
    ]  # fmt: skip
    return WorkItem(
        key="claims",
        title=_("Voucher claims waiting for your review"),
        url=reverse("vouchers:queue"),
        count=count,
        empty=_("No voucher claim is waiting for your review."),
        age=oldest_waiting(ages[0] if ages else None),
        lines=lines,
        more=count - len(lines),
    )


def warnings_by_severity(*, user, now: datetime.datetime) -> tuple[WorkItem, int]:
    """Open (not yet acknowledged) warnings in scope, a line per severity, most severe first (one query); and
    their number."""
    rows = (
        warning_list(user=user, states=[WarningState.OPEN])
        .order_by()
        .values("severity")
        .annotate(n=Count("pk"), oldest=Min("opened_at"))
    )
    found = {row["severity"]: row for row in rows}
    lines, ages = [], []
    for severity in WarningSeverity:
        row = found.get(severity.value)
        if row:
            ages.append(_days_since(row["oldest"], now))
            lines.append(
                Line(
                    label=_("Severity: %(severity)s") % {"severity": severity.label},
                    url=_url("cultivation:warnings", state=WarningState.OPEN, severity=severity.value),
                    count=row["n"],
                    age=oldest_waiting(ages[-1]),
                    late=severity == WarningSeverity.HIGH,
                )
            )
    count = sum(line.count for line in lines)
    item = WorkItem(
        key="warnings",
        title=_("Open early warnings"),
        url=_url("cultivation:warnings", state=WarningState.OPEN),
        count=count,
        empty=_("No early warning is open."),
        lines=lines,
    )
    return item, count


def account_requests(*, user, now: datetime.datetime) -> WorkItem:
    """Firms' pending account requests in scope, oldest first. Two queries."""
    pending = request_list(user=user, state=AccountRequestState.PENDING)
    count = pending.count()
    rows = list(pending.order_by("submitted_at", "id")[:SHOWN])
    ages = [_days_since(row.submitted_at, now) for row in rows]
    lines = [
        Line(label=row.firm_name, url=reverse("firm_accounts:request-detail", args=[row.pk]), age=waiting(age))
        for row, age in zip(rows, ages, strict=True)
    ]
    return WorkItem(
        key="accounts",
        title=_("Enterprise account requests"),
        url=_url("firm_accounts:requests", state=AccountRequestState.PENDING),
        count=count,
        empty=_("No account request is waiting."),
        age=oldest_waiting(ages[0] if ages else None),
        lines=lines,
        more=count - len(lines),
    )


def imports_needing_attention(*, user, now: datetime.datetime) -> WorkItem:
    """Imports under way and imports that went wrong lately, a line each (one query)."""
    since = now - datetime.timedelta(days=RECENT_FAILURE_DAYS)
    going = Q(status__in=IMPORTS_IN_PROGRESS)
    failed = Q(status__in=IMPORTS_FAILED, created_at__gte=since)
    row = (
        import_jobs(user=user)
        .order_by()
        .aggregate(
            going=Count("pk", filter=going),
            going_since=Min("created_at", filter=going),
            failed=Count("pk", filter=failed),
            failed_since=Min("created_at", filter=failed),
        )
    )
    lines = []
    if row["failed"]:
        lines.append(
            Line(
                label=ngettext(
                    "Failed in the last %(days)s day", "Failed in the last %(days)s days", RECENT_FAILURE_DAYS
                )
                % {"days": RECENT_FAILURE_DAYS},
                url=_url("enterprises:import", show="failed"),
                count=row["failed"],
                age=oldest_waiting(_days_since(row["failed_since"], now)),
                late=True,
            )
        )
    if row["going"]:
        lines.append(
            Line(
                label=_("In progress: being checked, waiting to be committed, or being committed"),
                url=_url("enterprises:import", show="in_progress"),
                count=row["going"],
                age=oldest_waiting(_days_since(row["going_since"], now)),
            )
        )
    return WorkItem(
        key="imports",
        title=_("Imports in progress or failed"),
        url=lines[0].url if lines else reverse("enterprises:import"),
        count=row["failed"] + row["going"],
        empty=_("No import is under way or went wrong lately."),
        lines=lines,
    )


def _service_due(row, days: int) -> datetime.date:
    """When the firm of an assignment row (annotated `last_service`) is due a service."""
    since = max(row.last_service or datetime.date.min, timezone.localdate(row.started_at))
    return since + datetime.timedelta(days=days)


def _overdue_note(due: datetime.date, now: datetime.datetime) -> str:
    late = _days_since(due, now)
    return ngettext(
        "service due since %(date)s, %(days)s day ago", "service due since %(date)s, %(days)s days ago", late
    ) % {"date": due.isoformat(), "days": late}


def overdue_for_service(*, user, now: datetime.datetime) -> WorkItem:
    """Firms in scope whose officer has logged no service for the settings' number of days, the longest without
    one first. Three queries (the settings, the count, the first rows)."""
    days = settings_in_force().no_service_days
    queryset = overdue_assignments(user=user, today=timezone.localdate(now), days=days)
    count = queryset.count()
    lines, longest = [], None
    for row in queryset[:SHOWN]:
        due = _service_due(row, days)
        longest = _days_since(due, now) if longest is None else longest
        lines.append(
            Line(
                label=f"{row.enterprise.name} · {row.officer.name}",
                url=reverse("officers:firm", args=[row.enterprise.credit_code]),
                note=_overdue_note(due, now),
                late=True,
            )
        )
    return WorkItem(
        key="overdue",
        title=_("Firms overdue for a service"),
        url=reverse("officers:overdue"),
        count=count,
        empty=_("Every firm with an officer has had a service in time."),
        age=longest_overdue(longest),
        lines=lines,
        more=count - len(lines),
    )


STAGE_WORK = {
    CampaignStage.CANDIDATE: gettext_lazy("Candidates to pre-review"),
    CampaignStage.PRE_REVIEWED: gettext_lazy("Pre-reviewed, to be submitted"),
    CampaignStage.SUBMITTED: gettext_lazy("Submitted, waiting for the outcome"),
}


def campaign_stages(*, user, now: datetime.datetime) -> WorkItem:
    """The high-tech campaign entries in scope still waiting for a step, a line per campaign and stage, with how
    long the oldest has been at it; the campaign year's end is the horizon of the entries not yet submitted (one
    query)."""
    stage_order = Case(
        *[When(stage=stage, then=rank) for rank, stage in enumerate(OPEN_CAMPAIGN_STAGES)], output_field=IntegerField()
    )
    rows = (
        entry_list(user=user)
        .filter(stage__in=OPEN_CAMPAIGN_STAGES)
        .order_by()
        .values("campaign__year", "stage")
        .annotate(n=Count("pk"), oldest=Min("updated_at"), rank=Min(stage_order))
        .order_by("-campaign__year", "rank")
    )
    today = timezone.localdate(now)
    lines, unsubmitted_years = [], set()
    for row in rows:
        year, stage = row["campaign__year"], row["stage"]
        lines.append(
            Line(
                label=_("%(year)s: %(stage)s") % {"year": year, "stage": STAGE_WORK[stage]},
                url=_url("cultivation:campaign", year, stage=stage),
                count=row["n"],
                age=oldest_waiting(_days_since(row["oldest"], now)),
                late=year < today.year and stage != CampaignStage.SUBMITTED,
            )
        )
        if stage != CampaignStage.SUBMITTED:
            unsubmitted_years.add(year)
    note = ""
    if today.year in unsubmitted_years:
        year_end = datetime.date(today.year, 12, 31)
        left = (year_end - today).days
        note = ngettext(
            "The %(year)s campaign year ends on %(date)s, in %(days)s day.",
            "The %(year)s campaign year ends on %(date)s, in %(days)s days.",
            left,
        ) % {"year": today.year, "date": year_end.isoformat(), "days": left}
    return WorkItem(
        key="campaign",
        title=_("High-tech campaign: entries waiting for a step"),
        url=lines[0].url if lines else reverse("cultivation:campaigns"),
        count=sum(line.count for line in lines),
        empty=_("No campaign entry is waiting for a step."),
        lines=lines,
        note=note,
    )


def pins_ending(*, user, now: datetime.datetime) -> WorkItem:
    """Pins in force in scope ending within PINS_ENDING_DAYS days, the first to end first. Two queries."""
    today = timezone.localdate(now)
    queryset = live_pins(user=user, ending_by=today + datetime.timedelta(days=PINS_ENDING_DAYS))
    count = queryset.count()
    lines = []
    for pin in queryset[:SHOWN]:
        left = (pin.ends_on - today).days
        lines.append(
            Line(
                label=f"{pin.enterprise.name} · {pin.get_tier_display()}",
                url=reverse("enterprises:detail", args=[pin.enterprise.credit_code]),
                note=ngettext("ends on %(date)s, in %(days)s day", "ends on %(date)s, in %(days)s days", left)
                % {"date": pin.ends_on.isoformat(), "days": left},
                late=left <= 7,
            )
        )
    return WorkItem(
        key="pins",
        title=ngettext(
            "Tier pins ending within %(days)s day", "Tier pins ending within %(days)s days", PINS_ENDING_DAYS
        )
        % {"days": PINS_ENDING_DAYS},
        url=_url("cultivation:pins", within=PINS_ENDING_DAYS),
        count=count,
        empty=_("No pin ends soon."),
        lines=lines,
        more=count - len(lines),
    )


@dataclass
class Shortfall:
    county: object
    year: int
    figure: object
    value: Decimal
    target: Decimal
    numerator: int
    denominator: int

    @property
    def needed(self) -> int:
        """Firms that would have to join the figure's numerator for the county to reach the target."""
        return max(1, math.ceil(self.target * self.denominator) - self.numerator)

    @property
    def ratio(self) -> Decimal:
        return self.value / self.target


def _shortfall_part(item: Shortfall) -> Part:
    """The figure against its target, linking to the firms it misses in the county: the dashboards' drill-down of
    the figure's gap (or, for the campaign's pass rate, the county's failed entries)."""
    label = ngettext(
        "%(figure)s %(value)s, target %(target)s: %(needed)s more firm needed",
        "%(figure)s %(value)s, target %(target)s: %(needed)s more firms needed",
        item.needed,
    ) % {"figure": item.figure.label, "value": _percent(item.value), "target": _percent(item.target),
         "needed": item.needed}  # fmt: skip
    missing = item.denominator - item.numerator
    if item.figure.gap:
        link, url = FIRM_SETS[item.figure.gap].label, _url("dashboards:firms", item.figure.gap, county=item.county.code)
    else:
        link = CampaignStage.FAILED.label
        url = _url("cultivation:campaign", item.year, county=item.county.code, stage=CampaignStage.FAILED)
    return Part(label=label, link=str(link), url=url, count=missing)


def counties_behind(*, user) -> WorkItem:
    """Counties below the city's target on a share figure (R&D activity, officer coverage, the high-tech share, the
    campaign's pass rate), from the dashboards' newest refresh: its stored county figures and the year's targets,
    never the raw rows. A line per county, the furthest behind first, each figure behind linking to the firms it
    misses there. Three queries."""
    refresh = current_refresh()
    rows = []
    if refresh is not None:
        rows = list(
            scope_county_rows(
                CountyFigures.objects.filter(point__refresh=refresh, point__kind=PointKind.CURRENT), user=user
            )
            .select_related("point", "county")
            .order_by("county__code")
        )
    by_county: dict[str, list[Shortfall]] = {}
    if rows:
        targets = targets_for(rows[0].point.year, ruleset_year=refresh.ruleset_year)
        for row in rows:
            for figure in FIGURES:
                target = targets.get(figure.target)
                value = figure.value(row) if figure.kind == Kind.SHARE else None
                if target is None or value is None or value >= Decimal(target):
                    continue
                by_county.setdefault(row.county.code, []).append(
                    Shortfall(
                        county=row.county,
                        year=row.point.year,
                        figure=figure,
                        value=value,
                        target=Decimal(target),
                        numerator=getattr(row, figure.numerator),
                        denominator=getattr(row, figure.denominator),
                    )
                )
    ordered = sorted(by_county.values(), key=lambda items: (min(item.ratio for item in items), items[0].county.code))
    lines = []
    for items in ordered[:SHOWN]:
        county = items[0].county
        items.sort(key=lambda item: item.ratio)
        lines.append(
            Line(
                label=county.name,
                url=reverse("dashboards:county", args=[county.code]),
                late=True,
                parts=[_shortfall_part(item) for item in items],
            )
        )
    return WorkItem(
        key="targets",
        title=_("Counties behind the city's targets"),
        url=reverse("dashboards:dashboard"),
        count=len(ordered),
        empty=_("Every county meets the city's targets (as of the dashboards' latest refresh)."),
        lines=lines,
        more=len(ordered) - len(lines),
        note=_("From the dashboards' refresh of %(date)s.") % {"date": refresh.as_of.isoformat()} if rows else "",
    )


# ---------------------------------------------------------------------------------------------------------------
# Officers


def officer_firms(*, user, now: datetime.datetime) -> WorkItem:
    """The officer's firms, overdue first (as "my firms" lists them), each with its next service due date; the
    count is the firms overdue. Two queries (the settings, the firms)."""
    days = settings_in_force().no_service_days
    rows = my_firms(user=user, today=timezone.localdate(now), days=days)
    lines = [
        Line(
            label=row.enterprise.name,
            url=reverse("officers:firm", args=[row.enterprise.credit_code]),
            note=_overdue_note(row.next_due, now)
            if row.overdue
            else _("next service due %(date)s") % {"date": row.next_due.isoformat()},
            late=row.overdue,
        )
        for row in rows
    ]
    overdue = [row for row in rows if row.overdue]
    return WorkItem(
        key="my-firms",
        title=ngettext(
            "My firms: %(count)s overdue for a service", "My firms: %(count)s overdue for a service", len(overdue)
        )
        % {"count": len(overdue)},
        url=reverse("officers:my-firms"),
        count=len(overdue),
        empty=_("Every firm of yours has had a service in time.") if rows else _("No firm is assigned to you yet."),
        age=longest_overdue(_days_since(overdue[0].next_due, now)) if overdue else "",
        lines=lines,
    )


URGENCY_ORDER = Case(
    When(urgency=DemandUrgency.CRITICAL, then=0), When(urgency=DemandUrgency.URGENT, then=1), default=2,
    output_field=IntegerField(),
)  # fmt: skip


def open_demands(*, user, now: datetime.datetime) -> WorkItem:
    """Open demands in scope, the most urgent and oldest first. Two queries."""
    queryset = demand_list(user=user, open_only=True)
    totals = queryset.order_by().aggregate(n=Count("pk"), oldest=Min("filed_at"))
    rows = list(queryset.order_by(URGENCY_ORDER, "filed_at", "id")[:SHOWN])
    lines = [
        Line(
            label=f"{demand.title} · {demand.enterprise.name}",
            url=reverse("officers:demand", args=[demand.pk]),
            note=f"{demand.get_urgency_display()} · {demand.get_status_display()}",
            age=waiting(_days_since(demand.filed_at, now)),
            late=demand.urgency != DemandUrgency.NORMAL,
        )
        for demand in rows
    ]
    count = totals["n"]
    return WorkItem(
        key="demands",
        title=_("Open demands"),
        url=_url("officers:demands", status="open"),
        count=count,
        empty=_("No demand is open."),
        age=oldest_waiting(_days_since(totals["oldest"], now)),
        lines=lines,
        more=count - len(lines),
    )


# ---------------------------------------------------------------------------------------------------------------
# Firms


@dataclass
class FirmHome:
    next_step: NextStep
    claims: WorkItem
    policies: WorkItem
    notices: WorkItem


# The firm's claims, the ones waiting for the firm itself first.
CLAIM_URGENCY = {status: rank for rank, status in enumerate(OPEN_CLAIM_STATUSES)}


def firm_next_step(*, user, enterprise) -> NextStep:
    """Two queries: the placement (the tier now, pins included) and the portrait of the current run."""
    placement = placement_for(user=user, enterprise=enterprise)
    portrait = portrait_for(user=user, enterprise=enterprise)
    return next_step(portrait=portrait, tier=placement.tier if placement else None)


def firm_claims(*, user) -> WorkItem:
    """The firm's voucher claims under way (`my claims`, "under way"), those waiting for the firm first (one
    query: a firm has a few)."""
    claims = sorted(
        voucher_claim_list(user=user, status=list(OPEN_CLAIM_STATUSES)),
        key=lambda claim: (CLAIM_URGENCY[claim.status], -claim.updated_at.timestamp()),
    )
    lines = [
        Line(
            label=f"{claim.reference} · {claim.kind.name}",
            url=reverse("vouchers:claim", args=[claim.pk]),
            note=str(claim.public_status),
            late=claim.status in (ClaimStatus.RETURNED, ClaimStatus.DRAFT),
        )
        for claim in claims[:SHOWN]
    ]
    return WorkItem(
        key="claims",
        title=_("My voucher claims under way"),
        url=_url("vouchers:my-claims", status="open"),
        count=len(claims),
        empty=_("No voucher claim is under way."),
        lines=lines,
        more=len(claims) - len(lines),
    )


def firm_policies(*, user, enterprise, now: datetime.datetime) -> WorkItem:
    """The policies the firm meets or nearly meets whose deadline has not passed, met first, the nearest deadline
    first (one query)."""
    today = timezone.localdate(now)
    matches = firm_matches(user=user, enterprise=enterprise)
    lines = []
    for match in matches[:SHOWN]:
        deadline = match.policy.applies_until
        note = str(match.get_status_display())
        if deadline:
            left = (deadline - today).days
            note += " · " + ngettext(
                "deadline %(date)s, in %(days)s day", "deadline %(date)s, in %(days)s days", left
            ) % {"date": deadline.isoformat(), "days": left}
        if match.status == "nearly" and match.gap_text:
            note += " · " + _("missing: %(gap)s") % {"gap": match.gap_text}
        lines.append(
            Line(
                label=match.policy.title,
                url=reverse("policies:detail", args=[match.policy.pk]),
                note=note,
                late=bool(deadline) and (deadline - today).days <= 14,
            )
        )
    return WorkItem(
        key="policies",
        title=_("Policies that fit my firm"),
        url=_url("policies:list", fits=1),
        count=len(matches),
        empty=_("No open policy fits your firm's latest data yet."),
        lines=lines,
        more=len(matches) - len(lines),
    )


def firm_notices(*, user) -> WorkItem:
    """The notices addressed to the firm it has not opened yet, newest first. Two queries."""
    unread = notice_list(user=user, unread=True)
    count = unread.count()
    lines = [
        Line(label=notice.title, url=reverse("policies:notice", args=[notice.pk]),
             note=notice.published_at.date().isoformat())
        for notice in unread[:SHOWN]
    ]  # fmt: skip
    return WorkItem(
        key="notices",
        title=_("Unread notices"),
        url=_url("policies:notices", unread=1),
        count=count,
        empty=_("You have read every notice."),
        lines=lines,
        more=count - len(lines),
    )


# ---------------------------------------------------------------------------------------------------------------
# The homes


def county_home(*, user, now: datetime.datetime | None = None) -> tuple[list[WorkItem], int]:
    """County staff's work, most urgent first, and the number of open warnings (for the registry figures)."""
    now = now or timezone.now()
    warnings, open_warnings = warnings_by_severity(user=user, now=now)
    items = [
        claims_to_review(user=user, now=now),
        warnings,
        account_requests(user=user, now=now),
        imports_needing_attention(user=user, now=now),
        overdue_for_service(user=user, now=now),
        campaign_stages(user=user, now=now),
    ]
    return by_urgency(items), open_warnings


def city_home(*, user, now: datetime.datetime | None = None) -> list[WorkItem]:
    """City staff's (and the city administrator's) work, most urgent first."""
    now = now or timezone.now()
    items = [
        claims_to_review(user=user, now=now),
        pins_ending(user=user, now=now),
        campaign_stages(user=user, now=now),
        counties_behind(user=user),
    ]
    return by_urgency(items)


def officer_home(*, user, now: datetime.datetime | None = None) -> list[WorkItem]:
    """An officer's firms (overdue first) and the open demands of its firms."""
    now = now or timezone.now()
    return [officer_firms(user=user, now=now), open_demands(user=user, now=now)]


def firm_home(*, user, now: datetime.datetime | None = None) -> FirmHome:
    """A firm user's home: its next step first, then its claims, the policies that fit and its unread notices."""
    now = now or timezone.now()
    enterprise = user.enterprise
    return FirmHome(
        next_step=firm_next_step(user=user, enterprise=enterprise),
        claims=firm_claims(user=user),
        policies=firm_policies(user=user, enterprise=enterprise, now=now),
        notices=firm_notices(user=user),
    )
