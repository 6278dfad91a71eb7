"""The data-quality page's nightly snapshot: which figures each firm lacks, or holds only in an old observation, for
the rung its tier puts it up for (quality.snapshots computes it). Models hold data and constraints only."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class QualitySnapshot(models.Model):
    """One computation: as of which day, which year is the latest the rules read, and from which day on an
    observation counts as fresh."""

    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    as_of = models.DateField(_("as of"))
    latest_year = models.PositiveSmallIntegerField(_("latest year read"))
    fresh_since = models.DateField(_("fresh since"))
    fresh_months = models.PositiveSmallIntegerField(_("months an observation stays fresh"))
    firms = models.PositiveIntegerField(_("firms checked"), default=0)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("data-quality snapshot")
        verbose_name_plural = _("data-quality snapshots")

    def __str__(self):
        return f"{self.as_of} ({self.firms})"


class FirmCheck(models.Model):
    """One firm of a snapshot: the rung it is up for and, as bit masks of quality.snapshots.FIELD_BITS, the needed
    figures missing and those present only in observations older than the fresh period; whether it is in business
    but on no department's list; or (no rung) that it is closed or moved out but still holds a tier."""

    snapshot = models.ForeignKey(
        QualitySnapshot, on_delete=models.CASCADE, related_name="+", verbose_name=_("snapshot"), db_index=False
    )
    # No database constraints (a night's 200,000 rows are checked against firms row by row otherwise, as the tier
    # placements are not); deleting a firm deletes its rows through Django's CASCADE.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("enterprise"),
        db_constraint=False,
        db_index=False,
    )
    county = models.ForeignKey(
        "enterprises.County",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("county"),
        db_constraint=False,
        db_index=False,
    )
    rung = models.CharField(_("rung"), max_length=8, blank=True)
    missing_mask = models.BigIntegerField(_("figures missing"), default=0)
    stale_mask = models.BigIntegerField(_("figures out of date"), default=0)
    unmatched = models.BooleanField(_("on no department's list"), default=False)
    left_with_tier = models.BooleanField(_("closed or moved out, still in a tier"), default=False)

    class Meta:
        verbose_name = _("firm's data check")
        verbose_name_plural = _("firms' data checks")
        # A snapshot writes its rows in the order of the firms' names, so that a list pages by id: one county's
        # rung, the city's rung, and the two flags, each read in order and stopped at the page's end.
        indexes = [
            models.Index(fields=["snapshot", "county", "rung", "id"], name="firmcheck_county_idx"),
            models.Index(fields=["snapshot", "rung", "id"], name="firmcheck_rung_idx"),
            models.Index(fields=["snapshot", "id"], condition=Q(unmatched=True), name="firmcheck_unmatched_idx"),
            models.Index(fields=["snapshot", "id"], condition=Q(left_with_tier=True), name="firmcheck_left_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.rung}"


class CountyFigure(models.Model):
    """A snapshot's counts of one county's firms in business on no department's list, and of its firms closed or
    moved out still holding a tier."""

    snapshot = models.ForeignKey(
        QualitySnapshot, on_delete=models.CASCADE, related_name="county_figures", verbose_name=_("snapshot")
    )
    county = models.ForeignKey(
        "enterprises.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("county")
    )
    unmatched = models.PositiveIntegerField(_("on no department's list"), default=0)
    left_with_tier = models.PositiveIntegerField(_("closed or moved out, still in a tier"), default=0)

    class Meta:
        verbose_name = _("data-quality county figure")
        verbose_name_plural = _("data-quality county figures")
        constraints = [models.UniqueConstraint(fields=["snapshot", "county"], name="countyfigure_one_per_county")]

    def __str__(self):
        return f"{self.county_id}"


class RungFigure(models.Model):
    """A snapshot's counts for one county and rung: for one needed figure (`field`), the firms lacking it and those
    holding it only in old observations; for the rung as a whole (`field` empty), the firms lacking any, those with
    all present but some out of date, and those complete."""

    snapshot = models.ForeignKey(
        QualitySnapshot, on_delete=models.CASCADE, related_name="figures", verbose_name=_("snapshot")
    )
    county = models.ForeignKey(
        "enterprises.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("county")
    )
    rung = models.CharField(_("rung"), max_length=8)
    field = models.CharField(_("figure"), max_length=32, blank=True)
    firms = models.PositiveIntegerField(_("firms"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    stale = models.PositiveIntegerField(_("out of date"), default=0)
    complete = models.PositiveIntegerField(_("complete"), default=0)

    class Meta:
        verbose_name = _("data-quality figure")
        verbose_name_plural = _("data-quality figures")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "county", "rung", "field"], name="rungfigure_one_per_cell")
        ]

    def __str__(self):
        return f"{self.county_id} {self.rung} {self.field}"
