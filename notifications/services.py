"""Writing notifications. Other apps call `notifications_create` (inside their own transaction, so that a
notification exists exactly when the change it tells of does)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.channels import email_address, phone_number
from notifications.models import ChannelPreference, Notification
from notifications.selectors import notification_list


@dataclass(frozen=True)
class NotificationDraft:
    text: str
    params: dict = field(default_factory=dict)
    link: str = ""
    user_id: int | None = None
    enterprise_id: int | None = None
    # A registered reminder kind (notifications.reminders): the notification also goes out by e-mail and SMS.
    kind: str = ""


def notifications_create(*, drafts: list[NotificationDraft]) -> list[Notification]:
    """Create many notifications in one statement."""
    rows = []
    for draft in drafts:
        if (draft.user_id is None) == (draft.enterprise_id is None):
            raise ValidationError(_("A notification goes to one user or to one enterprise."))
        rows.append(
            Notification(
                recipient_user_id=draft.user_id,
                recipient_enterprise_id=draft.enterprise_id,
                text=draft.text[:500],
                params=draft.params,
                link=draft.link,
                kind=draft.kind,
            )
        )
    created = Notification.objects.bulk_create(rows)
    reminders = [notification.pk for notification in created if notification.kind]
    if reminders:
        # The channels act once the notification (and the change it tells of) is committed, and a channel failing
        # is logged there (robust), never undoing or failing the change (notifications.deliveries).
        transaction.on_commit(lambda: _plan_deliveries(reminders), robust=True)
    return created


def _plan_deliveries(notification_ids: list[int]) -> None:
    from notifications.tasks import plan_deliveries

    plan_deliveries.delay(notification_ids)


def notify(*, text: str, params: dict | None = None, link: str = "", user=None, enterprise=None) -> Notification:
    draft = NotificationDraft(
        text=text,
        params=params or {},
        link=link,
        user_id=user.pk if user is not None else None,
        enterprise_id=enterprise.pk if enterprise is not None else None,
    )
    return notifications_create(drafts=[draft])[0]


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark `user`'s unread notifications read (those of `ids`, or all); returns how many changed."""
    queryset = notification_list(user=user).filter(read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())


def channel_preference_set(*, user, email: bool, sms: bool, actor) -> ChannelPreference:
    """The channels `user` receives reminders by besides the bell; a channel needs an address on the account."""
    if actor.pk != user.pk:
        raise ValidationError(_("Only you can choose how you receive reminders."))
    problems = []
    if email and not email_address(user):
        problems.append(_("Your account has no e-mail address: ask the portal administrator to add one first."))
    if sms and not phone_number(user):
        problems.append(_("Your account has no phone number: ask the portal administrator to add one first."))
    if problems:
        raise ValidationError(problems)
    preference, _created = ChannelPreference.objects.update_or_create(user=user, defaults={"email": email, "sms": sms})
    return preference
