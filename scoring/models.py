from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rulesets import RULESETS


class Tier(models.TextChoices):
    OUTSIDE = "outside", _("Outside the pool")
    T1 = "t1", _("T1 Micro growth")
    T2 = "t2", _("T2 Small to high-tech")
    T3 = "t3", _("T3 High-tech to strong")


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")
    UNKNOWN = "", _("Unknown")


class ScoringSettings(models.Model):
    """The city administrator's choice of rule-set version (one row; absent: settings.SCORING_RULESET_YEAR)."""

    ruleset_year = models.PositiveSmallIntegerField(
        _("rule-set version"),
        help_text=_("The year whose official thresholds the nightly scoring applies."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("scoring settings")
        verbose_name_plural = _("scoring settings")

    def __str__(self):
        return str(_("Rule set %(year)s") % {"year": self.ruleset_year})

    def clean(self):
        if self.ruleset_year not in RULESETS:
            known = ", ".join(str(year) for year in sorted(RULESETS))
            raise ValidationError({"ruleset_year": _("Unknown rule-set version; known: %(known)s") % {"known": known}})


class ScoringRun(models.Model):
    """One computation of every firm's portrait. Readers only ever see published runs."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    run_date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    ruleset_year = models.PositiveSmallIntegerField(_("rule-set version"))
    forced = models.BooleanField(_("forced"), default=False)
    firms_total = models.PositiveIntegerField(_("firms"), default=0)
    firms_scored = models.PositiveIntegerField(_("firms scored"), default=0)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    tier_counts = models.JSONField(_("firms per tier"), default=dict, blank=True)
    # The names of the values in each of the run's Portrait.detail lists (scoring.rules' result columns).
    detail_keys = models.JSONField(_("detail keys"), default=list, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    # The last sign of life of the run's workers (a chunk started or finished, the run re-queued): a run whose
    # heartbeat is older than SCORING_RUN_STALL_AFTER_S has stopped making progress (scoring.services).
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    # How many times the sweep sent the run's unscored chunks again after it stopped making progress.
    requeues = models.PositiveSmallIntegerField(_("times re-queued"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration_s = models.FloatField(_("duration (s)"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        ordering = ["-run_date", "-started_at"]
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        constraints = [
            # One scheduled (unforced) run a day that is running or published; forced re-runs are extra, and a
            # failed run leaves its date free to be run again.
            models.UniqueConstraint(
                fields=["run_date"], condition=Q(forced=False) & ~Q(status="failed"), name="scoring_run_one_per_day"
            ),
        ]
        # The current run: the published one of the latest date, created last (never the one finished last).
        indexes = [models.Index(fields=["status", "-run_date", "-id"], name="scoring_run_current_idx")]

    def __str__(self):
        return f"{self.run_date} ({self.get_status_display()})"

    @property
    def progress(self) -> float:
        return self.chunks_done / self.chunks_total if self.chunks_total else 0.0

    @property
    def tier_count_labels(self) -> list[tuple[str, int]]:
        """(tier name, firms) in tier order, for pages."""
        return [(tier.label, self.tier_counts[tier.value]) for tier in Tier if tier.value in self.tier_counts]


class ScoringChunk(models.Model):
    """A range of firm ids scored by one task; its row makes the task idempotent and the progress countable."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("run"))
    number = models.PositiveIntegerField(_("number"))
    first_id = models.BigIntegerField(_("first firm id"))
    last_id = models.BigIntegerField(_("last firm id"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    firms = models.PositiveIntegerField(_("firms"), default=0)
    duration_s = models.FloatField(_("duration (s)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["run", "number"]
        verbose_name = _("scoring chunk")
        verbose_name_plural = _("scoring chunks")
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="scoring_chunk_unique_number")]

    def __str__(self):
        return f"{self.run_id}/{self.number}"


class Portrait(models.Model):
    """One firm's computed profile in one run. Columns for filtering and ranking; `detail` for the full breakdown
    (every score's parts, each condition's value / threshold / met, growth rates, gaps): a list of values named by
    the run's `detail_keys`, compact so that a night's 200,000 portraits write fast. Read it through
    `Portrait.details`."""

    # Foreign keys without their own single-column index: the composite indexes below cover every lookup, and
    # each index costs time on the nightly bulk write.
    run = models.ForeignKey(
        ScoringRun, on_delete=models.CASCADE, related_name="portraits", verbose_name=_("run"), db_index=False
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="portraits",
        verbose_name=_("enterprise"),
        db_index=False,
    )
    county = models.ForeignKey(
        "enterprises.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("county"), db_index=False
    )
    industry_division = models.CharField(_("industry division"), max_length=2, blank=True)
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices)
    readiness = models.FloatField(_("readiness"))
    sme_score = models.PositiveSmallIntegerField(_("tech-based SME score"))
    sme_eligible = models.BooleanField(_("SME-eligible"))
    sme_passes = models.BooleanField(_("passes the SME evaluation"))
    capability_estimate = models.FloatField(_("innovation-capability estimate"))
    capability_low = models.FloatField(_("capability, lowest"))
    capability_high = models.FloatField(_("capability, highest"))
    conditions_met = models.PositiveSmallIntegerField(_("high-tech conditions met"))
    innovative_sme_score = models.PositiveSmallIntegerField(_("innovative-SME score"))
    # 63号 附件1: the score with each part's minimum, or a direct route (scoring.rules.innovative_sme).
    innovative_sme_passes = models.BooleanField(_("passes the innovative-SME evaluation"), default=False)
    gazelle_candidate = models.BooleanField(_("gazelle candidate"))
    srdi_candidate = models.BooleanField(_("specialised-and-innovative candidate"))
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices, blank=True)
    above_scale = models.BooleanField(_("above designated size"))
    innovative = models.BooleanField(_("innovative enterprise"))
    revenue_growth = models.FloatField(_("revenue growth"), null=True, blank=True)
    # Tags as bits (scoring.rules.TAG_BITS): filtered within a run by a bitwise AND.
    tag_mask = models.BigIntegerField(_("tags"), default=0)
    detail = models.JSONField(_("detail"), default=list)

    class Meta:
        ordering = ["run", "enterprise"]
        verbose_name = _("portrait")
        verbose_name_plural = _("portraits")
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="portrait_one_per_firm_per_run"),
        ]
        indexes = [
            models.Index(fields=["run", "county", "tier", "-readiness"], name="portrait_run_county_tier_idx"),
            models.Index(fields=["run", "tier", "-readiness"], name="portrait_run_tier_idx"),
            models.Index(fields=["run", "sme_score"], name="portrait_run_sme_score_idx"),
            models.Index(fields=["enterprise", "run"], name="portrait_history_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} @ {self.run_id}"

    @property
    def details(self) -> dict:
        """`detail` as a mapping by name (needs `run`, usually select_related)."""
        return dict(zip(self.run.detail_keys, self.detail, strict=False))


class PortraitRank(models.Model):
    """A portrait's percentile ranks (0 lowest, 1 highest) by innovative-SME score within its county and its industry
    division, computed over the whole run when it is published. A narrow table of its own: inserting these rows is
    far cheaper than updating every wide portrait row."""

    portrait = models.OneToOneField(
        Portrait, on_delete=models.CASCADE, primary_key=True, related_name="rank", verbose_name=_("portrait")
    )
    in_county = models.FloatField(_("percentile in county"))
    in_industry = models.FloatField(_("percentile in industry"))

    class Meta:
        verbose_name = _("portrait rank")
        verbose_name_plural = _("portrait ranks")

    def __str__(self):
        return f"{self.portrait_id}: {self.in_county:.2f} / {self.in_industry:.2f}"
