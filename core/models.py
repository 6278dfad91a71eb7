"""Abstract base models every app shares: append-only audit rows, one-row settings, and the audit event of a
workflow step. Only abstract models live here: core owns no table."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyModel(models.Model):
    """An audit row: written once, never changed."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)


class SingletonModel(models.Model):
    """Settings kept in one row (pk 1): saving always writes that row; absent, the defaults apply."""

    SINGLETON_PK = 1

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def in_force(cls):
        """The saved row, or an unsaved one with the defaults (one query)."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls(pk=cls.SINGLETON_PK)


class AuditEvent(AppendOnlyModel):
    """Who did something to a row, and when: the part every audit table shares. Subclasses add what was done."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the portal itself took the step (a nightly run, an expiry, a public form)."),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class TransitionEvent(AuditEvent):
    """One step of a workflow: from which state to which, by whom, when, why (`note`) and with what (`data`).

    Every workflow's event table derives from this and names its subject (a foreign key) in `subject_field`; its
    `<thing>_transition` service writes one row per step in the transaction that takes the step. A subclass gives
    its states' labels by overriding the two state fields with `state_fields(TheStates)`."""

    from_state = models.CharField(_("from"), max_length=20, blank=True, help_text=_("Empty for the first step."))
    to_state = models.CharField(_("to"), max_length=20)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    subject_field: ClassVar[str]

    class Meta(AuditEvent.Meta):
        abstract = True

    def __str__(self):
        subject = getattr(self, f"{self.subject_field}_id", None)
        return f"{subject}: {self.from_state or '—'} → {self.to_state}"

    @staticmethod
    def state_fields(states: type[models.TextChoices]) -> tuple[models.CharField, models.CharField]:
        """The from and to fields with the labels of `states`, for a subclass to override the plain ones with."""
        return (
            models.CharField(_("from"), max_length=20, choices=states.choices, blank=True),
            models.CharField(_("to"), max_length=20, choices=states.choices),
        )
