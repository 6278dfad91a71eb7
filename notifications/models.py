from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message in the portal for one user, or for every user of one firm.

    `text` is an English message id (marked with gettext_noop where it is written) with %(name)s placeholders
    filled from `params`, so that each reader sees it in their own language; plain text works as well."""

    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications",
        verbose_name=_("recipient user"),
    )  # fmt: skip
    recipient_enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications",
        verbose_name=_("recipient enterprise"),
    )  # fmt: skip
    # The reminder kind (notifications.reminders) of a reminder, which also goes out by e-mail and SMS; "" for the
    # portal's other notifications, shown by the bell only.
    kind = models.CharField(_("kind"), max_length=40, blank=True, default="")
    text = models.CharField(_("text"), max_length=500)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient_user", "read_at"], name="notification_user_unread_idx"),
            models.Index(fields=["recipient_enterprise", "read_at"], name="notification_firm_unread_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_user__isnull=True, recipient_enterprise__isnull=False)
                | Q(recipient_user__isnull=False, recipient_enterprise__isnull=True),
                name="notification_one_recipient",
            ),
        ]

    def __str__(self):
        return self.message

    @property
    def message(self) -> str:
        text = gettext(self.text)
        if not self.params:
            return text
        try:
            return text % self.params
        except (KeyError, TypeError, ValueError):
            return text


class Channel(models.TextChoices):
    """The channels besides the bell (which every notification reaches): notifications.channels sends by them."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message (SMS)")


class ChannelPreference(models.Model):
    """The channels a user chose for reminders, besides the bell. No row: the bell only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_preference", verbose_name=_("user")
    )
    email = models.BooleanField(_("by e-mail"), default=False)
    sms = models.BooleanField(_("by text message"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user)

    def chose(self, channel: str) -> bool:
        return bool(getattr(self, channel, False))


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery status", "Waiting to be sent")
    RETRYING = "retrying", pgettext_lazy("delivery status", "Failed, will be tried again")
    SENT = "sent", pgettext_lazy("delivery status", "Sent")
    FAILED = "failed", pgettext_lazy("delivery status", "Failed")


class Delivery(models.Model):
    """One notification going out to one person by one channel. The address is read from the user when sent (so a
    corrected address counts); the log keeps it masked."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("user")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    address_masked = models.CharField(_("address"), max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "updated_at"], name="delivery_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["notification", "user", "channel"], name="delivery_once_per_channel"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.address_masked} ({self.get_status_display()})"


class DeliveryLog(models.Model):
    """Append-only: every try of a delivery, and what came of it."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log", verbose_name=_("delivery"))
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="delivery_log", verbose_name=_("notification")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address_masked = models.CharField(_("address"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices)
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    error = models.CharField(_("error"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("delivery log entry")
        verbose_name_plural = _("delivery log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_channel_display()} {self.get_status_display()}"


class ReminderSent(models.Model):
    """A reminder's occurrence, sent once: one row per kind, recipient and occurrence (a certificate and its end
    date, a year's registration window opening), backed by the constraints."""

    kind = models.CharField(_("kind"), max_length=40)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("enterprise"),
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("user"),
    )  # fmt: skip
    occurrence = models.CharField(_("occurrence"), max_length=100)
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("notification"),
    )  # fmt: skip
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True, enterprise__isnull=False)
                | Q(user__isnull=False, enterprise__isnull=True),
                name="reminder_one_recipient",
            ),
            models.UniqueConstraint(
                fields=["kind", "enterprise", "occurrence"], condition=Q(enterprise__isnull=False),
                name="reminder_once_per_firm",
            ),
            models.UniqueConstraint(
                fields=["kind", "user", "occurrence"], condition=Q(user__isnull=False), name="reminder_once_per_user"
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.kind} {self.occurrence}"
