"""Writes of the officers module: officer profiles, assignments (auto-assign, manual, on deactivation) and service
logs. Every function is keyword-only, checks who may act, and keeps `OfficerProfile.load` in step with the active
assignments in the same transaction (the database refuses a load above the maximum and a second active officer
per firm)."""

import datetime
import logging
import time
from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, F, OuterRef, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.scoping import scope_officers, scope_to_user
from core.signals import figures_changed
from enterprises.models import LEFT_POOL_STATUSES, County, Enterprise
from officers.matching import OfficerSlot, Target, firm_needs, plan_assignments
from officers.models import (
    EXPERTISE_VALUES,
    Assignment,
    AssignmentRun,
    AssignmentSource,
    OfficerLevel,
    OfficerProfile,
    OfficerSettings,
    ServiceKind,
    ServiceLog,
)
from officers.permissions import (
    can_assign,
    can_manage_officer,
    can_place_officer,
    holds_officer_role,
    may_log_service,
    may_manage_officers,
)

logger = logging.getLogger(__name__)

# How many uncovered firms the run's report names one by one (all are counted, per county).
REPORT_UNCOVERED_LISTED = 500
_BULK = 2000


# ---------------------------------------------------------------------------------------------------------------
# Officer profiles


def clean_profile(*, level: str, county: County | None, expertise, max_load: int | None) -> dict:
    errors = {}
    if level not in OfficerLevel.values:
        errors["level"] = _("Choose city or county level.")
    if level == OfficerLevel.COUNTY and county is None:
        errors["county"] = _("A county-level officer needs a county.")
    expertise = list(dict.fromkeys(expertise or []))
    unknown = [value for value in expertise if value not in EXPERTISE_VALUES]
    if unknown:
        errors["expertise"] = _("Unknown fields of expertise: %(values)s.") % {"values": ", ".join(unknown)}
    if max_load is not None and not 1 <= int(max_load) <= 500:
        errors["max_load"] = _("The maximum load must be between 1 and 500 firms.")
    if errors:
        raise ValidationError(errors)
    return {"level": level, "county": county, "expertise": expertise}


def officer_create(
    *, user, level: str, county: County | None = None, expertise=(), max_load: int | None = None, actor
) -> OfficerProfile:
    """Give a user with the officer role an officer profile; the maximum load defaults to the settings'."""
    if not can_place_officer(actor, county):
        raise PermissionDenied
    if not holds_officer_role(user):
        raise ValidationError({"user": _("Only a user with the officer role can have an officer profile.")})
    values = clean_profile(level=level, county=county, expertise=expertise, max_load=max_load)
    if max_load is None:
        max_load = OfficerSettings.in_force().default_max_load
    try:
        with transaction.atomic():
            return OfficerProfile.objects.create(user=user, max_load=max_load, **values)
    except IntegrityError:
        raise ValidationError({"user": _("This user already has an officer profile.")}) from None


def officer_update(
    *, officer: OfficerProfile, actor, level: str, county: County | None, expertise, max_load: int
) -> OfficerProfile:
    """Change an officer's level, county, fields and maximum load (not below the firms they serve now)."""
    if not (can_manage_officer(actor, officer) and can_place_officer(actor, county)):
        raise PermissionDenied
    values = clean_profile(level=level, county=county, expertise=expertise, max_load=max_load)
    with transaction.atomic():
        locked = OfficerProfile.objects.select_for_update().get(pk=officer.pk)
        if int(max_load) < locked.load:
            raise ValidationError(
                {"max_load": _("This officer serves %(load)s firms now: move some first, or keep the maximum at "
                               "least that.") % {"load": locked.load}}
            )  # fmt: skip
        for name, value in values.items():
            setattr(locked, name, value)
        locked.max_load = int(max_load)
        locked.save(update_fields=["level", "county", "expertise", "max_load", "updated_at"])
    return locked


def officer_deactivate(*, officer: OfficerProfile, actor, reason: str, reassign: bool) -> AssignmentRun | None:
    """Deactivate an officer: their assignments end now (kept as history); with `reassign`, an auto-assign run is
    queued for exactly those firms (never back to this officer) and returned."""
    if not can_manage_officer(actor, officer):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for deactivating the officer.")})
    with transaction.atomic():
        locked = OfficerProfile.objects.select_for_update().get(pk=officer.pk)
        if not locked.active:
            raise ValidationError(_("This officer is already inactive."))
        active = Assignment.objects.select_for_update().filter(officer=locked, ended_at__isnull=True)
        firm_ids = list(active.values_list("enterprise_id", flat=True))
        active.update(ended_at=timezone.now(), ended_by=actor, end_reason=reason)
        locked.active, locked.load = False, 0
        locked.save(update_fields=["active", "load", "updated_at"])
        figures_changed.send(sender=Assignment, change="assignment")
        run = None
        if reassign and firm_ids:
            run = AssignmentRun.objects.create(requested_by=actor, released_from=locked, enterprise_ids=firm_ids)
            _enqueue(run)
    officer.active, officer.load = False, 0
    return run


def officer_activate(*, officer: OfficerProfile, actor) -> OfficerProfile:
    if not can_manage_officer(actor, officer):
        raise PermissionDenied
    OfficerProfile.objects.filter(pk=officer.pk).update(active=True, updated_at=timezone.now())
    officer.active = True
    return officer


# ---------------------------------------------------------------------------------------------------------------
# Manual assignment


def _lock_officers(ids) -> dict[int, OfficerProfile]:
    """Lock officer rows in id order (the same order everywhere, so two writers cannot deadlock)."""
    ids = sorted({pk for pk in ids if pk is not None})
    locked = OfficerProfile.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {officer.pk: officer for officer in locked}


def assign_officer(*, enterprise: Enterprise, officer: OfficerProfile, actor, reason: str = "") -> Assignment:
    """Give `enterprise` (from a scoped selector) to `officer` (from `scope_officers`), ending its current
    assignment if any (kept as history, with the reason). Refused above the officer's maximum load."""
    if not can_assign(actor, enterprise):
        raise PermissionDenied
    if not scope_officers(OfficerProfile.objects.filter(pk=officer.pk), user=actor).exists():
        raise PermissionDenied
    reason = (reason or "").strip()
    if enterprise.registration_status in LEFT_POOL_STATUSES:
        raise ValidationError(_("The firm has closed or moved out of the city: it is given no officer."))
    with transaction.atomic():
        current = Assignment.objects.select_for_update().filter(enterprise=enterprise, ended_at__isnull=True).first()
        if current is not None and not reason:
            raise ValidationError({"reason": _("Give a reason for changing the firm's officer.")})
        if current is not None and current.officer_id == officer.pk:
            raise ValidationError({"officer": _("This officer already serves the firm.")})
        locked = _lock_officers([officer.pk, current.officer_id if current else None])
        new = locked[officer.pk]
        if not new.active:
            raise ValidationError({"officer": _("This officer is inactive.")})
        if new.load >= new.max_load:
            raise ValidationError(
                {"officer": _("%(name)s already serves %(load)s firms, the maximum.") % {"name": new.name,
                                                                                           "load": new.load}}
            )  # fmt: skip
        now = timezone.now()
        if current is not None:
            current.ended_at, current.ended_by, current.end_reason = now, actor, reason
            current.save(update_fields=["ended_at", "ended_by", "end_reason"])
            OfficerProfile.objects.filter(pk=current.officer_id).update(load=F("load") - 1)
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    enterprise=enterprise, officer=new, source=AssignmentSource.MANUAL, reason=reason,
                    started_at=now, assigned_by=actor,
                )  # fmt: skip
        except IntegrityError:
            raise ValidationError(_("The firm's officer changed meanwhile; reload and try again.")) from None
        OfficerProfile.objects.filter(pk=new.pk).update(load=F("load") + 1)
        figures_changed.send(sender=Assignment, change="assignment")
    return assignment


def unassign_officer(*, enterprise: Enterprise, actor, reason: str) -> Assignment:
    """End the firm's active assignment (kept as history) without a successor."""
    if not can_assign(actor, enterprise):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for ending the assignment.")})
    with transaction.atomic():
        current = Assignment.objects.select_for_update().filter(enterprise=enterprise, ended_at__isnull=True).first()
        if current is None:
            raise ValidationError(_("The firm has no officer."))
        _lock_officers([current.officer_id])
        current.ended_at, current.ended_by, current.end_reason = timezone.now(), actor, reason
        current.save(update_fields=["ended_at", "ended_by", "end_reason"])
        OfficerProfile.objects.filter(pk=current.officer_id).update(load=F("load") - 1)
        figures_changed.send(sender=Assignment, change="assignment")
    return current


def assignments_end_for_departed_firms(*, run=None) -> int:
    """A step of the nightly publication (pipeline/nightly.py, 3e): end the active assignments of firms the register
    shows closed or moved out of the city (kept as history, with the reason and no person), their officers' loads
    lowered with them. Set-based and idempotent: a second call finds none. `run`: the run being published (unused:
    the register's status is read as it is). Returns how many ended."""
    departed = Assignment.objects.filter(
        ended_at__isnull=True, enterprise__registration_status__in=LEFT_POOL_STATUSES
    ).order_by("pk")
    with transaction.atomic():
        # The assignments first, then their officers: the order assign_officer locks them in.
        rows = list(departed.select_for_update(of=("self",)).values_list("pk", "officer_id"))
        if not rows:
            return 0
        ended = Counter(officer_id for _pk, officer_id in rows)
        _lock_officers(ended)
        # Stored text, so in the portal's language whoever started the run (as the plans' dropped tasks are).
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("The firm closed or moved out of the city (the register's status).")
        count = Assignment.objects.filter(pk__in=[pk for pk, _officer in rows]).update(
            ended_at=timezone.now(), end_reason=reason
        )
        OfficerProfile.objects.filter(pk__in=ended).update(
            load=F("load") - Case(*(When(pk=pk, then=Value(n)) for pk, n in ended.items()), default=Value(0))
        )
        figures_changed.send(sender=Assignment, change="assignment")
    logger.info("Assignments of %d firms closed or moved out ended", count)
    return count


# ---------------------------------------------------------------------------------------------------------------
# Auto-assign


def _enqueue(run: AssignmentRun) -> None:
    from officers.tasks import auto_assign_task

    run_id = run.pk
    transaction.on_commit(lambda: auto_assign_task.delay(run_id))


def auto_assign_request(*, actor, include_key_list: bool = False) -> AssignmentRun:
    """Queue an auto-assign run over the firms in the actor's scope (done by a Celery task after commit)."""
    if not may_manage_officers(actor):
        raise PermissionDenied
    with transaction.atomic():
        run = AssignmentRun.objects.create(requested_by=actor, include_key_list=include_key_list)
        _enqueue(run)
    return run


def _target_rows(*, run: AssignmentRun, actor, scoring_run) -> list[dict]:
    """The firms to cover: the current scoring run's innovative firms in scope without an active officer (and, with
    the option, the key list's); or exactly the released firms of a deactivated officer. One or two queries."""
    unassigned = ~Exists(Assignment.objects.filter(enterprise_id=OuterRef("pk"), ended_at__isnull=True))
    firms = (
        scope_to_user(Enterprise.objects.all(), user=actor)
        .filter(unassigned)
        .exclude(registration_status__in=LEFT_POOL_STATUSES)
    )
    if run.enterprise_ids:
        firms = firms.filter(pk__in=run.enterprise_ids)
    else:
        from scoring.models import Portrait

        wanted = Portrait.objects.filter(run=scoring_run, innovative=True).values("enterprise_id")
        firm_ids = None
        if run.include_key_list:
            from cultivation.selectors import key_list

            firm_ids = {placement.enterprise_id for placement in key_list(user=actor)}
        if firm_ids:
            from django.db.models import Q

            firms = firms.filter(Q(pk__in=wanted) | Q(pk__in=firm_ids))
        else:
            firms = firms.filter(pk__in=wanted)
    return list(firms.order_by().values("pk", "county_id", "high_tech_field", "placement__tier"))


def auto_assign(*, run_id: int) -> AssignmentRun:
    """Carry out a queued auto-assign run, once (a second call finds it no longer queued). Reads the firms and the
    officers in a few queries, matches in memory (officers.matching), writes the assignments in bulk and the
    officers' loads in one statement, all in one transaction holding the officers' rows."""
    from scoring.selectors import current_run

    with transaction.atomic():
        claimed = AssignmentRun.objects.filter(pk=run_id, status=AssignmentRun.Status.QUEUED).update(
            status=AssignmentRun.Status.RUNNING
        )
    run = AssignmentRun.objects.select_related("requested_by", "released_from").get(pk=run_id)
    if not claimed:
        return run
    started = time.monotonic()
    try:
        with transaction.atomic():
            actor = run.requested_by
            officers = list(
                scope_officers(OfficerProfile.objects.filter(active=True), user=actor)
                .exclude(pk=run.released_from_id or 0)
                .select_for_update()
                .order_by("pk")
                .values("pk", "county_id", "level", "expertise", "load", "max_load")
            )
            scoring_run = current_run()
            rows = [] if scoring_run is None and not run.enterprise_ids else _target_rows(
                run=run, actor=actor, scoring_run=scoring_run
            )  # fmt: skip
            targets = [
                Target(
                    enterprise_id=row["pk"],
                    county_id=row["county_id"],
                    needs=firm_needs(high_tech_field=row["high_tech_field"], tier=row["placement__tier"]),
                )
                for row in rows
            ]
            slots = [
                OfficerSlot(
                    id=row["pk"],
                    county_id=row["county_id"] if row["level"] == OfficerLevel.COUNTY else None,
                    expertise=frozenset(row["expertise"] or []),
                    load=row["load"],
                    max_load=row["max_load"],
                )
                for row in officers
            ]
            plan = plan_assignments(targets, slots)
            now = timezone.now()
            source = AssignmentSource.DEACTIVATION if run.released_from_id else AssignmentSource.AUTO
            reason = (
                _("Re-assigned: %(name)s was deactivated") % {"name": run.released_from.name}
                if run.released_from_id
                else _("Auto-assign")
            )
            Assignment.objects.bulk_create(
                (
                    Assignment(
                        enterprise_id=firm,
                        officer_id=officer,
                        source=source,
                        reason=reason,
                        started_at=now,
                        assigned_by=actor,
                        run=run,
                    )
                    for firm, officer in plan.assignments
                ),
                batch_size=_BULK,
            )
            OfficerProfile.objects.bulk_update(
                [OfficerProfile(pk=pk, load=load) for pk, load in plan.loads.items()], ["load"], batch_size=500
            )
            run.targets, run.assigned, run.uncovered = len(targets), len(plan.assignments), len(plan.uncovered)
            run.report = _report(targets=targets, plan=plan, slots=slots, no_scoring_run=scoring_run is None)
            run.status = AssignmentRun.Status.DONE
            run.finished_at = timezone.now()
            run.duration_s = time.monotonic() - started
            run.save()
            if plan.assignments:
                figures_changed.send(sender=Assignment, change="assignment")
    except Exception as error:
        logger.exception("Auto-assign run %s failed", run_id)
        message = (
            _("Assignments changed while the run was working; run it again.")
            if isinstance(error, IntegrityError)
            else str(error)
        )
        AssignmentRun.objects.filter(pk=run_id).update(
            status=AssignmentRun.Status.FAILED, error=message, finished_at=timezone.now(),
            duration_s=time.monotonic() - started,
        )  # fmt: skip
        run.refresh_from_db()
        return run
    logger.info("Auto-assign run %s: %s of %s firms in %.2f s", run.pk, run.assigned, run.targets, run.duration_s)
    return run


def _report(*, targets: list[Target], plan, slots: list[OfficerSlot], no_scoring_run: bool) -> dict:
    """Per county: firms to cover, assigned, uncovered and why; and the first uncovered firms by name."""
    counties = {county.pk: county for county in County.objects.all()}
    per_county = defaultdict(Counter)
    for target in targets:
        per_county[target.county_id]["targets"] += 1
    officer_county = {slot.id: slot.county_id for slot in slots}
    firm_county = {target.enterprise_id: target.county_id for target in targets}
    for firm, officer in plan.assignments:
        per_county[firm_county[firm]]["assigned"] += 1
        if officer_county[officer] is None:
            per_county[firm_county[firm]]["by_city_officers"] += 1
    reasons = {}
    for _firm, county_id, reason in plan.uncovered:
        per_county[county_id]["uncovered"] += 1
        reasons[county_id] = reason
    officers_per_county = Counter(slot.county_id for slot in slots)
    rows = []
    for county_id in sorted(per_county, key=lambda pk: counties[pk].code):
        counts = per_county[county_id]
        rows.append(
            {
                "county": counties[county_id].code,
                "county_name": counties[county_id].name,
                "targets": counts["targets"],
                "assigned": counts["assigned"],
                "by_city_officers": counts["by_city_officers"],
                "uncovered": counts["uncovered"],
                "officers": officers_per_county.get(county_id, 0),
                "reason": reasons.get(county_id, ""),
            }
        )
    listed = plan.uncovered[:REPORT_UNCOVERED_LISTED]
    firms = list(Enterprise.objects.filter(pk__in=[f for f, _c, _r in listed]).values_list("pk", "name", "credit_code"))
    names = {pk: name for pk, name, _code in firms}
    codes = {pk: code for pk, _name, code in firms}
    return {
        "no_scoring_run": no_scoring_run,
        "counties": rows,
        "uncovered": [
            {
                "credit_code": codes.get(firm, ""),
                "name": names.get(firm, ""),
                "county": counties[county_id].code,
                "county_name": counties[county_id].name,
                "reason": reason,
            }
            for firm, county_id, reason in listed
        ],
        "city_officers": officers_per_county.get(None, 0),
    }


# ---------------------------------------------------------------------------------------------------------------
# Service logs


def service_log_create(
    *,
    enterprise: Enterprise,
    actor,
    served_on: datetime.date,
    kind: str,
    duration_minutes: int,
    what_done: str,
    problems: str = "",
    follow_up: str = "",
    follow_up_on: datetime.date | None = None,
    demand: dict | None = None,
) -> ServiceLog:
    """Record a service the firm's active officer gave it. With `demand` ({category, urgency, title}), the problems
    raised become a demand of the firm (filed by the officer, audited) in the same transaction."""
    if not may_log_service(actor, enterprise):
        raise PermissionDenied
    errors = {}
    today = timezone.localdate()
    what_done, problems, follow_up = (what_done or "").strip(), (problems or "").strip(), (follow_up or "").strip()
    if served_on is None or served_on > today:
        errors["served_on"] = _("The service date cannot be in the future.")
    if kind not in ServiceKind.values:
        errors["kind"] = _("Choose a kind of service.")
    if not duration_minutes or not 1 <= int(duration_minutes) <= 24 * 60:
        errors["duration_minutes"] = _("Give the duration in minutes (1 to 1440).")
    if not what_done:
        errors["what_done"] = _("Say what was done.")
    if follow_up_on is not None and served_on is not None and follow_up_on < served_on:
        errors["follow_up_on"] = _("The follow-up date cannot be before the service.")
    if demand and not problems:
        errors["problems"] = _("Describe the problems raised to file them as a demand.")
    if errors:
        raise ValidationError(errors)
    officer = OfficerProfile.objects.get(user_id=actor.pk)
    with transaction.atomic():
        log = ServiceLog.objects.create(
            enterprise=enterprise, officer=officer, served_on=served_on, kind=kind,
            duration_minutes=int(duration_minutes), what_done=what_done, problems=problems, follow_up=follow_up,
            follow_up_on=follow_up_on, created_by=actor,
        )  # fmt: skip
        if demand:
            from officers.demands import demand_create

            demand_create(
                enterprise=enterprise,
                actor=actor,
                category=demand.get("category"),
                urgency=demand.get("urgency") or "normal",
                title=demand.get("title") or problems[:200],
                description=problems,
                source_log=log,
            )
    return log
