from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
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
