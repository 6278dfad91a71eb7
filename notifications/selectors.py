from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from notifications.channels import email_address, phone_number
from notifications.models import ChannelPreference, Delivery, Notification
from notifications.permissions import reads_firm_notifications


def notification_list(*, user, unread: bool | None = None) -> QuerySet[Notification]:
    """The notifications addressed to `user`, or to the firm `user` belongs to."""
    if not (user and user.is_authenticated and user.is_active):
        return Notification.objects.none()
    addressed = Q(recipient_user=user)
    if reads_firm_notifications(user):
        addressed |= Q(recipient_enterprise_id=user.enterprise_id)
    queryset = Notification.objects.filter(addressed)
    if unread is not None:
        queryset = queryset.filter(read_at__isnull=unread)
    return queryset.order_by("-created_at", "-id")


def notification_get(*, user, pk: int) -> Notification:
    try:
        return notification_list(user=user).get(pk=pk)
    except Notification.DoesNotExist:
        raise Http404("No such notification") from None


def unread_count(*, user) -> int:
    return notification_list(user=user, unread=True).count()


@dataclass(frozen=True)
class ChannelSettings:
    email: bool
    sms: bool
    email_address: str
    phone: str


def channel_settings(*, user) -> ChannelSettings:
    """The channels `user` chose for reminders (none without a row) and the addresses they would go to."""
    preference = ChannelPreference.objects.filter(user=user).first()
    return ChannelSettings(
        email=bool(preference and preference.email),
        sms=bool(preference and preference.sms),
        email_address=email_address(user),
        phone=phone_number(user),
    )


def recent_deliveries(*, user, limit: int = 10) -> list[Delivery]:
    """The last reminders sent to `user` outside the portal, newest first."""
    return list(
        Delivery.objects.filter(user=user).select_related("notification").order_by("-created_at", "-id")[:limit]
    )
