"""The access log's reads. The log is the city administrator's alone (`audit.permissions`); it has no row scope."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from audit.models import AccessEvent
from audit.permissions import may_see_access_log


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def access_log(
    *,
    user,
    who: str = "",
    kind: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AccessEvent]:
    """The log, newest first, narrowed by who (part of a user name or name), kind and days (local, both
    included); 404 for anyone but the city administrator."""
    if not may_see_access_log(user):
        raise Http404("No such page")
    events = AccessEvent.objects.select_related("actor")
    if who := who.strip():
        events = events.filter(
            Q(actor__username__icontains=who) | Q(actor__first_name__icontains=who) | Q(actor__last_name__icontains=who)
        )
    if kind:
        events = events.filter(kind=kind)
    if since:
        events = events.filter(at__gte=_day_start(since))
    if until:
        events = events.filter(at__lt=_day_start(until + datetime.timedelta(days=1)))
    return events.order_by("-at", "-id")
