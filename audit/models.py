from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.access import AccessKind
from core.models import AuditEvent


class AccessEvent(AuditEvent):
    """One export, download or look at a firm's contact details: who (`actor`), when (`at`), from which address,
    what, chosen by which filters, how many rows. Written once by `audit.services`; never changed or deleted
    (the model refuses a second save, and a database trigger refuses UPDATE and DELETE)."""

    class Kind(models.TextChoices):
        EXPORT = AccessKind.EXPORT.value, _("Export")
        DOWNLOAD = AccessKind.DOWNLOAD.value, _("Download")
        CONTACT_VIEW = AccessKind.CONTACT_VIEW.value, _("Contact details viewed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    what = models.CharField(pgettext_lazy("access log", "what"), max_length=200)
    subject = models.CharField(_("about"), max_length=300, blank=True)
    filters = models.JSONField(_("filters"), default=list, blank=True, help_text=_("Pairs of label and value."))
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_access_at_idx"),
            models.Index(fields=["kind", "-at"], name="audit_access_kind_at_idx"),
            models.Index(fields=["actor", "-at"], name="audit_access_actor_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.what}"

    @property
    def filters_text(self) -> str:
        """The filters in one line: "label: value; label: value"."""
        return "；".join(f"{label}：{value}" for label, value in self.filters)
