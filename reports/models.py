"""The firm's yearly report (企业年报): the city's reporting window of a year, a firm's report of that year, its
values (each confirmed or corrected, with the reason and an attachment), and the report's steps."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TransitionEvent
from enterprises.models import INDICATOR_YEAR_MAX, INDICATOR_YEAR_MIN, SOURCE_FIELDS, Enterprise, SourceKind


class ReportWindow(models.Model):
    """When firms report a year's figures: opened by city staff, both days included."""

    year = models.PositiveSmallIntegerField(_("year reported"), unique=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("opened by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("reporting window")
        verbose_name_plural = _("reporting windows")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="report_window_ordered"),
            models.CheckConstraint(
                condition=Q(year__gte=INDICATOR_YEAR_MIN, year__lte=INDICATOR_YEAR_MAX), name="report_window_year"
            ),
        ]

    def __str__(self):
        return f"{self.year}"

    def is_open_on(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, waiting for the county")
    RETURNED = "returned", _("Returned for changes")
    CONFIRMED = "confirmed", _("Confirmed by the county")


class YearlyReport(models.Model):
    """One firm's report of one window's year."""

    window = models.ForeignKey(ReportWindow, on_delete=models.PROTECT, related_name="reports", verbose_name=_("window"))
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="yearly_reports", verbose_name=_("enterprise")
    )
    year = models.PositiveSmallIntegerField(_("year reported"))
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("confirmed by"),
    )  # fmt: skip
    # The county's comment of the last return, shown to the firm until it submits again.
    return_comment = models.TextField(_("comment of the return"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year", "enterprise_id"]
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="report_one_per_firm_and_year"),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="report_status_known"),
        ]
        indexes = [models.Index(fields=["year", "status"], name="report_year_status")]

    def __str__(self):
        return f"{self.enterprise} · {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def _attachment_path(value, file_name):
    return f"reports/{value.report.year}/{value.report_id}/{file_name}"


class ReportValue(models.Model):
    """One value of a report: what the portal held when the firm last saved (and its source), what the firm
    reports (the same value when it confirms it), why it differs, and the proof."""

    report = models.ForeignKey(YearlyReport, on_delete=models.CASCADE, related_name="values", verbose_name=_("report"))
    field = models.CharField(_("figure"), max_length=40)
    portal_value = models.DecimalField(_("portal value"), max_digits=16, decimal_places=2, null=True, blank=True)
    portal_date = models.DateField(_("portal date"), null=True, blank=True)
    portal_source = models.CharField(_("portal source"), max_length=20, choices=SourceKind.choices, blank=True)
    portal_as_of = models.DateField(_("portal source as of"), null=True, blank=True)
    # As the firm typed it (amounts in 万元), shown again in the form.
    entered = models.CharField(_("as entered"), max_length=60, blank=True)
    value = models.DecimalField(_("reported value"), max_digits=16, decimal_places=2, null=True, blank=True)
    value_date = models.DateField(_("reported date"), null=True, blank=True)
    corrected = models.BooleanField(_("corrected"), default=False)
    reason = models.TextField(_("reason of the correction"), blank=True)
    attachment = models.FileField(
        _("attachment"), storage=_private_storage, upload_to=_attachment_path, max_length=300, blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    attachment_type = models.CharField(_("content type"), max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)

    class Meta:
        ordering = ["report_id", "id"]
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        constraints = [
            models.UniqueConstraint(fields=["report", "field"], name="report_value_one_per_field"),
            models.CheckConstraint(condition=Q(field__in=SOURCE_FIELDS), name="report_value_field_known"),
        ]

    def __str__(self):
        return f"{self.report_id}: {self.field}"


class ReportEvent(TransitionEvent):
    """One step of a report (created, submitted, returned, confirmed): who, when, why. Never changed."""

    subject_field = "report"

    report = models.ForeignKey(YearlyReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("report"))
    from_state, to_state = TransitionEvent.state_fields(ReportStatus)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("report step")
        verbose_name_plural = _("report steps")
