"""Demo officers for `seed_demo` and `make run`: county officers sized to each county's innovative firms, the demo
`officer` account among them, auto-assigned through the same service as the page, with service logs over the last
months (some firms overdue) and demands at every stage. Deterministic for a given seed."""

import datetime
import math

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from accounts.models import Role, User
from demo.common import DEMO_PASSWORD, GIVEN_NAMES, SURNAMES, office_times
from enterprises.models import County, Enterprise, HighTechField, Qualification
from officers.demands import demand_create
from officers.models import (
    Assignment,
    AssignmentRun,
    AssignmentSource,
    Demand,
    DemandCategory,
    DemandEvent,
    OfficerLevel,
    OfficerProfile,
    OfficerSettings,
    ServiceArea,
    ServiceKind,
    ServiceLog,
)
from officers.services import auto_assign
from officers.workflows import demand_transition
from scoring.selectors import current_run

DEMO_OFFICER_USERNAME = "officer"
DEMO_OFFICER_COUNTY = "410402"
# Officers are sized so that they are this full on average.
DEMO_FILL = 0.85
CITY_OFFICERS = 2
DEMANDS = 40
SERVICE_TEXTS = {
    ServiceKind.ON_SITE_VISIT: "走访企业，了解研发和生产经营情况",
    ServiceKind.POLICY: "宣讲科技型中小企业评价和研发费用加计扣除政策",
    ServiceKind.HIGH_TECH_APPLICATION: "对照高企认定条件逐项预审，梳理申报材料",
    ServiceKind.RD_ACCOUNTING: "指导建立研发费用辅助账",
    ServiceKind.IP: "梳理知识产权布局，建议申请发明专利",
    ServiceKind.FINANCE: "对接科技贷款和创新券政策",
    ServiceKind.TECHNOLOGY: "对接高校院所技术成果",
}
DEMAND_TITLES = {
    DemandCategory.TECHNICAL: "关键工艺技术难题需要高校院所联合攻关",
    DemandCategory.TALENT: "急需引进研发骨干和高级技术人才",
    DemandCategory.FINANCE: "新产线建设资金缺口，申请科技贷款对接",
    DemandCategory.POLICY: "咨询高新技术企业认定和研发费用加计扣除政策",
    DemandCategory.PLATFORM: "申报省级工程技术研究中心，需要指导",
}


def clear_officer_data() -> None:
    """Everything of the module, children first (the registry is about to be replaced)."""
    DemandEvent.objects.all().delete()
    Demand.objects.all().delete()
    ServiceLog.objects.all().delete()
    Assignment.objects.all().delete()
    AssignmentRun.objects.all().delete()
    users = list(OfficerProfile.objects.values_list("user_id", flat=True))
    OfficerProfile.objects.all().delete()
    User.objects.filter(pk__in=users, role=Role.OFFICER).delete()


def _innovative_by_county(as_of: datetime.date) -> dict[int, int]:
    """Firms holding a valid qualification on `as_of`, per county (DESIGN §2's innovative enterprise)."""
    valid = Qualification.objects.filter(valid_from__lte=as_of, valid_to__gte=as_of)
    return dict(valid.order_by().values_list("enterprise__county_id").annotate(n=Count("enterprise_id", distinct=True)))


def ensure_officers(*, as_of: datetime.date, seed: int = 2026, max_load: int | None = None) -> int:
    """Create the demo officers (users and profiles) once; returns how many were created."""
    if OfficerProfile.objects.exists():
        return 0
    max_load = max_load or OfficerSettings.in_force().default_max_load
    rng = np.random.default_rng(seed)
    template = User()
    template.set_password(DEMO_PASSWORD)
    fields = list(HighTechField.values)
    areas = list(ServiceArea.values)
    specs = []
    innovative = _innovative_by_county(as_of)
    for county in County.objects.order_by("code"):
        firms = innovative.get(county.pk, 0)
        count = math.ceil(firms / (max_load * DEMO_FILL)) if firms else 0
        specs += [(county, index) for index in range(count)]
    specs += [(None, index) for index in range(CITY_OFFICERS)]
    users, profiles = [], []
    existing = User.objects.filter(username=DEMO_OFFICER_USERNAME, role=Role.OFFICER).first()
    for number, (county, index) in enumerate(specs):
        username = f"officer_{county.code}_{index + 1}" if county else f"officer_city_{index + 1}"
        user = None
        if existing is not None and county is not None and county.code == DEMO_OFFICER_COUNTY and index == 0:
            user = existing  # the demo `officer` account serves 新华区
        if user is None:
            name = SURNAMES[int(rng.integers(len(SURNAMES)))] + GIVEN_NAMES[int(rng.integers(len(GIVEN_NAMES)))]
            user = User(username=username, first_name=name, role=Role.OFFICER, password=template.password)
            users.append(user)
        expertise = sorted(
            {*rng.choice(fields, size=2, replace=False).tolist(), *rng.choice(areas, size=2, replace=False).tolist()}
        )
        profiles.append((user, county, expertise, number))
    with transaction.atomic():
        User.objects.bulk_create(users)
        if users and users[0].pk is None:
            ids = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
            for user in users:
                user.pk = ids[user.username]
        OfficerProfile.objects.bulk_create(
            OfficerProfile(
                user=user,
                level=OfficerLevel.COUNTY if county else OfficerLevel.CITY,
                county=county,
                expertise=expertise,
                max_load=max_load,
            )
            for user, county, expertise, _number in profiles
        )
    return len(profiles)


def assign_and_serve(*, as_of: datetime.date, seed: int = 2026) -> dict:
    """Once a published scoring run exists and nothing is assigned yet: auto-assign (as the city administrator),
    then service logs and demands. Returns counts (zeros when there is nothing to do)."""
    summary = {"assigned": 0, "service_logs": 0, "demands": 0}
    actor = User.objects.filter(Q(role=Role.CITY_ADMIN) | Q(is_superuser=True)).order_by("pk").first()
    if actor is None or current_run() is None or Assignment.objects.exists():
        return summary
    run = AssignmentRun.objects.create(requested_by=actor)
    run = auto_assign(run_id=run.pk)
    summary["assigned"] = run.assigned
    rng = np.random.default_rng(seed)
    # The demo's officers have served their firms for months: assignments start half a year back.
    started = timezone.make_aware(datetime.datetime.combine(as_of - datetime.timedelta(days=200), datetime.time(9)))
    Assignment.objects.filter(run=run).update(started_at=started)
    assignments = list(Assignment.objects.filter(run=run).select_related("officer").order_by("enterprise_id"))
    kinds = list(SERVICE_TEXTS)
    logs = []
    for assignment in assignments:
        draw = rng.random()
        if draw < 0.12:
            continue  # never served: overdue
        if draw < 0.27:
            days_back = [int(rng.integers(95, 190))]  # served long ago: overdue
        else:
            days_back = sorted(int(day) for day in rng.integers(1, 85, size=int(rng.integers(1, 4))))
        for day in days_back:
            kind = kinds[int(rng.integers(len(kinds)))]
            logs.append(
                ServiceLog(
                    enterprise_id=assignment.enterprise_id, officer=assignment.officer,
                    served_on=as_of - datetime.timedelta(days=day), kind=kind,
                    duration_minutes=int(rng.choice([30, 60, 90, 120, 180])), what_done=SERVICE_TEXTS[kind],
                    created_by_id=assignment.officer.user_id,
                )
            )  # fmt: skip
    ServiceLog.objects.bulk_create(logs, batch_size=2000)
    summary["service_logs"] = len(logs)
    summary["demands"] = _demands(assignments, actor=actor, rng=rng, as_of=as_of)
    return summary


def _demands(assignments, *, actor, rng, as_of) -> int:
    if not assignments:
        return 0
    picks = rng.choice(len(assignments), size=min(DEMANDS, len(assignments)), replace=False)
    categories = list(DemandCategory.values)
    stages = ["submitted", "triaged", "assigned", "visit_scheduled", "closed"]
    firms = {f.pk: f for f in Enterprise.objects.filter(pk__in=[assignments[i].enterprise_id for i in picks])}
    users = User.objects.in_bulk([assignments[i].officer.user_id for i in picks])
    filed = []
    for number, index in enumerate(picks):
        assignment = assignments[int(index)]
        officer_user = users[assignment.officer.user_id]
        category = categories[number % len(categories)]
        demand = demand_create(
            enterprise=firms[assignment.enterprise_id], actor=officer_user, category=category,
            urgency="urgent" if number % 4 == 0 else "normal", title=DEMAND_TITLES[category],
            description=DEMAND_TITLES[category] + "。企业希望尽快协调解决。",
        )  # fmt: skip
        stage = stages[number % len(stages)]
        if stage != "submitted":
            demand_transition(demand=demand, to="triaged", actor=actor, green_channel=number % 3 == 0)
        if stage in ("assigned", "visit_scheduled", "closed"):
            demand_transition(demand=demand, to="assigned", actor=actor, owner=officer_user.pk)
        if stage in ("visit_scheduled", "closed"):
            demand_transition(
                demand=demand, to="visit_scheduled", actor=officer_user,
                # A week on, from today at the earliest: a visit cannot be scheduled in the past (an earlier --as-of).
                visit_on=max(as_of, timezone.localdate()) + datetime.timedelta(days=7),
                participants=["市科技局", "河南城建学院专家组"],
            )  # fmt: skip
        if stage == "closed":
            demand_transition(demand=demand, to="closed", actor=officer_user, outcome="组团上门服务后达成合作意向")
        # Filed some weeks back, so that the coverage page shows open demands' ages.
        demand.filed_at = timezone.now() - datetime.timedelta(days=int(rng.integers(1, 60)))
        filed.append(demand)
    Demand.objects.bulk_update(filed, ["filed_at"])
    return len(filed)


# ---------------------------------------------------------------------------------------------------------------
# History (demo.history)

# Coverage grew with the officer programme: the assignment start days are drawn from this curve of (share of the
# firms served now, days before the demo's day), so that about a third of the innovative firms had an officer two
# years ago, two thirds a year ago, and all now.
COVERAGE_CURVE = ((0.0, 3 * 365), (1 / 3, 2 * 365), (2 / 3, 365), (1.0, 7))
# Officers start serving a firm up to this many days before it holds its first qualification (pre-review help).
LEAD_DAYS = 120
CHANGED_OFFICER_SHARE = 0.06
CHANGE_REASONS = ("服务员岗位调整，改由新服务员对接", "企业申请更换服务员（专业领域更匹配）", "服务员工作调动")
LAPSED_REASON = "企业资质到期未续，不再属于创新型企业，结束一对一服务"


def seed_assignment_history(*, as_of: datetime.date, seed: int, actors: dict) -> dict:
    """Spread the active assignments' start days back in time along COVERAGE_CURVE (never after the firm's first
    service log), and keep some ended assignments: firms whose officer changed, and firms that stopped being
    innovative. Active assignments, loads and the one-active-per-firm rule are untouched but for `started_at`."""
    rng = np.random.default_rng(seed + 47)
    active = list(
        Assignment.objects.filter(ended_at__isnull=True)
        .order_by("enterprise_id")
        .only("pk", "enterprise_id", "officer_id", "source", "reason", "assigned_by_id", "started_at")
    )
    if not active:
        return {"assignments_spread": 0, "assignments_ended": 0, "officer_changes": 0}
    quals = pd.DataFrame(
        list(Qualification.objects.values_list("enterprise_id", "valid_from", "valid_to")),
        columns=["firm", "valid_from", "valid_to"],
    )
    since = quals.groupby("firm")["valid_from"].min()
    until = quals.groupby("firm")["valid_to"].max()
    first_logs = dict(
        ServiceLog.objects.order_by()
        .values_list("enterprise_id")
        .annotate(first=Min("served_on"))
        .values_list("enterprise_id", "first")
    )
    county_of = dict(Enterprise.objects.values_list("pk", "county_id"))
    officers: dict[int | None, list[int]] = {}  # county pk (None: city officers) → officer pks
    for pk, county_id, level in OfficerProfile.objects.order_by("pk").values_list("pk", "county_id", "level"):
        officers.setdefault(county_id if level == OfficerLevel.COUNTY else None, []).append(pk)

    firms = [assignment.enterprise_id for assignment in active]
    starts = _start_days(rng, as_of, [since.get(firm) for firm in firms], [first_logs.get(firm) for firm in firms])
    changes = []  # (position in `active`, earlier officer, its start day, end reason)
    for index in np.flatnonzero(rng.random(len(active)) < CHANGED_OFFICER_SHARE):
        assignment, start = active[index], starts[index]
        # The current officer's logs all fall after the change, and the change is at least a month old.
        latest = min(first_logs.get(assignment.enterprise_id, as_of), as_of - datetime.timedelta(days=30))
        others = [pk for pk in officers.get(county_of[assignment.enterprise_id], []) if pk != assignment.officer_id]
        if others and (latest - start).days >= 60:
            starts[index] = start + datetime.timedelta(days=int((latest - start).days * rng.uniform(0.3, 0.8)))
            reason = CHANGE_REASONS[int(rng.integers(len(CHANGE_REASONS)))]
            changes.append((int(index), others[int(rng.integers(len(others)))], start, reason))
    for assignment, stamp in zip(active, office_times(rng, starts), strict=True):
        assignment.started_at = stamp
    earlier_starts = office_times(rng, [start for _index, _officer, start, _reason in changes])
    rows = [
        Assignment(
            enterprise_id=active[index].enterprise_id, officer_id=officer, source=active[index].source,
            reason=active[index].reason, started_at=started, assigned_by_id=active[index].assigned_by_id,
            ended_at=active[index].started_at, ended_by=_county_actor(actors, county_of[active[index].enterprise_id]),
            end_reason=reason,
        )
        for (index, officer, _start, reason), started in zip(changes, earlier_starts, strict=True)
    ]  # fmt: skip

    # Firms innovative in the past but not now: an officer served them until a while after their last qualification
    # lapsed (the auto-assign covers innovative firms only, so none of them has an active assignment).
    assigned = set(firms)
    lapsed = [firm for firm, last in until.items() if last < as_of and firm not in assigned]
    lapsed_starts = _start_days(rng, as_of, [since[firm] for firm in lapsed], [None] * len(lapsed))
    for firm, start in zip(lapsed, lapsed_starts, strict=True):
        end = min(until[firm] + datetime.timedelta(days=int(rng.integers(20, 91))), as_of - datetime.timedelta(days=1))
        candidates = officers.get(county_of[firm]) or officers.get(None) or []
        if (end - start).days < 30 or not candidates:
            continue
        start_at, end_at = office_times(rng, [start, end])
        actor = _county_actor(actors, county_of[firm])
        rows.append(
            Assignment(
                enterprise_id=firm, officer_id=candidates[int(rng.integers(len(candidates)))],
                source=AssignmentSource.MANUAL, reason="县区科技部门指派", started_at=start_at, assigned_by=actor,
                ended_at=end_at, ended_by=actor, end_reason=LAPSED_REASON,
            )
        )  # fmt: skip
    Assignment.objects.bulk_update(active, ["started_at"], batch_size=1000)
    Assignment.objects.bulk_create(rows, batch_size=2000)
    return {"assignments_spread": len(active), "assignments_ended": len(rows), "officer_changes": len(changes)}


def _county_actor(actors: dict, county_id: int):
    return actors.get(county_id) or actors["city"]


def _start_days(rng, as_of, since, first_logs) -> list[datetime.date]:
    """A start day per firm along COVERAGE_CURVE, not long before the firm was first innovative, never after its
    first service log, and before the demo's day."""
    shares, days_before = zip(*COVERAGE_CURVE, strict=True)
    drawn = np.interp(rng.random(len(since)), shares, days_before).astype(int)
    leads = rng.integers(0, LEAD_DAYS + 1, len(since))
    starts = []
    for back, lead, first_day, first_log in zip(drawn, leads, since, first_logs, strict=True):
        start = as_of - datetime.timedelta(days=int(back))
        if first_day is not None:
            start = max(start, first_day - datetime.timedelta(days=int(lead)))
        if first_log is not None:
            start = min(start, first_log)
        starts.append(min(start, as_of - datetime.timedelta(days=1)))
    return starts
