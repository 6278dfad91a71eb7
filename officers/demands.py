"""Demands and the green channel (重大创新需求 / 绿色通道): reads (scoped through accounts.scoping: a demand outside
the user's scope is not found, 404) and writes (one transition function over an explicit table, audited by an
append-only DemandEvent in the same transaction)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scoping import scope_to_user
from core.parsing import required_date, text
from cultivation.permissions import can_pin
from enterprises.models import Enterprise, HighTechField
from officers.models import (
    OPEN_DEMAND_STATUSES,
    Demand,
    DemandCategory,
    DemandEvent,
    DemandStatus,
    DemandUrgency,
)
from officers.selectors import is_active_officer_of

# Who may take a step: the staff in scope (city admin and staff, county staff in the firm's county), the demand's
# owner, or the filing side (the firm's own users and its active officer).
STAFF, OWNER, FILER = "staff", "owner", "filer"

# (from, to) -> who may take it. Anything else is refused. Closed and withdrawn are final; an assigned demand may
# be given another owner, and a visit rescheduled.
DEMAND_TRANSITIONS = {
    (DemandStatus.SUBMITTED, DemandStatus.TRIAGED): frozenset({STAFF}),
    (DemandStatus.SUBMITTED, DemandStatus.CLOSED): frozenset({STAFF}),
    (DemandStatus.SUBMITTED, DemandStatus.WITHDRAWN): frozenset({FILER}),
    (DemandStatus.TRIAGED, DemandStatus.ASSIGNED): frozenset({STAFF}),
    (DemandStatus.TRIAGED, DemandStatus.CLOSED): frozenset({STAFF}),
    (DemandStatus.TRIAGED, DemandStatus.WITHDRAWN): frozenset({FILER}),
    (DemandStatus.ASSIGNED, DemandStatus.ASSIGNED): frozenset({STAFF}),
    (DemandStatus.ASSIGNED, DemandStatus.VISIT_SCHEDULED): frozenset({STAFF, OWNER}),
    (DemandStatus.ASSIGNED, DemandStatus.CLOSED): frozenset({STAFF, OWNER}),
    (DemandStatus.ASSIGNED, DemandStatus.WITHDRAWN): frozenset({FILER}),
    (DemandStatus.VISIT_SCHEDULED, DemandStatus.VISIT_SCHEDULED): frozenset({STAFF, OWNER}),
    (DemandStatus.VISIT_SCHEDULED, DemandStatus.CLOSED): frozenset({STAFF, OWNER}),
    (DemandStatus.VISIT_SCHEDULED, DemandStatus.WITHDRAWN): frozenset({FILER}),
}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def actor_roles(user, demand: Demand) -> set[str]:
    """The parts `user` plays on `demand` (the demand comes from a scoped selector)."""
    if not _active(user) or user.role == Role.LEADER:
        return set()
    roles = set()
    if can_pin(user, demand.enterprise):
        roles.add(STAFF)
    if demand.owner_id == user.pk:
        roles.add(OWNER)
    if (user.role == Role.ENTERPRISE and user.enterprise_id == demand.enterprise_id) or is_active_officer_of(
        user, demand.enterprise
    ):
        roles.add(FILER)
    return roles


def allowed_targets(user, demand: Demand) -> list[str]:
    """The statuses `user` may move `demand` to now, in the order of DemandStatus."""
    roles = actor_roles(user, demand)
    allowed = {to for (frm, to), who in DEMAND_TRANSITIONS.items() if frm == demand.status and who & roles}
    return [status.value for status in DemandStatus if status in allowed]


def can_file_demand(user, enterprise) -> bool:
    """The firm itself, its active officer, and staff in scope file demands; leaders read only."""
    if not _active(user):
        return False
    if user.role == Role.ENTERPRISE:
        return user.enterprise_id == enterprise.pk
    return can_pin(user, enterprise) or is_active_officer_of(user, enterprise)


# ---------------------------------------------------------------------------------------------------------------
# Reads


def demand_list(
    *,
    user,
    county: str | None = None,
    status: list[str] | None = None,
    category: str | None = None,
    urgency: str | None = None,
    open_only: bool = False,
    enterprise=None,
) -> QuerySet[Demand]:
    queryset = scope_to_user(Demand.objects.all(), user=user, enterprise_path="enterprise")
    if enterprise is not None:
        queryset = queryset.filter(enterprise=enterprise)
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    if status:
        queryset = queryset.filter(status__in=status)
    if open_only:
        queryset = queryset.filter(status__in=OPEN_DEMAND_STATUSES)
    if category:
        queryset = queryset.filter(category=category)
    if urgency:
        queryset = queryset.filter(urgency=urgency)
    return queryset.select_related("enterprise__county", "filed_by", "owner").order_by("-filed_at", "-id")


def demand_get(*, user, pk: int) -> Demand:
    try:
        return demand_list(user=user).get(pk=pk)
    except Demand.DoesNotExist:
        raise Http404("No such demand") from None


def demand_events(*, demand: Demand) -> list[DemandEvent]:
    """The demand's audit trail (the demand comes from a scoped selector)."""
    return list(demand.events.select_related("actor").order_by("at", "id"))


def demand_field(demand: Demand) -> str:
    return demand.field or demand.enterprise.high_tech_field


def matched_providers(*, demand: Demand) -> list:
    """Active registered providers (universities, institutes…) working in the demand's field, by name: one query
    over the (small) registry, matched in memory so that SQLite and PostgreSQL agree."""
    from vouchers.models import Provider

    field = demand_field(demand)
    if not field:
        return []
    providers = Provider.objects.filter(status=Provider.Status.ACTIVE).order_by("name")
    return [provider for provider in providers if field in (provider.fields or [])]


def owner_choices(*, enterprise) -> QuerySet:
    """Users who may own a firm's demand: active staff who can see the firm (city staff and admins, the firm's
    county staff) and the firm's active officer."""
    from django.db.models import Q

    from accounts.models import User

    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(role__in=[Role.CITY_ADMIN, Role.CITY_STAFF])
            | Q(role=Role.COUNTY_STAFF, county_id=enterprise.county_id)
            | Q(
                role=Role.OFFICER,
                officer_profile__assignments__enterprise=enterprise,
                officer_profile__assignments__ended_at__isnull=True,
            )
        )
        .distinct()
        .order_by("role", "username")
    )


# ---------------------------------------------------------------------------------------------------------------
# Writes


def demand_create(
    *,
    enterprise: Enterprise,
    actor,
    category: str,
    title: str,
    description: str,
    urgency: str = DemandUrgency.NORMAL,
    field: str = "",
    source_log=None,
) -> Demand:
    """File a demand for `enterprise` (from a scoped selector), audited."""
    if not can_file_demand(actor, enterprise):
        raise PermissionDenied
    title, description, field = text(title), text(description), text(field)
    errors = {}
    if category not in DemandCategory.values:
        errors["category"] = _("Choose a category: technical problem, talent, finance, policy or platform.")
    if urgency not in DemandUrgency.values:
        errors["urgency"] = _("Choose an urgency.")
    if not title:
        errors["title"] = _("Give the demand a title.")
    elif len(title) > 200:
        errors["title"] = _("Keep the title within 200 characters.")
    if not description:
        errors["description"] = _("Describe the demand.")
    if field and field not in HighTechField.values:
        errors["field"] = _("Unknown high-tech field.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        demand = Demand.objects.create(
            enterprise=enterprise, category=category, urgency=urgency, title=title, description=description,
            field=field, source_log=source_log, filed_by=actor,
        )  # fmt: skip
        DemandEvent.objects.create(
            demand=demand, from_status="", to_status=DemandStatus.SUBMITTED, actor=actor,
            data={"category": category, "urgency": urgency, "source_log": source_log.pk if source_log else None},
        )  # fmt: skip
    return demand


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


def demand_transition(*, demand: Demand, to: str, actor, **data) -> Demand:
    """The one way a demand (from a scoped selector) changes status, as DEMAND_TRANSITIONS allows for the actor's
    part, with an append-only DemandEvent in the same transaction."""
    if to not in DemandStatus.values:
        raise ValidationError({"to": _("Unknown status.")})
    with transaction.atomic():
        locked = Demand.objects.select_for_update().select_related("enterprise").get(pk=demand.pk)
        who = DEMAND_TRANSITIONS.get((locked.status, to))
        if who is None:
            raise ValidationError(
                _("A demand “%(status)s” cannot move to “%(to)s”.")
                % {"status": DemandStatus(locked.status).label, "to": DemandStatus(to).label}
            )
        if not who & actor_roles(actor, locked):
            raise PermissionDenied
        fields, event_data = _apply(locked, to, data)
        note = text(data.get("note"))
        if note:
            event_data["note"] = note
        from_status, locked.status = locked.status, to
        locked.save(update_fields=[*fields, "status", "updated_at"])
        DemandEvent.objects.create(demand=locked, from_status=from_status, to_status=to, data=event_data, actor=actor)
    for name in [*fields, "status", "updated_at"]:
        setattr(demand, name, getattr(locked, name))
    return demand
