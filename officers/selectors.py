"""Reads of the officers module. Every function reading firm data takes `user=` and scopes through
accounts.scoping (firms: `scope_to_user`, officers: `scope_officers`); outside the scope is a 404."""

import datetime

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.scoping import scope_officers, scope_to_user, sees_whole_city
from enterprises.models import Enterprise
from officers.models import (
    OPEN_DEMAND_STATUSES,
    Assignment,
    AssignmentRun,
    OfficerProfile,
    OfficerSettings,
    ServiceLog,
)
from officers.permissions import may_read_service_logs, may_see_coverage, may_see_my_firms, may_see_officer_list
from rulesets import OfficerRules


def active_assignment_firms(officer_user_id: int | None = None) -> QuerySet:
    """The active assignments (of one officer's user when given) as values of `enterprise_id`: what
    accounts.scoping reads to scope an officer to their firms."""
    rows = Assignment.objects.filter(ended_at__isnull=True)
    if officer_user_id is not None:
        rows = rows.filter(officer__user_id=officer_user_id)
    return rows.values("enterprise_id")


def settings_in_force(*, rules: OfficerRules | None = None) -> OfficerSettings:
    """The city administrator's officer settings, else `rules` (default: the configured rule set's)."""
    return OfficerSettings.in_force(rules=rules)


# ---------------------------------------------------------------------------------------------------------------
# Officers and assignments


def officer_list(*, user, county: str | None = None, active: bool | None = None) -> QuerySet[OfficerProfile]:
    queryset = scope_officers(OfficerProfile.objects.all(), user=user)
    if county:
        queryset = queryset.filter(county__code=county)
    if active is not None:
        queryset = queryset.filter(active=active)
    return queryset.select_related("user", "county").order_by("county__code", "user__username", "id")


def officer_get(*, user, pk: int) -> OfficerProfile:
    try:
        return officer_list(user=user).get(pk=pk)
    except OfficerProfile.DoesNotExist:
        raise Http404("No such officer") from None


def officer_of_user(user) -> OfficerProfile | None:
    if not may_see_my_firms(user):
        return None
    return OfficerProfile.objects.select_related("county", "user").filter(user_id=user.pk).first()


def assignable_officers(*, user) -> QuerySet[OfficerProfile]:
    """Active officers with room that `user` may give a firm to."""
    from django.db.models import F

    return officer_list(user=user, active=True).filter(load__lt=F("max_load"))


def assignment_list(
    *, user, county: str | None = None, officer: int | None = None, active: bool | None = None, enterprise=None
) -> QuerySet[Assignment]:
    queryset = scope_to_user(Assignment.objects.all(), user=user, enterprise_path="enterprise")
    if enterprise is not None:
        queryset = queryset.filter(enterprise=enterprise)
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    if officer:
        queryset = queryset.filter(officer_id=officer)
    if active is not None:
        queryset = queryset.filter(ended_at__isnull=active)
    return queryset.select_related(
        "enterprise__county", "officer__user", "officer__county", "assigned_by", "ended_by"
    ).order_by("-started_at", "-id")


def assignment_get(*, user, pk: int) -> Assignment:
    try:
        return assignment_list(user=user).get(pk=pk)
    except Assignment.DoesNotExist:
        raise Http404("No such assignment") from None


def firm_get(*, user, credit_code: str) -> Enterprise:
    """A firm in the user's scope by credit code, with its county (404 outside the scope)."""
    try:
        return scope_to_user(Enterprise.objects.select_related("county"), user=user).get(
            credit_code=credit_code.upper()
        )
    except Enterprise.DoesNotExist:
        raise Http404("No such enterprise") from None


def assignment_run_list(*, user) -> QuerySet[AssignmentRun]:
    """Auto-assign runs: everyone's for city-wide roles, one's own for county staff."""
    if not may_see_officer_list(user):
        return AssignmentRun.objects.none()
    queryset = AssignmentRun.objects.select_related("requested_by", "released_from__user")
    if sees_whole_city(user):
        return queryset
    return queryset.filter(requested_by__county_id=user.county_id)


def assignment_run_get(*, user, pk: int) -> AssignmentRun:
    try:
        return assignment_run_list(user=user).get(pk=pk)
    except AssignmentRun.DoesNotExist:
        raise Http404("No such run") from None


# ---------------------------------------------------------------------------------------------------------------
# Service logs and "my firms"


def service_log_list(
    *,
    user,
    enterprise=None,
    officer: int | None = None,
    county: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[ServiceLog]:
    """Service logs of the firms in scope. Enterprises do not read officers' working notes."""
    if not may_read_service_logs(user):
        return ServiceLog.objects.none()
    queryset = scope_to_user(ServiceLog.objects.all(), user=user, enterprise_path="enterprise")
    if enterprise is not None:
        queryset = queryset.filter(enterprise=enterprise)
    if officer:
        queryset = queryset.filter(officer_id=officer)
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    if date_from:
        queryset = queryset.filter(served_on__gte=date_from)
    if date_to:
        queryset = queryset.filter(served_on__lte=date_to)
    return queryset.select_related("enterprise__county", "officer__user", "created_by").order_by("-served_on", "-id")


def service_log_get(*, user, pk: int) -> ServiceLog:
    try:
        return service_log_list(user=user).get(pk=pk)
    except ServiceLog.DoesNotExist:
        raise Http404("No such service log") from None


def _last_service_subquery():
    return Subquery(
        ServiceLog.objects.filter(enterprise_id=OuterRef("enterprise_id"))
        .order_by()
        .values("enterprise_id")
        .annotate(last=Max("served_on"))
        .values("last")[:1]
    )


def overdue_cutoff(*, today: datetime.date | None = None, days: int | None = None) -> datetime.date:
    today = today or timezone.localdate()
    days = days if days is not None else settings_in_force().no_service_days
    return today - datetime.timedelta(days=days)


def _overdue_q(cutoff: datetime.date) -> Q:
    """On an assignment annotated with `last_service`: nothing since `cutoff`, and assigned before it (a firm just
    assigned is not overdue yet)."""
    return (Q(last_service__lt=cutoff) | Q(last_service__isnull=True)) & Q(started_at__date__lt=cutoff)


def _service_rows(queryset: QuerySet[Assignment], *, cutoff: datetime.date, days: int) -> list[Assignment]:
    """Active assignments annotated, in one query, with each firm's last service date, its open plan gaps and open
    demands; each row also carries `overdue` and `next_due` (the day a service is due: `days` after the last
    service, or after the assignment when there is none or it is older)."""
    from cultivation.models import PlanGap
    from officers.models import Demand

    open_gaps = (
        PlanGap.objects.filter(enterprise_id=OuterRef("enterprise_id"), closed_run__isnull=True)
        .order_by()
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    open_demands = (
        Demand.objects.filter(enterprise_id=OuterRef("enterprise_id"), status__in=OPEN_DEMAND_STATUSES)
        .order_by()
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    rows = list(
        queryset.annotate(
            last_service=_last_service_subquery(), open_gaps=Subquery(open_gaps), open_demands=Subquery(open_demands)
        )
    )
    for row in rows:
        row.overdue = (row.last_service is None or row.last_service < cutoff) and row.started_at.date() < cutoff
        since = max(row.last_service or datetime.date.min, timezone.localdate(row.started_at))
        row.next_due = since + datetime.timedelta(days=days)
        row.open_gaps = row.open_gaps or 0
        row.open_demands = row.open_demands or 0
    return rows


def my_firms(
    *, user, officer: OfficerProfile | None = None, today: datetime.date | None = None, days: int | None = None
) -> list[Assignment]:
    """An officer's active assignments (the user's own, or `officer`'s for staff) with each firm's last service
    date, overdue first (oldest service first), then by name; each row carries `overdue`, `last_service`,
    `next_due`, `open_gaps` and `open_demands` (one query)."""
    days = days if days is not None else settings_in_force().no_service_days
    cutoff = overdue_cutoff(today=today, days=days)
    queryset = assignment_list(user=user, active=True)
    if officer is not None:
        queryset = queryset.filter(officer_id=officer.pk)
    else:
        queryset = queryset.filter(officer__user_id=user.pk)
    rows = _service_rows(queryset, cutoff=cutoff, days=days)
    never = datetime.date.min
    rows.sort(key=lambda r: (not r.overdue, r.last_service or never, r.enterprise.name))
    return rows


def overdue_assignments(
    *, user, county: str | None = None, today: datetime.date | None = None, days: int | None = None
) -> QuerySet[Assignment]:
    """The active assignments in scope whose firm is overdue for a service (as `coverage_by_county` counts them),
    the longest without one first."""
    cutoff = overdue_cutoff(today=today, days=days)
    return (
        assignment_list(user=user, active=True, county=county)
        .annotate(last_service=_last_service_subquery())
        .filter(_overdue_q(cutoff))
        .order_by(F("last_service").asc(nulls_first=True), "started_at", "id")
    )


def overdue_firms(
    *, user, county: str | None = None, today: datetime.date | None = None, days: int | None = None
) -> list[Assignment]:
    """`overdue_assignments` as rows of `my_firms` (last service, next due, open gaps and demands), with the
    officer (one query)."""
    days = days if days is not None else settings_in_force().no_service_days
    queryset = overdue_assignments(user=user, county=county, today=today, days=days)
    return _service_rows(queryset, cutoff=overdue_cutoff(today=today, days=days), days=days)


def unserved_assignments(*, on: datetime.date, days: int, enterprise_ids=None) -> list[dict]:
    """Every active assignment whose firm has had no service in the `days` before `on` (and was assigned before
    that): one query, for the nightly warning. Not scoped: the nightly job sees everything."""
    cutoff = on - datetime.timedelta(days=days)
    queryset = Assignment.objects.filter(ended_at__isnull=True, officer__active=True)
    if enterprise_ids is not None:
        queryset = queryset.filter(enterprise_id__in=enterprise_ids)
    rows = (
        queryset.annotate(last_service=_last_service_subquery())
        .filter(_overdue_q(cutoff))
        .values("enterprise_id", "last_service", "started_at", "officer__user__username", "officer__user__first_name")
    )
    result = []
    for row in rows:
        since = row["last_service"] or timezone.localdate(row["started_at"])
        result.append(
            {
                "enterprise_id": row["enterprise_id"],
                "days": (on - since).days,
                "threshold": days,
                "last_service": row["last_service"],
                "officer": row["officer__user__first_name"] or row["officer__user__username"],
            }
        )
    return result


# ---------------------------------------------------------------------------------------------------------------
# Coverage


def _innovative_firms(*, user):
    """Portraits of the current run's innovative firms in scope, each annotated `covered` (has an active officer)."""
    from scoring.models import Portrait
    from scoring.selectors import current_run

    run = current_run()
    active = Assignment.objects.filter(enterprise_id=OuterRef("enterprise_id"), ended_at__isnull=True)
    if run is None:
        # Before the first published run: no firm, but the same shape (`covered`), which the counts filter on.
        return Portrait.objects.none().annotate(covered=Exists(active))
    queryset = scope_to_user(Portrait.objects.filter(run=run, innovative=True), user=user, enterprise_path="enterprise")
    return queryset.annotate(covered=Exists(active))


def coverage_by_county(
    *, user, today: datetime.date | None = None, days: int | None = None, counties=None
) -> tuple[list[dict], dict]:
    """Per county in scope: innovative firms, covered, coverage, services in the last `days` (default: the
    settings'), overdue firms, open demands and their age; and the total row. Five queries whatever the size (four
    when the caller passes the counties it already read)."""
    from enterprises.models import County

    if not may_see_coverage(user):
        return [], {}
    today = today or timezone.localdate()
    now = timezone.now()
    cutoff = overdue_cutoff(today=today, days=days)
    counties = {c.pk: c for c in (counties if counties is not None else County.objects.order_by("code"))}
    rows: dict[int, dict] = {}

    def row(county_id):
        if county_id not in rows:
            county = counties[county_id]
            rows[county_id] = {"county": county.code, "county_name": county.name, "innovative": 0, "covered": 0,
                               "services": 0, "overdue": 0, "open_demands": 0, "oldest_demand_days": None,
                               "average_demand_days": None}  # fmt: skip
        return rows[county_id]

    for item in (
        _innovative_firms(user=user)
        .order_by()
        .values("county_id")
        .annotate(innovative=Count("pk"), covered=Count("pk", filter=Q(covered=True)))
    ):
        row(item["county_id"]).update(innovative=item["innovative"], covered=item["covered"])
    for item in (
        service_log_list(user=user, date_from=cutoff + datetime.timedelta(days=1), date_to=today)
        .order_by()
        .values("enterprise__county_id")
        .annotate(n=Count("pk"))
    ):
        row(item["enterprise__county_id"])["services"] = item["n"]
    for item in (
        assignment_list(user=user, active=True)
        .annotate(last_service=_last_service_subquery())
        .filter(_overdue_q(cutoff))
        .order_by()
        .values("enterprise__county_id")
        .annotate(n=Count("pk"))
    ):
        row(item["enterprise__county_id"])["overdue"] = item["n"]
    for county_id, ages in _open_demand_ages(user=user, key="enterprise__county_id", now=now).items():
        row(county_id).update(ages)
    result = [rows[county_id] for county_id in sorted(rows, key=lambda pk: counties[pk].code)]
    for entry in result:
        entry["coverage"] = entry["covered"] / entry["innovative"] if entry["innovative"] else None
    total = {
        key: sum(entry[key] for entry in result)
        for key in ("innovative", "covered", "services", "overdue", "open_demands")
    }
    ages = [entry["oldest_demand_days"] for entry in result if entry["oldest_demand_days"] is not None]
    total["oldest_demand_days"] = max(ages) if ages else None
    total["coverage"] = total["covered"] / total["innovative"] if total["innovative"] else None
    return result, total


def _open_demand_ages(*, user, key: str, now, **filters) -> dict:
    """Open demands in scope grouped by `key`: their count, the oldest's age and the mean age in days (one query;
    open demands are few, and ages computed here are the same on every database)."""
    from officers.models import Demand

    demands = scope_to_user(
        Demand.objects.filter(status__in=OPEN_DEMAND_STATUSES, **filters), user=user, enterprise_path="enterprise"
    )
    grouped: dict = {}
    for group, filed_at in demands.order_by().values_list(key, "filed_at"):
        if group is not None:
            grouped.setdefault(group, []).append((now - filed_at).days)
    return {
        group: {"open_demands": len(ages), "oldest_demand_days": max(ages),
                "average_demand_days": round(sum(ages) / len(ages), 1)}
        for group, ages in grouped.items()
    }  # fmt: skip


def coverage_by_officer(
    *, user, county: str | None = None, today: datetime.date | None = None, days: int | None = None
) -> list[dict]:
    """Per officer in scope: firms assigned, maximum load, services in the last `days` (default: the settings'),
    overdue firms, open demands of their firms and their age. Four queries whatever the size."""
    if not may_see_coverage(user):
        return []
    today = today or timezone.localdate()
    now = timezone.now()
    cutoff = overdue_cutoff(today=today, days=days)
    officers = list(officer_list(user=user, county=county))
    ids = [officer.pk for officer in officers]
    services = dict(
        service_log_list(user=user, date_from=cutoff + datetime.timedelta(days=1), date_to=today)
        .filter(officer_id__in=ids)
        .order_by()
        .values_list("officer_id")
        .annotate(n=Count("pk"))
    )
    overdue = dict(
        Assignment.objects.filter(officer_id__in=ids, ended_at__isnull=True)
        .annotate(last_service=_last_service_subquery())
        .filter(_overdue_q(cutoff))
        .order_by()
        .values_list("officer_id")
        .annotate(n=Count("pk"))
    )
    demand_ages = _open_demand_ages(
        user=user,
        key="enterprise__officer_assignments__officer_id",
        now=now,
        enterprise__officer_assignments__ended_at__isnull=True,
    )
    result = []
    for officer in officers:
        ages = demand_ages.get(officer.pk, {})
        result.append(
            {
                "officer": officer,
                "id": officer.pk,
                "name": officer.name,
                "username": officer.user.username,
                "level": officer.level,
                "county": officer.county.code if officer.county else "",
                "county_name": officer.county.name if officer.county else "",
                "active": officer.active,
                "firms": officer.load,
                "max_load": officer.max_load,
                "services": services.get(officer.pk, 0),
                "overdue": overdue.get(officer.pk, 0),
                "open_demands": ages.get("open_demands", 0),
                "oldest_demand_days": ages.get("oldest_demand_days"),
                "average_demand_days": ages.get("average_demand_days"),
            }
        )
    return result
