"""The workflows of three-tier cultivation: a plan task's status, a warning's state (staff's part of it), a campaign
entry's stage. Each has its table of allowed moves — from state → {to state: who may take the move, a predicate of
cultivation.permissions called with the actor and the row} — and its one `<thing>_transition` function, which takes a
move the table allows and writes its append-only event in the same transaction.

Each function first asks whether the actor may act on the row at all, before reading its state, so that someone
without the right learns nothing about it (403); the table's predicate then decides the move itself. The nightly
run's part of the warnings (opening them, auto-resolving them in bulk) is `cultivation.warnings`'."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import anniversary
from core.exceptions import check_move
from core.parsing import required_date, text
from core.signals import figures_changed
from cultivation.models import (
    CampaignEntry,
    CampaignEvent,
    CampaignStage,
    CultivationWarning,
    PlanTask,
    PlanTaskEvent,
    PlanTaskStatus,
    PreReviewResult,
    WarningEvent,
    WarningState,
)
from cultivation.permissions import can_act_on_entry, can_change_task, can_handle_warning
from enterprises.models import Qualification, QualificationKind
from scoring.selectors import ruleset_in_force

# ---------------------------------------------------------------------------------------------------------------
# Plan tasks: done and dropped tasks may be reopened.

PLAN_TASK_TRANSITIONS = {
    PlanTaskStatus.TODO: {
        PlanTaskStatus.DOING: can_change_task,
        PlanTaskStatus.DONE: can_change_task,
        PlanTaskStatus.DROPPED: can_change_task,
    },
    PlanTaskStatus.DOING: {
        PlanTaskStatus.TODO: can_change_task,
        PlanTaskStatus.DONE: can_change_task,
        PlanTaskStatus.DROPPED: can_change_task,
    },
    PlanTaskStatus.DONE: {PlanTaskStatus.DOING: can_change_task},
    PlanTaskStatus.DROPPED: {PlanTaskStatus.TODO: can_change_task},
}


def plan_task_targets(status: str) -> list[tuple[str, str]]:
    """The statuses a task in `status` may move to, as (value, label) in the statuses' order."""
    allowed = PLAN_TASK_TRANSITIONS[PlanTaskStatus(status)]
    return [(value, label) for value, label in PlanTaskStatus.choices if value in allowed]


def plan_task_transition(*, task: PlanTask, to: str, actor) -> PlanTask:
    """The one way a task (from a scoped selector) changes status, as PLAN_TASK_TRANSITIONS allows, with an
    append-only PlanTaskEvent in the same transaction."""
    if not can_change_task(actor, task):
        raise PermissionDenied
    if to not in PlanTaskStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic():
        locked = PlanTask.objects.select_for_update().get(pk=task.pk)
        check_move(
            table=PLAN_TASK_TRANSITIONS,
            current=PlanTaskStatus(locked.status),
            to=PlanTaskStatus(to),
            may=lambda who: who(actor, task),
            thing=str(PlanTask._meta.verbose_name),
            state=locked.get_status_display(),
            not_allowed=lambda: ValidationError(
                {
                    "status": _("A task cannot go from %(from)s to %(to)s.")
                    % {"from": locked.get_status_display(), "to": PlanTaskStatus(to).label}
                }
            ),
        )
        PlanTaskEvent.objects.create(task=locked, from_state=locked.status, to_state=to, actor=actor)
        locked.status = to
        locked.save(update_fields=["status", "updated_at"])
    task.status, task.updated_at = locked.status, locked.updated_at
    return task


# ---------------------------------------------------------------------------------------------------------------
# Warnings: staff's moves. Auto-resolution (open or acknowledged → resolved automatically) is the nightly run's, in
# bulk (cultivation.warnings.warnings_from_run), never a staff move; resolved warnings are final.

WARNING_TRANSITIONS = {
    WarningState.OPEN: {WarningState.ACKNOWLEDGED: can_handle_warning, WarningState.RESOLVED: can_handle_warning},
    WarningState.ACKNOWLEDGED: {WarningState.RESOLVED: can_handle_warning},
    WarningState.RESOLVED: {},
    WarningState.AUTO_RESOLVED: {},
}
# What pages and the API call staff's moves: action → the state it moves to.
WARNING_ACTIONS = {"acknowledge": WarningState.ACKNOWLEDGED, "resolve": WarningState.RESOLVED}


def warning_transition(*, warning: CultivationWarning, action: str, actor, note: str = "") -> CultivationWarning:
    """The one way staff change a warning (from a scoped selector): acknowledge or resolve (WARNING_ACTIONS), as
    WARNING_TRANSITIONS allows, with an append-only WarningEvent in the same transaction."""
    if not can_handle_warning(actor, warning):
        raise PermissionDenied
    with transaction.atomic():
        locked = CultivationWarning.objects.select_for_update().get(pk=warning.pk)
        target = WARNING_ACTIONS.get(action)
        check_move(
            table=WARNING_TRANSITIONS,
            current=WarningState(locked.state),
            to=target,
            may=lambda who: who(actor, warning),
            thing=str(CultivationWarning._meta.verbose_name),
            state=WarningState(locked.state).label,
            not_allowed=lambda: ValidationError(
                _("A warning in state “%(state)s” cannot be changed that way.")
                % {"state": WarningState(locked.state).label}
            ),
        )
        now = timezone.now()
        from_state = locked.state
        locked.state = target
        if target == WarningState.ACKNOWLEDGED:
            locked.acknowledged_by, locked.acknowledged_at = actor, now
            fields = ["state", "acknowledged_by", "acknowledged_at"]
        else:
            locked.resolved_by, locked.resolved_at = actor, now
            fields = ["state", "resolved_by", "resolved_at"]
        locked.save(update_fields=fields)
        WarningEvent.objects.create(
            warning=locked,
            enterprise_id=locked.enterprise_id,
            from_state=from_state,
            to_state=target,
            actor=actor,
            note=(note or "").strip(),
            at=now,
        )
    for field in fields:
        setattr(warning, field, getattr(locked, field))
    return warning


# ---------------------------------------------------------------------------------------------------------------
# Campaign entries: approved and failed are final; a withdrawn entry may be taken back as a candidate. (Selection,
# the first step, is `cultivation.campaigns.campaign_add_candidates`.)

CAMPAIGN_TRANSITIONS = {
    CampaignStage.CANDIDATE: {CampaignStage.PRE_REVIEWED: can_act_on_entry, CampaignStage.WITHDRAWN: can_act_on_entry},
    CampaignStage.PRE_REVIEWED: {CampaignStage.SUBMITTED: can_act_on_entry, CampaignStage.WITHDRAWN: can_act_on_entry},
    CampaignStage.SUBMITTED: {
        CampaignStage.APPROVED: can_act_on_entry,
        CampaignStage.FAILED: can_act_on_entry,
        CampaignStage.WITHDRAWN: can_act_on_entry,
    },
    CampaignStage.APPROVED: {},
    CampaignStage.FAILED: {},
    CampaignStage.WITHDRAWN: {CampaignStage.CANDIDATE: can_act_on_entry},
}


# What the button taking each move says: a verb, never the stage it leads to.
CAMPAIGN_MOVE_VERBS = {
    CampaignStage.CANDIDATE: _("Take back as a candidate"),
    CampaignStage.PRE_REVIEWED: _("Record the pre-review"),
    CampaignStage.SUBMITTED: _("Mark as submitted"),
    CampaignStage.APPROVED: _("Record the certification"),
    CampaignStage.FAILED: _("Record the refusal"),
    CampaignStage.WITHDRAWN: _("Withdraw"),
}


def campaign_entry_targets(stage: str) -> list[str]:
    """The stages an entry at `stage` may move to, in the stages' order."""
    allowed = CAMPAIGN_TRANSITIONS[CampaignStage(stage)]
    return [target.value for target in CampaignStage if target in allowed]


def _apply(entry: CampaignEntry, to: str, data: dict) -> tuple[list[str], dict]:
    """Check and set the fields of the move to `to`; returns the fields changed and the event's data."""
    if to == CampaignStage.PRE_REVIEWED:
        result = text(data.get("result"))
        if result not in PreReviewResult.values:
            raise ValidationError({"result": _("Choose a pre-review result.")})
        entry.pre_review_result, entry.pre_review_notes = result, text(data.get("notes"))
        return ["pre_review_result", "pre_review_notes"], {"result": result, "notes": entry.pre_review_notes}
    if to == CampaignStage.SUBMITTED:
        entry.submitted_on = required_date(data.get("submitted_on"), field="submitted_on", label=_("Submission date"))
        return ["submitted_on"], {"submitted_on": entry.submitted_on.isoformat()}
    if to == CampaignStage.APPROVED:
        number = text(data.get("certificate_number"))
        if not number:
            raise ValidationError({"certificate_number": _("Give the certificate number.")})
        issued = required_date(data.get("issued_on"), field="issued_on", label=_("Issue date"))
        years = ruleset_in_force().high_tech.certificate_years
        try:
            with transaction.atomic():
                qualification = Qualification.objects.create(
                    enterprise_id=entry.enterprise_id,
                    kind=QualificationKind.HIGH_TECH,
                    number=number,
                    valid_from=issued,
                    valid_to=anniversary(issued, years) - datetime.timedelta(days=1),
                )
        except IntegrityError:
            raise ValidationError(_("This firm already has a high-tech certificate issued that day.")) from None
        entry.certificate_number, entry.certificate_issued_on, entry.qualification = number, issued, qualification
        fields = ["certificate_number", "certificate_issued_on", "qualification"]
        return fields, {"certificate_number": number, "issued_on": issued.isoformat(),
                        "valid_to": qualification.valid_to.isoformat(), "qualification": qualification.pk}  # fmt: skip
    if to in (CampaignStage.FAILED, CampaignStage.WITHDRAWN):
        reason = text(data.get("reason"))
        if not reason:
            raise ValidationError({"reason": _("Give a reason.")})
        field = "failure_reason" if to == CampaignStage.FAILED else "withdrawal_reason"
        setattr(entry, field, reason)
        return [field], {"reason": reason}
    return [], {}


def campaign_entry_transition(*, entry: CampaignEntry, to: str, actor, **data) -> CampaignEntry:
    """The one way an entry (from a scoped selector) changes stage, as CAMPAIGN_TRANSITIONS allows, with an
    append-only CampaignEvent in the same transaction; approval creates the high-tech qualification too."""
    if not can_act_on_entry(actor, entry):
        raise PermissionDenied
    if to not in CampaignStage.values:
        raise ValidationError({"to": _("Unknown stage.")})
    with transaction.atomic():
        locked = CampaignEntry.objects.select_for_update().get(pk=entry.pk)
        check_move(
            table=CAMPAIGN_TRANSITIONS,
            current=CampaignStage(locked.stage),
            to=CampaignStage(to),
            may=lambda who: who(actor, entry),
            thing=str(CampaignEntry._meta.verbose_name),
            state=CampaignStage(locked.stage).label,
            not_allowed=lambda: ValidationError(
                _("An entry at stage “%(stage)s” cannot move to “%(to)s”.")
                % {"stage": CampaignStage(locked.stage).label, "to": CampaignStage(to).label}
            ),
        )
        fields, event_data = _apply(locked, to, data)
        from_state, locked.stage = locked.stage, to
        locked.save(update_fields=[*fields, "stage", "updated_at"])
        CampaignEvent.objects.create(entry=locked, from_state=from_state, to_state=to, data=event_data, actor=actor)
        if to in (CampaignStage.APPROVED, CampaignStage.FAILED):
            # The pass rate, and with an approval a new certificate, are dashboard figures.
            figures_changed.send(sender=CampaignEntry, change="campaign")
    for field in [*fields, "stage", "updated_at"]:
        setattr(entry, field, getattr(locked, field))
    return entry
