"""The leaders' dashboards: the city's targets per year, and the aggregates every view reads.

The aggregates are derived rows, rewritten as a whole by `dashboards.services.refresh_dashboard` (nightly after the
scoring run, and after the changes that move a figure): a refresh, its points in time (now, the same day last year,
the ends of the previous years), per point and county the counts behind every headline figure, and for now the
panels' breakdowns and the firms behind each figure. Views read these few hundred rows, never the raw registry.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from scoring.models import Tier

MONEY = {"max_digits": 16, "decimal_places": 2}
RATIO = {
    "max_digits": 5,
    "decimal_places": 4,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(0), MaxValueValidator(1)],
}


TARGET_COUNT_FIELDS = ("innovative", "tech_sme", "high_tech", "gazelle", "srdi")
TARGET_RATIO_FIELDS = ("high_tech_share", "province_high_tech_share", "rd_coverage", "officer_coverage",
                       "campaign_pass_rate")  # fmt: skip


class DashboardTargets(models.Model):
    """The city's targets of one year, set by the city administrator. A year without a row uses the rule set's
    defaults (rulesets.CultivationTargets). Empty: no target for that figure."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    innovative = models.PositiveIntegerField(_("innovative enterprises"), null=True, blank=True)
    tech_sme = models.PositiveIntegerField(_("registered tech-based SMEs"), null=True, blank=True)
    high_tech = models.PositiveIntegerField(_("valid high-tech enterprises"), null=True, blank=True)
    gazelle = models.PositiveIntegerField(_("gazelle enterprises"), null=True, blank=True)
    srdi = models.PositiveIntegerField(_("specialised and innovative enterprises"), null=True, blank=True)
    high_tech_share = models.DecimalField(_("high-tech share of above-scale industrial firms"), **RATIO)
    province_high_tech_share = models.DecimalField(
        _("province average high-tech share"),
        **RATIO,
        help_text=_("The province's share of above-scale industrial firms that are high-tech, for comparison."),
    )
    rd_coverage = models.DecimalField(_("above-scale industrial firms with R&D activity"), **RATIO)
    officer_coverage = models.DecimalField(_("officer coverage of innovative enterprises"), **RATIO)
    campaign_pass_rate = models.DecimalField(_("high-tech campaign pass rate"), **RATIO)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("updated by"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    COUNT_FIELDS = TARGET_COUNT_FIELDS
    RATIO_FIELDS = TARGET_RATIO_FIELDS

    class Meta:
        ordering = ["-year"]
        verbose_name = _("dashboard targets")
        verbose_name_plural = _("dashboard targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0, f"{name}__lte": 1}),
                name=f"dashboard_targets_{name}_ratio",
            )
            for name in TARGET_RATIO_FIELDS
        ]

    def __str__(self):
        return str(_("Targets %(year)s") % {"year": self.year})


class RefreshTrigger(models.TextChoices):
    SCORING = "scoring", _("Scoring run published")
    DAILY = "daily", _("Morning refresh")
    CLAIM = "claim", _("Voucher claim decided")
    IMPORT = "import", _("Data imported")
    CAMPAIGN = "campaign", _("High-tech campaign outcome")
    ASSIGNMENT = "assignment", _("Officer assignments changed")
    PIN = "pin", _("Tier pin")
    TARGETS = "targets", _("Targets changed")
    MANUAL = "manual", pgettext_lazy("dashboard refresh trigger", "By hand")


class DashboardRefresh(models.Model):
    """One computation of every aggregate. Pages read the newest; the one before it is kept so that a page being
    read while a refresh lands still finds its rows."""

    computed_at = models.DateTimeField(_("computed at"), help_text=_("When the data were read."))
    as_of = models.DateField(_("as of"))
    trigger = models.CharField(_("trigger"), max_length=12, choices=RefreshTrigger.choices)
    ruleset_year = models.PositiveSmallIntegerField(_("rule-set version"))
    firms = models.PositiveIntegerField(_("firms"))
    duration_s = models.FloatField(_("duration (s)"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("dashboard refresh")
        verbose_name_plural = _("dashboard refreshes")

    def __str__(self):
        return f"{self.computed_at:%Y-%m-%d %H:%M} ({self.get_trigger_display()})"


class PointKind(models.TextChoices):
    CURRENT = "current", _("Now")
    YEAR_AGO = "year_ago", _("Same day last year")
    YEAR_END = "year_end", _("End of year")


class DashboardPoint(models.Model):
    """A moment the figures are computed for: now, the same day a year ago, or the end of an earlier year."""

    refresh = models.ForeignKey(DashboardRefresh, on_delete=models.CASCADE, related_name="points")
    kind = models.CharField(_("kind"), max_length=10, choices=PointKind.choices)
    as_of = models.DateField(_("as of"))
    # The year whose voucher claims and campaign count, and up to which each firm's latest figures are read.
    year = models.PositiveSmallIntegerField(_("year"))
    voucher_budget = models.DecimalField(_("city voucher budget"), **MONEY, null=True, blank=True)

    class Meta:
        ordering = ["refresh", "as_of", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["refresh", "kind", "as_of"], name="dashboard_point_unique"),
        ]

    def __str__(self):
        return f"{self.refresh_id} {self.kind} {self.as_of}"


class CountyFigures(models.Model):
    """The counts behind every headline figure, for one county at one point (shares are derived on reading, so
    that a city total is the sum of its counties)."""

    point = models.ForeignKey(DashboardPoint, on_delete=models.CASCADE, related_name="county_figures")
    county = models.ForeignKey("enterprises.County", on_delete=models.CASCADE, related_name="+")
    firms = models.PositiveIntegerField(default=0)
    innovative = models.PositiveIntegerField(default=0)
    tech_sme = models.PositiveIntegerField(default=0)
    high_tech = models.PositiveIntegerField(default=0)
    gazelle = models.PositiveIntegerField(default=0)
    srdi = models.PositiveIntegerField(default=0)
    above_scale = models.PositiveIntegerField(default=0)
    above_scale_high_tech = models.PositiveIntegerField(default=0)
    above_scale_rd = models.PositiveIntegerField(default=0)
    innovative_covered = models.PositiveIntegerField(default=0)
    vouchers_granted = models.DecimalField(**MONEY, default=0)
    vouchers_paid = models.DecimalField(**MONEY, default=0)
    vouchers_granted_claims = models.PositiveIntegerField(default=0)
    campaign_approved = models.PositiveIntegerField(default=0)
    campaign_decided = models.PositiveIntegerField(default=0)
    # Firms per tier: known for the current point only (placements are not kept as of a past day).
    tier_outside = models.PositiveIntegerField(null=True, blank=True)
    tier_t1 = models.PositiveIntegerField(null=True, blank=True)
    tier_t2 = models.PositiveIntegerField(null=True, blank=True)
    tier_t3 = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["point", "county"]
        constraints = [models.UniqueConstraint(fields=["point", "county"], name="dashboard_county_figures_unique")]

    def __str__(self):
        return f"{self.point_id} {self.county_id}"


class ScoreBin(models.Model):
    """Firms of a county and tier whose readiness (0–100) falls in [lower, lower + width), the last bin closed."""

    refresh = models.ForeignKey(DashboardRefresh, on_delete=models.CASCADE, related_name="score_bins")
    county = models.ForeignKey("enterprises.County", on_delete=models.CASCADE, related_name="+")
    tier = models.CharField(max_length=8, choices=Tier.choices)
    lower = models.PositiveSmallIntegerField()
    firms = models.PositiveIntegerField()

    class Meta:
        ordering = ["refresh", "county", "tier", "lower"]
        constraints = [
            models.UniqueConstraint(fields=["refresh", "county", "tier", "lower"], name="dashboard_score_bin_unique")
        ]

    def __str__(self):
        return f"{self.refresh_id} {self.county_id} {self.tier} {self.lower}: {self.firms}"


class MonthMovements(models.Model):
    """Tier moves up and down of a county's firms in one month (first placements are neither)."""

    refresh = models.ForeignKey(DashboardRefresh, on_delete=models.CASCADE, related_name="month_movements")
    county = models.ForeignKey("enterprises.County", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    up = models.PositiveIntegerField()
    down = models.PositiveIntegerField()

    class Meta:
        ordering = ["refresh", "month", "county"]
        constraints = [
            models.UniqueConstraint(fields=["refresh", "county", "month"], name="dashboard_month_movements_unique")
        ]

    def __str__(self):
        return f"{self.refresh_id} {self.county_id} {self.month:%Y-%m}: +{self.up} -{self.down}"


class VoucherSpend(models.Model):
    """This year's vouchers of a county by kind: granted (city approved, in notice or paid) and paid."""

    refresh = models.ForeignKey(DashboardRefresh, on_delete=models.CASCADE, related_name="voucher_spend")
    county = models.ForeignKey("enterprises.County", on_delete=models.CASCADE, related_name="+")
    kind_code = models.CharField(max_length=30)
    kind_name = models.CharField(max_length=100)
    granted_claims = models.PositiveIntegerField()
    granted = models.DecimalField(**MONEY)
    paid = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["refresh", "county", "kind_code"]
        constraints = [
            models.UniqueConstraint(fields=["refresh", "county", "kind_code"], name="dashboard_voucher_spend_unique")
        ]

    def __str__(self):
        return f"{self.refresh_id} {self.county_id} {self.kind_code}: {self.granted}"


class FirmFigure(models.Model):
    """Which current figures count one firm (dashboards.figures.FirmFlag bits), so that a figure's drill-down lists
    exactly the firms it counted. Only firms counted somewhere get a row.

    Derived rows written in bulk: no database constraints to the firm or county (PostgreSQL would check each of
    200,000 rows at commit, and lock every firm's row); deleting a firm or a refresh still removes them (Django's
    CASCADE)."""

    refresh = models.ForeignKey(
        DashboardRefresh, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    county = models.ForeignKey(
        "enterprises.County", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    flags = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["refresh", "county", "enterprise"], name="dashboard_firm_figure_idx")]

    def __str__(self):
        return f"{self.refresh_id} {self.enterprise_id}: {self.flags}"
