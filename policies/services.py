"""Writes: policies (their matches recomputed after commit), notices and read marks, events and registrations
(capacity held under concurrency: the event row is locked and a check constraint backs the count)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from policies.conditions import clean_conditions
from policies.models import (
    REGISTRATION_TRANSITIONS,
    SEAT_STATES,
    Event,
    EventRegistration,
    Notice,
    NoticeRead,
    Policy,
    RegistrationEvent,
    RegistrationState,
)
from policies.selectors import (
    audience_q,
    is_enterprise_user,
    may_edit_policies,
    may_publish,
    registration_side,
)

POLICY_FIELDS = ("title", "issuer", "document_number", "kind", "published_on", "applies_from", "applies_until",
                 "summary", "full_text", "attachment", "max_amount", "amount_note", "conditions", "active")  # fmt: skip
AUDIENCE_FIELDS = ("county", "tier", "policy", "include_nearly")
NOTICE_FIELDS = ("title", "body", *AUDIENCE_FIELDS)
EVENT_FIELDS = ("kind", "title", "topic", "description", "starts_at", "place", "capacity", *AUDIENCE_FIELDS)


def _enqueue_match(policy_id: int) -> None:
    from policies import tasks

    transaction.on_commit(lambda: tasks.match_policy.delay(policy_id))


def policy_save(*, actor, data: dict, policy: Policy | None = None) -> Policy:
    """Create or update a policy; its conditions are checked against the registry, and its matches recomputed
    against the current run once the transaction commits."""
    if not may_edit_policies(actor):
        raise PermissionDenied
    unknown = set(data) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"unknown policy fields: {sorted(unknown)}")
    try:
        conditions = clean_conditions(data.get("conditions", policy.conditions if policy else []))
    except ValidationError as error:
        raise ValidationError({"conditions": error.messages}) from None
    policy = policy or Policy(created_by=actor)
    for name, value in data.items():
        # A form's "clear" box gives False for the attachment: no file.
        setattr(policy, name, "" if name == "attachment" and value is False else value)
    policy.conditions = conditions
    policy.full_clean()
    with transaction.atomic():
        policy.save()
        _enqueue_match(policy.pk)
    return policy


def _check_audience(*, actor, data: dict) -> None:
    if not may_publish(actor):
        raise PermissionDenied
    county = data.get("county")
    own_county_only = actor.role == Role.COUNTY_STAFF and not actor.is_superuser
    if own_county_only and (county is None or county.pk != actor.county_id):
        raise ValidationError({"county": _("County staff address the firms of their own county only.")})
    if data.get("include_nearly") and data.get("policy") is None:
        raise ValidationError({"include_nearly": _("Choose the policy whose near-matches should be included.")})


def notice_publish(*, actor, data: dict) -> Notice:
    unknown = set(data) - set(NOTICE_FIELDS)
    if unknown:
        raise ValueError(f"unknown notice fields: {sorted(unknown)}")
    _check_audience(actor=actor, data=data)
    notice = Notice(author=actor, **data)
    notice.full_clean()
    notice.save()
    return notice


def notice_mark_read(*, notice: Notice, user) -> None:
    """Record that a firm's user opened a notice (from a scoped selector). Once; repeating changes nothing."""
    if is_enterprise_user(user):
        NoticeRead.objects.bulk_create([NoticeRead(notice=notice, user=user)], ignore_conflicts=True)


def event_create(*, actor, data: dict) -> Event:
    unknown = set(data) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown event fields: {sorted(unknown)}")
    _check_audience(actor=actor, data=data)
    event = Event(created_by=actor, **data)
    event.full_clean()
    event.save()
    return event


# ---------------------------------------------------------------------------------------------------------------
# Registrations


def _take_seat(event: Event) -> None:
    """Inside the caller's transaction, with the event row locked."""
    if event.seats_taken >= event.capacity:
        raise ValidationError(_("The event is full: all %(capacity)s seats are taken.") % {"capacity": event.capacity})
    Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + 1)


def event_register(*, event: Event, enterprise, actor) -> EventRegistration:
    """Register a firm (by its own user) for an event it is invited to. The event row is locked while the seats are
    counted, so two firms asking for the last seat at once get it once; the check constraint
    `event_not_overbooked` backs the count. A cancelled registration is taken up again through the transition."""
    if not is_enterprise_user(actor) or actor.enterprise_id != enterprise.pk:
        raise PermissionDenied
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if not Event.objects.filter(pk=locked.pk).filter(audience_q(enterprise)).exists():
            raise PermissionDenied
        if locked.starts_at <= timezone.now():
            raise ValidationError(_("Registration has closed: the event has started."))
        existing = EventRegistration.objects.filter(event=locked, enterprise=enterprise).first()
        if existing is not None:
            if existing.state != RegistrationState.CANCELLED:
                raise ValidationError(_("This firm is already registered for the event."))
            return _transition_locked(existing, locked, RegistrationState.REGISTERED, actor)
        _take_seat(locked)
        registration = EventRegistration.objects.create(
            event=locked, enterprise=enterprise, state=RegistrationState.REGISTERED, registered_by=actor
        )
        RegistrationEvent.objects.create(
            registration=registration, from_state="", to_state=RegistrationState.REGISTERED, actor=actor
        )
    return registration


def registration_transition(*, registration: EventRegistration, to: str, actor) -> EventRegistration:
    """The one way a registration (from a scoped selector) changes state, as REGISTRATION_TRANSITIONS allows for the
    actor's side, with an append-only RegistrationEvent in the same transaction; seats follow the state."""
    if to not in RegistrationState.values:
        raise ValidationError({"to": _("Unknown state.")})
    side = registration_side(actor, registration.enterprise)
    if side is None:
        raise PermissionDenied
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        locked = EventRegistration.objects.select_for_update().get(pk=registration.pk)
        moves = REGISTRATION_TRANSITIONS[RegistrationState(locked.state)]
        if to not in moves:
            raise ValidationError(
                _("A registration that is “%(state)s” cannot become “%(to)s”.")
                % {"state": RegistrationState(locked.state).label, "to": RegistrationState(to).label}
            )
        if side not in moves[RegistrationState(to)]:
            raise PermissionDenied
        if to == RegistrationState.REGISTERED and event.starts_at <= timezone.now():
            raise ValidationError(_("Registration has closed: the event has started."))
        result = _transition_locked(locked, event, to, actor)
    registration.state, registration.updated_at = result.state, result.updated_at
    return registration


def _transition_locked(registration: EventRegistration, event: Event, to: str, actor) -> EventRegistration:
    """Both rows locked by the caller."""
    before = registration.state
    holds, will_hold = before in SEAT_STATES, to in SEAT_STATES
    if will_hold and not holds:
        _take_seat(event)
    elif holds and not will_hold:
        Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") - 1)
    registration.state = to
    registration.save(update_fields=["state", "updated_at"])
    RegistrationEvent.objects.create(registration=registration, from_state=before, to_state=to, actor=actor)
    return registration
