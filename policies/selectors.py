"""Reads of policies, matches, notices and events. Firm data is scoped through accounts.scoping; anything outside
a user's scope is not found (404)."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.permissions import is_active_user, is_enterprise_user
from accounts.scoping import scope_county_rows, scope_to_user
from cultivation.models import TierPlacement
from policies.models import (
    Event,
    EventRegistration,
    MatchStatus,
    Notice,
    NoticeRead,
    Policy,
    PolicyMatch,
)
from policies.permissions import may_edit_policies

# ---------------------------------------------------------------------------------------------------------------
# Policies and matches


def policy_list(*, user, kind: str | None = None, active_only: bool = False, fits: bool = False) -> QuerySet[Policy]:
    """The library: policies are public documents, readable by every signed-in user. `fits`, for a firm's user:
    only the policies its firm meets or nearly meets whose deadline has not passed (as `firm_matches`)."""
    if not is_active_user(user):
        return Policy.objects.none()
    queryset = Policy.objects.all()
    if not may_edit_policies(user):
        queryset = queryset.filter(active=True)
    if active_only:
        queryset = queryset.filter(active=True)
    if kind:
        queryset = queryset.filter(kind=kind)
    if is_enterprise_user(user):
        own = PolicyMatch.objects.filter(policy=OuterRef("pk"), enterprise_id=user.enterprise_id)
        queryset = queryset.annotate(
            my_status=Subquery(own.values("status")[:1]), my_match_id=Subquery(own.values("pk")[:1])
        )
        if fits:
            queryset = queryset.filter(Exists(own), active=True).exclude(applies_until__lt=timezone.localdate())
    return queryset.order_by("-active", "applies_until", "-published_on", "-pk")


def policy_get(*, user, pk: int) -> Policy:
    try:
        return policy_list(user=user).get(pk=pk)
    except Policy.DoesNotExist:
        raise Http404("No such policy") from None


def policy_match_list(
    *, user, policy: Policy | None = None, status: str | None = None, county: str | None = None
) -> QuerySet[PolicyMatch]:
    """Matches in the user's scope (staff: the firms of their scope; a firm: its own), meets first."""
    queryset = scope_to_user(PolicyMatch.objects.all(), user=user, enterprise_path="enterprise")
    if policy is not None:
        queryset = queryset.filter(policy=policy)
    if status:
        queryset = queryset.filter(status=status)
    if county:
        queryset = queryset.filter(county__code=county)
    return queryset.select_related("enterprise", "county", "policy").order_by("status", "enterprise__name", "pk")


def policy_match_counts(*, user, policy: Policy) -> dict[str, int]:
    """Firms meeting and nearly meeting the policy in the user's scope (one query)."""
    rows = (
        scope_to_user(PolicyMatch.objects.filter(policy=policy), user=user, enterprise_path="enterprise")
        .order_by()
        .values_list("status")
        .annotate(firms=Count("pk"))
    )
    counts = {status: 0 for status in MatchStatus.values}
    counts.update(dict(rows))
    return counts


def firm_matches(*, user, enterprise) -> list[PolicyMatch]:
    """The active policies a firm meets or nearly meets, open windows first by deadline (one query)."""
    today = timezone.localdate()
    queryset = scope_to_user(
        PolicyMatch.objects.filter(enterprise=enterprise, policy__active=True), user=user, enterprise_path="enterprise"
    ).exclude(policy__applies_until__lt=today)
    return list(queryset.select_related("policy").order_by("status", "policy__applies_until", "policy__pk"))


# ---------------------------------------------------------------------------------------------------------------
# Audiences: notices and events


def audience_q(enterprise) -> Q:
    """The notices or events addressed to `enterprise`: its county (or all), its tier now (or any), and the
    policies it is matched by (or none named). Subqueries, so the list stays one query."""
    tier_now = TierPlacement.objects.filter(enterprise_id=enterprise.pk).values("tier")
    matched = PolicyMatch.objects.filter(enterprise_id=enterprise.pk)
    return (
        (Q(county__isnull=True) | Q(county_id=enterprise.county_id))
        & (Q(tier="") | Q(tier__in=Subquery(tier_now)))
        & (
            Q(policy__isnull=True)
            | Q(policy__in=matched.filter(status=MatchStatus.MEETS).values("policy"))
            | Q(include_nearly=True, policy__in=matched.values("policy"))
        )
    )


def notice_list(*, user, unread: bool = False) -> QuerySet[Notice]:
    """A firm: the notices addressed to it, unread first (`unread`: only those). Staff: the notices of their scope
    (city-wide and their county's). Others: none."""
    if is_enterprise_user(user):
        read = NoticeRead.objects.filter(user=user, notice=OuterRef("pk"))
        queryset = Notice.objects.filter(audience_q(user.enterprise)).annotate(is_read=Exists(read))
        if unread:
            queryset = queryset.filter(is_read=False)
        return queryset.select_related("county", "policy").order_by("is_read", "-published_at", "-pk")
    return scope_county_rows(Notice.objects.all(), user=user).select_related("county", "policy", "author")


def notice_get(*, user, pk: int) -> Notice:
    try:
        return notice_list(user=user).get(pk=pk)
    except Notice.DoesNotExist:
        raise Http404("No such notice") from None


def event_list(*, user, upcoming: bool = False) -> QuerySet[Event]:
    """A firm: the events it is invited to, with its registration state. Staff: the events of their scope."""
    if is_enterprise_user(user):
        own = EventRegistration.objects.filter(event=OuterRef("pk"), enterprise_id=user.enterprise_id)
        queryset = Event.objects.filter(audience_q(user.enterprise)).annotate(
            my_state=Subquery(own.values("state")[:1])
        )
    else:
        queryset = scope_county_rows(Event.objects.all(), user=user)
    if upcoming:
        queryset = queryset.filter(starts_at__gte=timezone.now()).order_by("starts_at", "pk")
    return queryset.select_related("county", "policy")


def event_get(*, user, pk: int) -> Event:
    try:
        return event_list(user=user).get(pk=pk)
    except Event.DoesNotExist:
        raise Http404("No such event") from None


def event_registrations(*, user, event: Event) -> QuerySet[EventRegistration]:
    """Registrations of an event whose firms the user may see."""
    queryset = scope_to_user(event.registrations.all(), user=user, enterprise_path="enterprise")
    return queryset.select_related("enterprise", "enterprise__county").order_by("enterprise__name", "pk")


def registration_get(*, user, pk: int) -> EventRegistration:
    queryset = scope_to_user(EventRegistration.objects.all(), user=user, enterprise_path="enterprise")
    try:
        return queryset.select_related("event", "enterprise").get(pk=pk)
    except EventRegistration.DoesNotExist:
        raise Http404("No such registration") from None


def firm_event_history(*, user, enterprise, limit: int = 50) -> list[EventRegistration]:
    """The firm's registrations, newest event first (one query)."""
    queryset = scope_to_user(
        EventRegistration.objects.filter(enterprise=enterprise), user=user, enterprise_path="enterprise"
    )
    return list(queryset.select_related("event", "event__county").order_by("-event__starts_at", "-pk")[:limit])
