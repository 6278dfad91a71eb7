"""Queueing a dashboard refresh after a change that moves a figure. Kept apart from dashboards.services (which
reads every module's tables) so that the modules making those changes, and the nightly pipeline once a run is
published, can call it without importing the rest.

`schedule_refresh` queues one refresh when the caller's transaction commits; while one is queued and has not
started reading, further calls queue nothing (a bulk approval, an import and the nightly run in the same minute
make one refresh, not a refresh each). Once it starts reading, the next change queues another: nothing is missed.
"""

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

REFRESH_QUEUED_KEY = "dashboards:refresh-queued"


def schedule_refresh(*, trigger: str) -> None:
    """Queue a refresh once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: _enqueue(trigger))


def refresh_on_change(sender, *, change: str, **kwargs) -> None:
    """Receiver of `core.signals.figures_changed`: `change` is one of the refresh triggers."""
    from dashboards.models import RefreshTrigger

    schedule_refresh(trigger=RefreshTrigger(change))


def _enqueue(trigger: str) -> None:
    from dashboards import tasks

    if cache.add(REFRESH_QUEUED_KEY, trigger, timeout=settings.DASHBOARD_REFRESH_QUEUED_TIMEOUT_S):
        tasks.refresh.delay(trigger)
    elif current_app.conf.task_always_eager:
        # Inline there is no queue that could hold the refresh: a key another process left must not stop this one.
        tasks.refresh.delay(trigger)


def refresh_started() -> None:
    """A queued refresh began reading: changes committed from now on queue another one."""
    cache.delete(REFRESH_QUEUED_KEY)
