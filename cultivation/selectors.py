"""Reads of three-tier cultivation. Every function reading firm data takes `user=` and scopes through
accounts.scoping: a firm, placement or pin outside the scope is not found (404)."""

import datetime

from django.db.models import Case, IntegerField, QuerySet, When
from django.http import Http404

from accounts.models import Role
from accounts.scoping import scope_to_user
from cultivation.models import (
    ACTIVE_WARNING_STATES,
    CultivationWarning,
    TierMovement,
    TierPin,
    TierPlacement,
    WarningSeverity,
    WarningState,
)

ROLES_PINNING_EVERYWHERE = frozenset({Role.CITY_ADMIN, Role.CITY_STAFF})


def can_pin(user, enterprise) -> bool:
    """City admin and staff pin any firm; county staff the firms of their county (DESIGN §6)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.role in ROLES_PINNING_EVERYWHERE:
        return True
    return user.role == Role.COUNTY_STAFF and enterprise.county_id == user.county_id


def placement_for(*, user, enterprise) -> TierPlacement | None:
    queryset = TierPlacement.objects.filter(enterprise=enterprise)
    queryset = scope_to_user(queryset, user=user, enterprise_path="enterprise")
    return queryset.select_related("placed_by_run").first()


def live_pin_for(*, user, enterprise) -> TierPin | None:
    queryset = TierPin.objects.filter(enterprise=enterprise, ended_at__isnull=True)
    return scope_to_user(queryset, user=user, enterprise_path="enterprise").select_related("created_by").first()


def movement_history(*, user, enterprise, limit: int = 50) -> list[TierMovement]:
    """The firm's tier moves, newest first."""
    queryset = scope_to_user(
        TierMovement.objects.filter(enterprise=enterprise), user=user, enterprise_path="enterprise"
    )
    return list(queryset.order_by("-date", "-id")[:limit])


def placement_list(*, user, county: str | None = None, tier: str | None = None) -> QuerySet[TierPlacement]:
    queryset = scope_to_user(TierPlacement.objects.all(), user=user, enterprise_path="enterprise")
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    if tier:
        queryset = queryset.filter(tier=tier)
    return queryset.select_related("enterprise__county", "placed_by_run").order_by("enterprise_id")


def movement_list(
    *,
    user,
    county: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    direction: str | None = None,
) -> QuerySet[TierMovement]:
    """Moves in scope; `direction` "up" or "down" (first placements are neither)."""
    queryset = scope_to_user(TierMovement.objects.all(), user=user, enterprise_path="enterprise")
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)
    if direction == "up":
        queryset = queryset.filter(direction__gt=0)
    elif direction == "down":
        queryset = queryset.filter(direction__lt=0)
    return queryset.select_related("enterprise__county", "run").order_by("-date", "-id")


def pin_list(*, user, live: bool | None = None, county: str | None = None) -> QuerySet[TierPin]:
    queryset = scope_to_user(TierPin.objects.all(), user=user, enterprise_path="enterprise")
    if live is not None:
        queryset = queryset.filter(ended_at__isnull=live)
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    return queryset.select_related("enterprise__county", "created_by", "ended_by").order_by("-created_at", "-id")


def pin_get(*, user, pk: int) -> TierPin:
    try:
        return pin_list(user=user).get(pk=pk)
    except TierPin.DoesNotExist:
        raise Http404("No such pin") from None


# ---------------------------------------------------------------------------------------------------------------
# Warnings


def can_handle_warning(user, warning) -> bool:
    """Acknowledging and resolving warnings: the staff who pin (city admin and staff anywhere, county staff in their
    county); leaders read only."""
    return can_pin(user, warning.enterprise)


def warning_list(
    *,
    user,
    county: str | None = None,
    kinds: list[str] | None = None,
    severities: list[str] | None = None,
    states: list[str] | None = None,
) -> QuerySet[CultivationWarning]:
    """Warnings in scope, most severe and newest first; `states` empty or None means the live ones."""
    queryset = scope_to_user(CultivationWarning.objects.all(), user=user, enterprise_path="enterprise")
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    if severities:
        queryset = queryset.filter(severity__in=severities)
    queryset = queryset.filter(state__in=states or list(ACTIVE_WARNING_STATES))
    severity_order = Case(
        *[When(severity=value, then=rank) for rank, value in enumerate(WarningSeverity.values)],
        output_field=IntegerField(),
    )
    queryset = queryset.select_related("enterprise__county", "first_seen_run", "last_seen_run")
    return queryset.order_by(severity_order, "-opened_at", "-id")


def warning_get(*, user, pk: int) -> CultivationWarning:
    queryset = scope_to_user(CultivationWarning.objects.all(), user=user, enterprise_path="enterprise")
    try:
        return queryset.select_related("enterprise__county", "first_seen_run", "last_seen_run").get(pk=pk)
    except CultivationWarning.DoesNotExist:
        raise Http404("No such warning") from None


def open_warning_count(*, user) -> int:
    """Open (not yet acknowledged) warnings in the user's scope, for the home page: one query."""
    queryset = scope_to_user(CultivationWarning.objects.all(), user=user, enterprise_path="enterprise")
    return queryset.filter(state=WarningState.OPEN).count()
