"""The registration workflow of briefings and training events: its allowed moves, who takes each, and the
functions that take them. Seats follow the state, counted under the event's row lock (a check constraint backs
the count)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import check_move
from policies.models import (
    ENTERPRISE,
    SEAT_STATES,
    STAFF,
    Event,
    EventRegistration,
    RegistrationEvent,
    RegistrationState,
)
from policies.permissions import is_firm_user_of, registration_side
from policies.selectors import audience_q

# The only allowed moves (`registration_transition`) and who may take each: the firm itself
# (ENTERPRISE) or staff whose scope holds the firm (STAFF). Attendance is recorded, and corrected, by staff.
REGISTRATION_TRANSITIONS = {
    RegistrationState.REGISTERED: {
        RegistrationState.CANCELLED: frozenset({ENTERPRISE, STAFF}),
        RegistrationState.ATTENDED: frozenset({STAFF}),
        RegistrationState.ABSENT: frozenset({STAFF}),
    },
    RegistrationState.CANCELLED: {RegistrationState.REGISTERED: frozenset({ENTERPRISE})},
    RegistrationState.ATTENDED: {RegistrationState.ABSENT: frozenset({STAFF})},
    RegistrationState.ABSENT: {RegistrationState.ATTENDED: frozenset({STAFF})},
}


def allowed_registration_targets(user, registration) -> list[str]:
    side = registration_side(user, registration.enterprise)
    moves = REGISTRATION_TRANSITIONS[RegistrationState(registration.state)]
    return [target.value for target, sides in moves.items() if side in sides]


def _take_seat(event: Event) -> None:
    """Inside the caller's transaction, with the event row locked."""
    if event.seats_taken >= event.capacity:
        raise ValidationError(_("The event is full: all %(capacity)s seats are taken.") % {"capacity": event.capacity})
    Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + 1)


def event_register(*, event: Event, enterprise, actor) -> EventRegistration:
    """Register a firm (by its own user) for an event it is invited to. The event row is locked while the seats are
    counted, so two firms asking for the last seat at once get it once; the check constraint
    `event_not_overbooked` backs the count. A cancelled registration is taken up again through the transition."""
    if not is_firm_user_of(actor, enterprise):
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
        check_move(
            table=REGISTRATION_TRANSITIONS,
            current=RegistrationState(locked.state),
            to=RegistrationState(to),
            may=lambda sides: side in sides,
            thing=str(EventRegistration._meta.verbose_name),
            state=RegistrationState(locked.state).label,
            not_allowed=lambda: ValidationError(
                _("A registration that is “%(state)s” cannot become “%(to)s”.")
                % {"state": RegistrationState(locked.state).label, "to": RegistrationState(to).label}
            ),
        )
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
