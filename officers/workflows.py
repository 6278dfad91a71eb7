"""The demand workflow (重大创新需求 / 绿色通道): its allowed moves, the party that may take each, and the one function
that takes them, audited by an append-only DemandEvent in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import check_move
from core.parsing import required_date, text
from officers.demands import owner_choices
from officers.models import Demand, DemandEvent, DemandStatus, DemandUrgency
from officers.permissions import FILER, OWNER, STAFF, demand_parties

# The only allowed moves (`demand_transition`) and the parties that may take each (officers.permissions). Closed and
# withdrawn are final; an assigned demand may be given another owner, and a visit rescheduled.
DEMAND_TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    DemandStatus.SUBMITTED: {
        DemandStatus.TRIAGED: frozenset({STAFF}),
        DemandStatus.CLOSED: frozenset({STAFF}),
        DemandStatus.WITHDRAWN: frozenset({FILER}),
    },
    DemandStatus.TRIAGED: {
        DemandStatus.ASSIGNED: frozenset({STAFF}),
        DemandStatus.CLOSED: frozenset({STAFF}),
        DemandStatus.WITHDRAWN: frozenset({FILER}),
    },
    DemandStatus.ASSIGNED: {
        DemandStatus.ASSIGNED: frozenset({STAFF}),
        DemandStatus.VISIT_SCHEDULED: frozenset({STAFF, OWNER}),
        DemandStatus.CLOSED: frozenset({STAFF, OWNER}),
        DemandStatus.WITHDRAWN: frozenset({FILER}),
    },
    DemandStatus.VISIT_SCHEDULED: {
        DemandStatus.VISIT_SCHEDULED: frozenset({STAFF, OWNER}),
        DemandStatus.CLOSED: frozenset({STAFF, OWNER}),
        DemandStatus.WITHDRAWN: frozenset({FILER}),
    },
    DemandStatus.CLOSED: {},
    DemandStatus.WITHDRAWN: {},
}


# What the button taking each move says: a verb, never the status it leads to.
DEMAND_MOVE_VERBS = {
    DemandStatus.TRIAGED: gettext_lazy("Triage"),
    DemandStatus.ASSIGNED: gettext_lazy("Assign the owner"),
    DemandStatus.VISIT_SCHEDULED: gettext_lazy("Schedule the on-site visit"),
    DemandStatus.CLOSED: gettext_lazy("Close with the outcome"),
    DemandStatus.WITHDRAWN: gettext_lazy("Withdraw"),
}


def allowed_targets(user, demand: Demand) -> list[str]:
    """The statuses `user` may move `demand` (from a scoped selector) to now, in the order of DemandStatus."""
    parties = demand_parties(user, demand)
    allowed = {to for to, who in DEMAND_TRANSITIONS[demand.status].items() if who & parties}
    return [status.value for status in DemandStatus if status in allowed]


def _participants(value) -> list[str]:
    if isinstance(value, str):
        value = value.replace("；", "\n").replace(";", "\n").replace("，", "\n").replace(",", "\n").splitlines()
    return [name for name in (text(item) for item in value or []) if name]


def _apply(demand: Demand, to: str, data: dict) -> tuple[list[str], dict]:
    """Check and set the fields of the move to `to`; returns the fields changed and the event's data."""
    if to == DemandStatus.TRIAGED:
        urgency = text(data.get("urgency")) or demand.urgency
        if urgency not in DemandUrgency.values:
            raise ValidationError({"urgency": _("Choose an urgency.")})
        demand.urgency, demand.green_channel = urgency, bool(data.get("green_channel"))
        return ["urgency", "green_channel"], {"urgency": urgency, "green_channel": demand.green_channel}
    if to == DemandStatus.ASSIGNED:
        owner = data.get("owner")
        owner_id = getattr(owner, "pk", owner)
        if not owner_id or not owner_choices(enterprise=demand.enterprise).filter(pk=owner_id).exists():
            raise ValidationError({"owner": _("Choose an owner who can see this firm.")})
        if owner_id == demand.owner_id:
            raise ValidationError({"owner": _("This user already owns the demand.")})
        demand.owner_id = owner_id
        return ["owner"], {"owner": owner_id}
    if to == DemandStatus.VISIT_SCHEDULED:
        visit_on = required_date(data.get("visit_on"), field="visit_on", label=_("Visit date"))
        if visit_on < timezone.localdate():
            raise ValidationError({"visit_on": _("The visit date cannot be in the past.")})
        participants = _participants(data.get("participants"))
        if not participants:
            raise ValidationError({"participants": _("Name the participants of the group visit.")})
        demand.visit_on, demand.visit_participants = visit_on, participants
        return ["visit_on", "visit_participants"], {"visit_on": visit_on.isoformat(), "participants": participants}
    if to == DemandStatus.CLOSED:
        outcome = text(data.get("outcome"))
        if not outcome:
            raise ValidationError({"outcome": _("Give the outcome.")})
        demand.outcome, demand.closed_at = outcome, timezone.now()
        return ["outcome", "closed_at"], {"outcome": outcome}
    if to == DemandStatus.WITHDRAWN:
        reason = text(data.get("reason"))
        if not reason:
            raise ValidationError({"reason": _("Give a reason.")})
        demand.closed_at = timezone.now()
        return ["closed_at"], {"reason": reason}
    return [], {}


def demand_transition(*, demand: Demand, to: str, actor, note: str = "", **data) -> Demand:
    """The one way a demand (from a scoped selector) changes status, as DEMAND_TRANSITIONS allows for the parties
    the actor plays, with an append-only DemandEvent (`note`: the actor's remark) in the same transaction."""
    if to not in DemandStatus.values:
        raise ValidationError({"to": _("Unknown status.")})
    with transaction.atomic():
        locked = Demand.objects.select_for_update().select_related("enterprise").get(pk=demand.pk)
        parties = demand_parties(actor, locked)
        check_move(
            table=DEMAND_TRANSITIONS,
            current=locked.status,
            to=to,
            may=lambda who: bool(who & parties),
            thing=str(Demand._meta.verbose_name),
            state=DemandStatus(locked.status).label,
            not_allowed=lambda: ValidationError(
                _("A demand “%(status)s” cannot move to “%(to)s”.")
                % {"status": DemandStatus(locked.status).label, "to": DemandStatus(to).label}
            ),
        )
        fields, event_data = _apply(locked, to, data)
        from_state, locked.status = locked.status, to
        locked.save(update_fields=[*fields, "status", "updated_at"])
        DemandEvent.objects.create(
            demand=locked, from_state=from_state, to_state=to, note=text(note), data=event_data, actor=actor
        )
    for name in [*fields, "status", "updated_at"]:
        setattr(demand, name, getattr(locked, name))
    return demand
