"""Reads of three-tier cultivation. Every function reading firm data takes `user=` and scopes through
accounts.scoping: a firm, placement or pin outside the scope is not found (404)."""

import datetime

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import scope_to_user
from cultivation.models import PlanGap, PlanTask, PlanTaskStatus, TierMovement, TierPin, TierPlacement
from enterprises.models import Enterprise

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
# One plan per firm


def can_edit_plan(user, enterprise) -> bool:
    """Who adds and edits a firm's plan tasks: city admin and staff anywhere, county staff in their county.

    Hook for the officers issue: the firm's assigned officer will edit its plan too. Add the check here (and only
    here) once assignments exist; until then officers see no firm (accounts.scoping) and edit none."""
    return can_pin(user, enterprise)


def plan_enterprise_get(*, user, credit_code: str) -> Enterprise:
    """The firm whose plan is shown, in the user's scope (404 outside it): one query, no indicators."""
    queryset = scope_to_user(Enterprise.objects.all(), user=user).select_related("county")
    try:
        return queryset.get(credit_code=credit_code.upper())
    except Enterprise.DoesNotExist:
        raise Http404("No such enterprise") from None


def plan_gaps(*, user, enterprise) -> list[PlanGap]:
    """The firm's gaps, open ones first (oldest first), then the closed ones (latest closed first)."""
    queryset = scope_to_user(PlanGap.objects.filter(enterprise=enterprise), user=user, enterprise_path="enterprise")
    queryset = queryset.select_related("opened_run", "closed_run")
    return list(queryset.order_by(F("closed_on").desc(nulls_first=True), "opened_on", "key", "id"))


def plan_tasks(*, user, enterprise) -> list[PlanTask]:
    queryset = scope_to_user(PlanTask.objects.filter(enterprise=enterprise), user=user, enterprise_path="enterprise")
    return list(queryset.select_related("enterprise", "gap", "assignee", "created_by").order_by("due_on", "id"))


def plan_task_list(
    *, user, county: str | None = None, status: str | None = None, overdue: bool | None = None
) -> QuerySet[PlanTask]:
    """Tasks in scope; `overdue`: due before today and not done or dropped."""
    queryset = scope_to_user(PlanTask.objects.all(), user=user, enterprise_path="enterprise")
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    if status:
        queryset = queryset.filter(status=status)
    late = Q(due_on__lt=timezone.localdate()) & Q(status__in=[PlanTaskStatus.TODO, PlanTaskStatus.DOING])
    if overdue is True:
        queryset = queryset.filter(late)
    elif overdue is False:
        queryset = queryset.exclude(late)
    return queryset.select_related("enterprise__county", "assignee", "created_by").order_by("due_on", "id")


def plan_task_get(*, user, pk: int) -> PlanTask:
    try:
        return plan_task_list(user=user).get(pk=pk)
    except PlanTask.DoesNotExist:
        raise Http404("No such task") from None
