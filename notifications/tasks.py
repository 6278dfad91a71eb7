"""Notification tasks: thin, named, taking ids, idempotent (notifications.deliveries, notifications.reminders)."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.deliveries import Outcome, deliveries_plan, deliveries_sweep, delivery_send, retry_delay
from notifications.models import Delivery
from notifications.reminders import reminders_run

# Hard and soft time limits of the sending tasks (the soft one first, so that a slow gateway ends as a failure).
LIMITS = {
    "time_limit": settings.NOTIFICATION_SEND_TIME_LIMIT_S,
    "soft_time_limit": settings.NOTIFICATION_SEND_TIME_LIMIT_S * 5 // 6,
}


@shared_task(name="notifications.plan_deliveries", **LIMITS)
def plan_deliveries(notification_ids: list[int]) -> int:
    """Plan the channel deliveries of committed reminders, then queue each."""
    ids = deliveries_plan(notification_ids=notification_ids)
    for delivery_id in ids:
        transaction.on_commit(lambda pk=delivery_id: send_delivery.delay(pk), robust=True)
    return len(ids)


@shared_task(bind=True, name="notifications.send_delivery", max_retries=None, **LIMITS)
def send_delivery(self, delivery_id: int) -> str:
    """One try of one delivery; a failure that may pass is tried again later (at most
    NOTIFICATION_SEND_MAX_ATTEMPTS tries in all, counted on the delivery)."""
    outcome = delivery_send(delivery_id=delivery_id)
    while outcome == Outcome.RETRY and self.request.is_eager:
        # Without a broker (the embedded default, the tests) the tries follow one another at once: an eager retry
        # would raise into the code that queued the task.
        outcome = delivery_send(delivery_id=delivery_id)
    if outcome == Outcome.RETRY:
        attempts = Delivery.objects.filter(pk=delivery_id).values_list("attempts", flat=True).first() or 1
        raise self.retry(countdown=retry_delay(attempts))
    return str(outcome)


@shared_task(name="notifications.send_reminders")
def send_reminders() -> dict:
    """Beat, every morning: the day's reminders of every registered kind, each sent once."""
    return reminders_run(on=timezone.localdate())


@shared_task(name="notifications.sweep_deliveries")
def sweep_deliveries() -> int:
    """Beat: send again the deliveries whose task was lost."""
    ids = deliveries_sweep()
    for delivery_id in ids:
        send_delivery.delay(delivery_id)
    return len(ids)
