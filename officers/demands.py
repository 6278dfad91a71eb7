"""Demands and the green channel (重大创新需求 / 绿色通道): reads (scoped through accounts.scoping: a demand outside
the user's scope is not found, 404) and the filing of a demand, audited by its first DemandEvent; every later step is
`officers.workflows.demand_transition`'s."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.scoping import scope_to_user
from core.parsing import text
from enterprises.models import Enterprise, HighTechField
from officers.models import (
    OPEN_DEMAND_STATUSES,
    Demand,
    DemandCategory,
    DemandEvent,
    DemandStatus,
    DemandUrgency,
)
from officers.permissions import can_file_demand, files_for_assigned_firms, files_for_own_firm
from officers.presentation import demand_event_details
from officers.selectors import assignment_list

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
    """The demand's audit trail (the demand comes from a scoped selector), each step with its `details` in words
    (the owners it names looked up in one query)."""
    events = list(demand.events.select_related("actor").order_by("at", "id"))
    owner_ids = {event.data["owner"] for event in events if (event.data or {}).get("owner")}
    people = {user.pk: user.get_full_name() or user.username for user in User.objects.filter(pk__in=owner_ids)}
    for event in events:
        event.details = demand_event_details(event, people=people)
    return events


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


def own_demand_firms(*, user) -> list[Enterprise]:
    """The firms `user` files demands for as their own (the demands page offers them): an enterprise user's firm,
    an officer's assigned firms; none for staff, who file for any firm in scope."""
    if files_for_own_firm(user):
        return [user.enterprise]
    if files_for_assigned_firms(user):
        return [row.enterprise for row in assignment_list(user=user, active=True).filter(officer__user=user)]
    return []


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
            demand=demand, from_state="", to_state=DemandStatus.SUBMITTED, actor=actor,
            data={"category": category, "urgency": urgency, "source_log": source_log.pk if source_log else None},
        )  # fmt: skip
    return demand
