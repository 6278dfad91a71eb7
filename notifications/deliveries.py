"""Sending reminders by the channels each user chose, after the bell.

The in-portal notification is written first, in the transaction of the change it tells of; only once that commits
are its deliveries planned (`deliveries_plan`, task `notifications.plan_deliveries`) and sent one by one
(`delivery_send`, task `notifications.send_delivery`). A channel failing therefore never touches the notification:
the delivery is tried again (up to NOTIFICATION_SEND_MAX_ATTEMPTS, waiting longer each time), every try is written to
the append-only `DeliveryLog`, and the sweep (`deliveries_sweep`, beat) sends again what stayed waiting."""

import datetime
import logging
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from notifications.channels import ChannelError, ChannelRefused, channels, get_channel
from notifications.models import ChannelPreference, Delivery, DeliveryLog, DeliveryStatus, Notification
from notifications.permissions import reads_firm_notifications
from notifications.reminders import is_reminder

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    NOTHING = "nothing"


def deliveries_plan(*, notification_ids: list[int]) -> list[int]:
    """A waiting delivery for each reminder among `notification_ids`, each person it reaches (its user, or its
    firm's users) and each channel they chose and have an address for. Idempotent (one delivery per notification,
    person and channel); returns the ids of the deliveries not tried yet."""
    notifications = [
        n for n in Notification.objects.filter(pk__in=notification_ids).exclude(kind="") if is_reminder(n.kind)
    ]
    if not notifications:
        return []
    user_ids = {n.recipient_user_id for n in notifications if n.recipient_user_id}
    firm_ids = {n.recipient_enterprise_id for n in notifications if n.recipient_enterprise_id}
    preferences = list(
        ChannelPreference.objects.filter(user__is_active=True)
        .filter(user__in=User.objects.filter(pk__in=user_ids) | User.objects.filter(enterprise_id__in=firm_ids))
        .select_related("user", "user__enterprise")
    )
    by_user = {p.user_id: p for p in preferences}
    by_firm: dict[int, list[ChannelPreference]] = {}
    for preference in preferences:
        if preference.user.enterprise_id and reads_firm_notifications(preference.user):
            by_firm.setdefault(preference.user.enterprise_id, []).append(preference)
    rows = []
    for notification in notifications:
        if notification.recipient_user_id:
            reached = [by_user[notification.recipient_user_id]] if notification.recipient_user_id in by_user else []
        else:
            reached = by_firm.get(notification.recipient_enterprise_id, [])
        for preference in reached:
            for channel in channels():
                address = channel.address_of(preference.user)
                if preference.chose(channel.key) and address:
                    rows.append(
                        Delivery(
                            notification=notification, user=preference.user, channel=channel.key,
                            address_masked=channel.mask(address),
                        )
                    )  # fmt: skip
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        Delivery.objects.filter(notification_id__in=notification_ids, status=DeliveryStatus.PENDING, attempts=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failed try."""
    return min(settings.NOTIFICATION_RETRY_DELAY_S * 2 ** max(attempts - 1, 0), settings.NOTIFICATION_RETRY_MAX_DELAY_S)


def delivery_send(*, delivery_id: int) -> Outcome:
    """One try of a delivery. Does nothing for a delivery sent or given up (a task delivered twice sends once)."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("notification", "user", "user__enterprise")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
            return Outcome.NOTHING
        if delivery.status == DeliveryStatus.PENDING and delivery.attempts and not _stuck(delivery):
            return Outcome.NOTHING  # a try is under way (a task delivered twice); the sweep takes it if it was lost
        # Waiting again while this try is under way, until its result is written.
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts += 1
        delivery.save(update_fields=["status", "attempts", "updated_at"])
    channel = get_channel(delivery.channel)
    address = channel.address_of(delivery.user)
    preference = ChannelPreference.objects.filter(user_id=delivery.user_id).first()
    error = ""
    if not delivery.user.is_active or preference is None or not preference.chose(delivery.channel):
        outcome, error = Outcome.FAILED, "the person no longer receives reminders by this channel"
    elif not address:
        outcome, error = Outcome.FAILED, "the person has no address for this channel"
    else:
        try:
            channel.send(address=address, notification=delivery.notification)
            outcome = Outcome.SENT
        except ChannelRefused as refused:
            outcome, error = Outcome.FAILED, str(refused)
        except Exception as failure:  # ChannelError, or anything unforeseen: tried again
            if not isinstance(failure, ChannelError):
                logger.exception("Delivery %s by %s failed unexpectedly", delivery.pk, delivery.channel)
            error = str(failure) or failure.__class__.__name__
            outcome = Outcome.RETRY if delivery.attempts < settings.NOTIFICATION_SEND_MAX_ATTEMPTS else Outcome.FAILED
    status = {
        Outcome.SENT: DeliveryStatus.SENT, Outcome.RETRY: DeliveryStatus.RETRYING, Outcome.FAILED: DeliveryStatus.FAILED
    }[outcome]  # fmt: skip
    now = timezone.now()
    masked = channel.mask(address) if address else delivery.address_masked
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=status, error=error[:500], address_masked=masked, updated_at=now,
            sent_at=now if outcome == Outcome.SENT else None,
        )  # fmt: skip
        DeliveryLog.objects.create(
            delivery=delivery, notification_id=delivery.notification_id, channel=delivery.channel,
            address_masked=masked, status=status, attempt=delivery.attempts, error=error[:500],
        )  # fmt: skip
    return outcome


def _stuck(delivery: Delivery) -> bool:
    return delivery.updated_at < timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER_S)


def deliveries_sweep(*, now: datetime.datetime | None = None) -> list[int]:
    """The deliveries waiting (never tried, or to be tried again) for longer than NOTIFICATION_STUCK_AFTER_S since
    their last try: their task was lost (a worker stopped, the broker restarted). Returns their ids, to send again."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER_S)
    return list(
        Delivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING], updated_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
