"""The patent register (专利台账): each firm's patents and other IP, with the value evaluation of each.

A row is one IP right in one firm's register. A firm that transfers a right out keeps the row, marked with the
date and the assignee (so its losses can be named); the new holder, if it is in the registry, has a row of its
own. At most one row per number is held at a time (a partial unique constraint).
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from enterprises.models import MONEY


class IpKind(models.TextChoices):
    INVENTION = "invention", _("Invention patent")
    UTILITY_MODEL = "utility_model", _("Utility model")
    DESIGN = "design", _("Design patent")
    SOFTWARE_COPYRIGHT = "software_copyright", _("Software copyright")
    PLANT_VARIETY = "plant_variety", _("Plant variety")
    NEW_DRUG = "new_drug", _("New drug")
    IC_LAYOUT = "ic_layout", _("IC layout design")
    OTHER = "other", _("Other IP")


# DESIGN §3.1: Class I and Class II IP as the evaluation rules count them; other IP (trademarks…) counts in neither.
CLASS1_KINDS = (IpKind.INVENTION, IpKind.PLANT_VARIETY, IpKind.NEW_DRUG, IpKind.IC_LAYOUT)
CLASS2_KINDS = (IpKind.UTILITY_MODEL, IpKind.DESIGN, IpKind.SOFTWARE_COPYRIGHT)
PATENT_KINDS = (IpKind.INVENTION, IpKind.UTILITY_MODEL, IpKind.DESIGN)


class LegalStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    LAPSED = "lapsed", _("Lapsed (fees not paid)")
    EXPIRED = "expired", _("Expired (end of term)")
    INVALIDATED = "invalidated", _("Invalidated")


class Award(models.TextChoices):
    NONE = "", _("None")
    CHINA_PATENT = "china_patent", _("China Patent Award")
    NATIONAL_ST = "national_st", _("National S&T award")


class Patent(models.Model):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="patents", verbose_name=_("enterprise")
    )
    number = models.CharField(_("number"), max_length=30)
    kind = models.CharField(_("kind"), max_length=20, choices=IpKind.choices)
    title = models.CharField(_("title"), max_length=200)
    filed_on = models.DateField(_("filed on"))
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    legal_status = models.CharField(_("legal status"), max_length=12, choices=LegalStatus.choices)
    # When a lapsed, expired or invalidated right stopped being valid.
    status_on = models.DateField(_("status since"), null=True, blank=True)
    claims = models.PositiveSmallIntegerField(_("claims"), default=0)
    ipc = models.CharField(_("IPC class"), max_length=20, blank=True)
    strategic_emerging = models.BooleanField(_("in a strategic emerging industry"), default=False)
    foreign_family_granted = models.PositiveSmallIntegerField(_("family members granted abroad"), default=0)
    pledged_amount = models.DecimalField(_("pledged financing (yuan)"), **MONEY)
    award = models.CharField(_("award"), max_length=15, choices=Award.choices, blank=True)
    acquired_on = models.DateField(_("transferred in on"), null=True, blank=True)
    acquired_from = models.CharField(_("transferred in from"), max_length=200, blank=True)
    transferred_out_on = models.DateField(_("transferred out on"), null=True, blank=True)
    transferred_to = models.CharField(_("transferred out to"), max_length=200, blank=True)
    licence_count = models.PositiveSmallIntegerField(_("licences granted"), default=0)
    licensed_on = models.DateField(_("latest licence on"), null=True, blank=True)
    licensee = models.CharField(_("latest licensee"), max_length=200, blank=True)
    # The evaluation (ip.evaluation), written set-based by ip.services.evaluate_patents.
    high_value = models.BooleanField(_("high-value"), default=False)
    high_value_reasons = models.PositiveSmallIntegerField(_("high-value conditions met (bits)"), default=0)
    value_score = models.FloatField(_("value score"), null=True, blank=True)
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["enterprise", "-filed_on", "number"]
        verbose_name = _("patent")
        verbose_name_plural = _("patent register")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "number"], name="patent_unique_per_firm"),
            models.UniqueConstraint(
                fields=["number"], condition=Q(transferred_out_on__isnull=True), name="patent_one_holder"
            ),
            models.CheckConstraint(
                condition=Q(granted_on__isnull=True) | Q(granted_on__gte=F("filed_on")),
                name="patent_granted_after_filed",
            ),
            models.CheckConstraint(condition=Q(pledged_amount__gte=0), name="patent_pledge_non_negative"),
        ]
        indexes = [
            models.Index(fields=["-value_score"], name="patent_value_idx"),
            models.Index(fields=["transferred_out_on"], name="patent_transferred_out_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_held(self) -> bool:
        return self.transferred_out_on is None


class PatentEvent(AuditEvent):
    """Each staff edit of a register row: who, when, and the fields it changed (old → new)."""

    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="events", verbose_name=_("patent"))
    action = models.CharField(_("action"), max_length=10)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("patent edit")
        verbose_name_plural = _("patent edits")

    def __str__(self):
        return f"{self.patent_id} {self.action} @ {self.at:%Y-%m-%d}"
