from django.db.models import Q, QuerySet
from django.http import Http404

from notifications.models import Notification
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
