from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.credit_codes import DB_PATTERN


class ProviderKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    INSTITUTE = "institute", _("Research institute")
    TESTING_BODY = "testing_body", _("Testing body")
    OTHER = "other", _("Other service provider")


class ProviderStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class Provider(models.Model):
    """A university, research institute or testing body firms buy results or services from.

    Result-transfer voucher claims must name a registered provider; officers match firms' demands to providers
    by field.
    """

    Kind = ProviderKind
    Status = ProviderStatus

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ProviderKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=ProviderStatus.choices, default=ProviderStatus.ACTIVE)
    # Values of enterprises.models.HighTechField; a list rather than a join table because it is only ever
    # read whole and filtered in Python or with JSON containment.
    fields = models.JSONField(_("fields"), default=list, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        constraints = [
            models.CheckConstraint(condition=Q(credit_code__regex=DB_PATTERN), name="provider_credit_code_format"),
            models.CheckConstraint(condition=Q(kind__in=ProviderKind.values), name="provider_kind_known"),
            models.CheckConstraint(condition=Q(status__in=ProviderStatus.values), name="provider_status_known"),
        ]

    def __str__(self):
        return self.name
