"""Reads of three-tier cultivation. Every function reading firm data takes `user=` and scopes through
accounts.scoping: a firm, placement or pin outside the scope is not found (404)."""

import datetime

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role
from accounts.scoping import scope_to_user
from cultivation.models import TierMovement, TierPin, TierPlacement

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
