"""Three-tier cultivation: each firm's current tier, the history of its moves, and staff pins.

Placement is written in bulk by `cultivation.services.place_from_run` when a scoring run is published; pins by
`pin_create` / `pin_end`. Models hold data and constraints only.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import AuditEvent, SingletonModel, TransitionEvent
from cultivation.warning_registry import describe_warning, warning_kind_choices
from rulesets import get_ruleset
from scoring.models import Tier

# Rung order, for the direction of a move (up / down).
TIER_RANK = {Tier.OUTSIDE: 0, Tier.T1: 1, Tier.T2: 2, Tier.T3: 3}


class TierPlacement(models.Model):
    """A firm's tier now: the rules' tier from the latest placed run, or a live pin's tier."""

    # No database constraint: PostgreSQL checks a foreign key by locking the firm's row (FOR KEY SHARE), which for a
    # first placement of 200,000 firms dirtied every firm's page and took longer than the placement itself. Rows
    # come from portraits, whose firm is constrained; deleting a firm deletes its placement and movements through
    # Django's CASCADE, which does not need the constraint.
    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="placement",
        verbose_name=_("enterprise"),
        db_constraint=False,
    )
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices)
    # What the rules said at the last run; differs from `tier` only while a pin holds. Blank before any run.
    rules_tier = models.CharField(_("tier by the rules"), max_length=8, choices=Tier.choices, blank=True)
    # Neither indexed nor a database constraint: every placement names the same run or two, and PostgreSQL checks
    # a deferred foreign key row by row at commit, which cost seconds for a night's 200,000 placements. Deleting a
    # run still clears it (Django's SET_NULL); the run's own portraits are constrained.
    placed_by_run = models.ForeignKey(
        "scoring.ScoringRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("placed by run"),
        db_index=False,
        db_constraint=False,
    )
    since = models.DateField(_("in this tier since"))
    pinned = models.BooleanField(_("pinned"), default=False)
    # Copied from the placing run's portrait (the firm's county at that run), so that the tier board filters and
    # ranks one narrow table through its indexes instead of joining 200,000 portraits on every view.
    # No database constraint, like `placed_by_run`: a copy of the portrait's county, which is constrained.
    county = models.ForeignKey(
        "enterprises.County",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("county"),
        db_index=False,
        db_constraint=False,
    )
    industry_division = models.CharField(_("industry division"), max_length=2, blank=True)
    # Null until a run places the firm (a pin can place it before any run).
    readiness = models.FloatField(_("readiness"), null=True, blank=True)
    tag_mask = models.BigIntegerField(_("tags"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("tier placement")
        verbose_name_plural = _("tier placements")
        indexes = [
            # Each tier's list ranked by readiness, city-wide and per county (the board's pages and totals). The
            # lists hold scored firms only (readiness not null), so the default null order does not matter; SQLite
            # cannot index NULLS LAST.
            models.Index("tier", models.F("readiness").desc(), "enterprise", name="placement_tier_rank_idx"),
            models.Index(
                "county",
                "tier",
                models.F("readiness").desc(),
                "enterprise",
                name="placement_county_rank_idx",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id}: {self.tier}"


class MovementCause(models.TextChoices):
    FIRST_PLACEMENT = "first_placement", _("First placement")
    HIGH_TECH_GAINED = "high_tech_gained", _("High-tech certificate gained")
    HIGH_TECH_LOST = "high_tech_lost", _("High-tech certificate expired or withdrawn")
    TECH_SME_REGISTERED = "tech_sme_registered", _("Registered as a tech-based SME")
    SME_EVALUATION_PASSED = "sme_evaluation_passed", _("Passes the tech-based SME evaluation")
    OUTGREW_SME = "outgrew_sme", _("Too large for a tech-based SME: next rung is the certificate")
    TECH_SME_LOST = "tech_sme_lost", _("Tech-based SME registration lapsed and evaluation not passed")
    SIGNAL_APPEARED = "signal_appeared", _("Innovation signal appeared (R&D, IP, S&T staff or qualification)")
    SIGNAL_VANISHED = "signal_vanished", _("Innovation signal vanished")
    RULES = "rules", _("Rules")
    PINNED = "pinned", _("Pinned by staff")
    PIN_ENDED = "pin_ended", _("Pin ended by staff")
    PIN_EXPIRED = "pin_expired", _("Pin expired")
    CLOSED = "closed", _("Firm closed (licence revoked or deregistered)")
    MOVED_OUT = "moved_out", _("Firm moved out of the city")


class TierMovement(models.Model):
    """One change of a firm's tier, append-only. `from_tier` is blank for the first placement."""

    # No index of its own: movement_firm_date_idx starts with the firm. No database constraint either, like the
    # placement's (see TierPlacement.enterprise).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="tier_movements",
        verbose_name=_("enterprise"),
        db_index=False,
        db_constraint=False,
    )
    from_tier = models.CharField(_("from"), max_length=8, choices=Tier.choices, blank=True)
    to_tier = models.CharField(_("to"), max_length=8, choices=Tier.choices)
    # +1 up, -1 down, 0 first placement: stored so that "moves up this month" is a plain indexed filter.
    direction = models.SmallIntegerField(_("direction"))
    date = models.DateField(_("date"))
    # No database constraint (see TierPlacement.placed_by_run): one night writes up to 200,000 movements.
    run = models.ForeignKey(
        "scoring.ScoringRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run"),
        db_constraint=False,
    )
    cause = models.CharField(_("cause"), max_length=30, choices=MovementCause.choices)
    cause_text = models.TextField(_("cause, details"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("tier movement")
        verbose_name_plural = _("tier movements")
        indexes = [
            models.Index(fields=["enterprise", "-date"], name="movement_firm_date_idx"),
            models.Index(fields=["date", "direction"], name="movement_date_idx"),
            # This month's moves up and down on the board: only real moves, not the first placements.
            models.Index(fields=["date"], condition=~Q(direction=0), name="movement_move_date_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise_id}: {self.from_tier or '—'} → {self.to_tier} ({self.date})"

    @property
    def is_up(self) -> bool:
        return self.direction > 0


class TierPin(models.Model):
    """Staff holding a firm in a tier until `ends_on` (inclusive), whatever the rules say."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="tier_pins", verbose_name=_("enterprise")
    )
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices)
    reason = models.TextField(_("reason"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("pinned by")
    )
    created_at = models.DateTimeField(_("pinned at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.TextField(_("end reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tier pin")
        verbose_name_plural = _("tier pins")
        constraints = [
            # Placement reads "the" pin of a firm: two live ones would make its tier ambiguous.
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(ended_at__isnull=True), name="tier_pin_one_live_per_firm"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} → {self.tier} until {self.ends_on}"

    @property
    def is_live(self) -> bool:
        return self.ended_at is None


class PinEvent(AuditEvent):
    """The audit trail of pins: one row per pin, unpin or expiry, never changed afterwards. Not a workflow's step
    (a pin has no states to move between): an audit row with what was done (`action`) and the pin's terms then."""

    class Action(models.TextChoices):
        CREATED = "created", _("Pinned")
        ENDED = "ended", _("Unpinned")
        EXPIRED = "expired", _("Expired")

    pin = models.ForeignKey(TierPin, on_delete=models.CASCADE, related_name="events", verbose_name=_("pin"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices)
    ends_on = models.DateField(_("ends on"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta(AuditEvent.Meta):
        ordering = ["-at", "-id"]
        verbose_name = _("pin event")
        verbose_name_plural = _("pin events")

    def __str__(self):
        return f"{self.pin_id} {self.action} {self.at:%Y-%m-%d}"


class PlacementLog(models.Model):
    """One row per scoring run whose tiers were placed: makes placement idempotent per run and shows its cost."""

    run = models.OneToOneField(
        "scoring.ScoringRun", on_delete=models.CASCADE, related_name="placement_log", verbose_name=_("run")
    )
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    firms = models.PositiveIntegerField(_("firms placed"), default=0)
    movements = models.PositiveIntegerField(_("movements"), default=0)
    pins_expired = models.PositiveIntegerField(_("pins expired"), default=0)
    duration_s = models.FloatField(_("duration (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("placement log")
        verbose_name_plural = _("placement logs")

    def __str__(self):
        return str(self.run_id)


class PlacementTally(models.Model):
    """Firms per county and tier now: rewritten by every placement and pin, so that the board's counts are a few
    rows to add up instead of a count over every firm of the city at each view."""

    county = models.ForeignKey(
        "enterprises.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("county")
    )
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices)
    firms = models.PositiveIntegerField(_("firms"))
    # Firms a run has scored (a readiness to rank by): those the board's tier lists show without filters.
    listed = models.PositiveIntegerField(_("firms listed"))

    class Meta:
        verbose_name = _("placement tally")
        verbose_name_plural = _("placement tallies")
        constraints = [models.UniqueConstraint(fields=["county", "tier"], name="placement_tally_unique")]

    def __str__(self):
        return f"{self.county_id} {self.tier}: {self.firms}"


# ---------------------------------------------------------------------------------------------------------------
# One plan per firm (一企一策): the gaps of the firm's portraits, tracked across runs, and the tasks that close them.


class PlanGap(models.Model):
    """One gap of a firm (by its stable code, e.g. "ht_rd") from the run where it appeared until the run where it
    disappeared. Written by `cultivation.plans.plan_gaps_from_run` only; a gap that reappears later opens a new row."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="plan_gaps", verbose_name=_("enterprise")
    )
    key = models.CharField(_("gap code"), max_length=40)
    text = models.TextField(_("gap, as last seen"))
    opened_run = models.ForeignKey(
        "scoring.ScoringRun", on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by run")
    )
    opened_on = models.DateField(_("opened on"))
    closed_run = models.ForeignKey(
        "scoring.ScoringRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by run"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["enterprise", "opened_on", "key"]
        verbose_name = _("plan gap")
        verbose_name_plural = _("plan gaps")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "key"], condition=Q(closed_run__isnull=True), name="plan_gap_one_open_per_key"
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "closed_on"], name="plan_gap_firm_idx")]

    def __str__(self):
        return f"{self.enterprise_id}: {self.key}"

    @property
    def is_open(self) -> bool:
        return self.closed_run_id is None


class PlanTaskStatus(models.TextChoices):
    TODO = "todo", _("To do")
    DOING = "doing", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class PlanTask(models.Model):
    """A task of a firm's plan, optionally against one of its gaps."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="plan_tasks", verbose_name=_("enterprise")
    )
    gap = models.ForeignKey(
        PlanGap, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name=_("gap")
    )
    what = models.TextField(_("what"))
    who = models.CharField(_("who"), max_length=200, blank=True, help_text=_("A person or unit, in words."))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned user"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PlanTaskStatus.choices, default=PlanTaskStatus.TODO)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        indexes = [
            models.Index(fields=["enterprise", "status"], name="plan_task_firm_idx"),
            models.Index(fields=["status", "due_on"], name="plan_task_due_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise_id}: {self.what[:40]}"


class PlanTaskEvent(TransitionEvent):
    """The audit of a task: its creation and every status change (`cultivation.workflows.plan_task_transition`),
    never changed afterwards."""

    subject_field = "task"

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="events", verbose_name=_("task"))
    from_state, to_state = TransitionEvent.state_fields(PlanTaskStatus)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("plan task event")
        verbose_name_plural = _("plan task events")


def key_list_size_by_rule() -> int:
    """The key list's size when the city administrator has set none: the rule set's (rulesets.CultivationRules)."""
    return get_ruleset().cultivation.key_list_size


class CultivationSettings(SingletonModel):
    """The city administrator's cultivation settings: one row (pk 1); absent, the defaults apply."""

    key_list_size = models.PositiveSmallIntegerField(
        _("key cultivation list size"),
        default=key_list_size_by_rule,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("How many firms of each tier per county make the key cultivation list (重点培育)."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cultivation settings")
        verbose_name_plural = _("cultivation settings")

    def __str__(self):
        return str(_("Cultivation settings"))

    @classmethod
    def key_list_size_in_force(cls) -> int:
        """The saved size, else the rule set's (one query)."""
        size = cls.objects.filter(pk=cls.SINGLETON_PK).values_list("key_list_size", flat=True).first()
        return size if size is not None else key_list_size_by_rule()


class WarningSeverity(models.TextChoices):
    # With a context: "Medium" alone is already the size class (中型).
    HIGH = "high", pgettext_lazy("warning severity", "High")
    MEDIUM = "medium", pgettext_lazy("warning severity", "Medium")
    LOW = "low", pgettext_lazy("warning severity", "Low")


class WarningState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    AUTO_RESOLVED = "auto_resolved", _("Resolved automatically")


# States in which a warning is still "live": at most one such warning per firm and kind.
ACTIVE_WARNING_STATES = (WarningState.OPEN, WarningState.ACKNOWLEDGED)


class CultivationWarning(models.Model):
    """A condition found on a firm by a published run, followed until staff resolve it or it clears by itself.

    Written in bulk by `cultivation.warnings.warnings_from_run`; changed by staff only through
    `cultivation.workflows.warning_transition`."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="warnings", verbose_name=_("enterprise")
    )
    # The kinds are the registry's (cultivation.warning_registry): each app registers its rules, no migration.
    kind = models.CharField(_("kind"), max_length=30, choices=warning_kind_choices)
    severity = models.CharField(_("severity"), max_length=8, choices=WarningSeverity.choices)
    # The rule that fired, as a short code naming the rule-set value, e.g. "tags.certificate_expiring_days".
    rule = models.CharField(_("rule"), max_length=100)
    # {"value": …, "threshold": …, "previous": …} and, per kind, a few more details.
    values = models.JSONField(_("values"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=15, choices=WarningState.choices, default=WarningState.OPEN)
    first_seen_run = models.ForeignKey(
        "scoring.ScoringRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("first seen in run"),
    )  # fmt: skip
    last_seen_run = models.ForeignKey(
        "scoring.ScoringRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("last seen in run"),
    )  # fmt: skip
    opened_at = models.DateTimeField(_("opened at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("acknowledged by"),
    )  # fmt: skip
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("resolved by"),
    )  # fmt: skip
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    auto_resolved_at = models.DateTimeField(_("resolved automatically at"), null=True, blank=True)
    auto_resolved_run = models.ForeignKey(
        "scoring.ScoringRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("resolved automatically by run"),
    )  # fmt: skip

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("warning")
        verbose_name_plural = _("early warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind"],
                condition=Q(state__in=["open", "acknowledged"]),
                name="warning_one_active_per_firm_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "kind"], name="warning_state_kind_idx"),
            models.Index(fields=["enterprise", "kind"], name="warning_firm_kind_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.kind} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_WARNING_STATES

    @property
    def situation(self) -> str:
        """What the rule found, in plain words with units (its rule's `describe`), for pages."""
        return describe_warning(self.kind, self.values)


class WarningEvent(TransitionEvent):
    """The audit trail of warnings: one row per change of state (staff's `cultivation.workflows.warning_transition`,
    or a run finding the condition cleared, with no actor), never changed afterwards."""

    subject_field = "warning"

    warning = models.ForeignKey(
        CultivationWarning, on_delete=models.CASCADE, related_name="events", verbose_name=_("warning")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    from_state, to_state = TransitionEvent.state_fields(WarningState)
    run = models.ForeignKey(
        "scoring.ScoringRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("run"),
    )  # fmt: skip

    class Meta(TransitionEvent.Meta):
        ordering = ["-at", "-id"]
        verbose_name = _("warning event")
        verbose_name_plural = _("warning events")


# ---------------------------------------------------------------------------------------------------------------
# The yearly high-tech application campaign (高企申报): candidates, pre-review, submission, outcome.


class Campaign(models.Model):
    """One year's high-tech application campaign, opened by city staff."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("high-tech campaign")
        verbose_name_plural = _("high-tech campaigns")

    def __str__(self):
        return self.title


class CampaignStage(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    PRE_REVIEWED = "pre_reviewed", _("Pre-reviewed")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    FAILED = "failed", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PreReviewResult(models.TextChoices):
    PASS = "pass", _("Pass")
    CONCERNS = "concerns", _("Pass with concerns")
    FAIL = "fail", _("Fail")


class CampaignEntry(models.Model):
    """A firm in a year's campaign and how far it got."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entries", verbose_name=_("campaign"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="campaign_entries",
        verbose_name=_("enterprise"),
    )  # fmt: skip
    stage = models.CharField(_("stage"), max_length=15, choices=CampaignStage.choices, default=CampaignStage.CANDIDATE)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("selected by")
    )
    selected_at = models.DateTimeField(_("selected at"), auto_now_add=True)
    readiness_at_selection = models.FloatField(_("readiness at selection"), null=True, blank=True)
    tier_at_selection = models.CharField(_("tier at selection"), max_length=8, choices=Tier.choices, blank=True)
    override = models.BooleanField(
        _("selected outside T2"), default=False, help_text=_("Staff confirmed a firm not in T2 at selection.")
    )
    pre_review_result = models.CharField(
        _("pre-review result"), max_length=10, choices=PreReviewResult.choices, blank=True
    )
    pre_review_notes = models.TextField(_("pre-review notes"), blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    certificate_issued_on = models.DateField(_("certificate issued on"), null=True, blank=True)
    qualification = models.ForeignKey(
        "enterprises.Qualification", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("qualification created"),
    )  # fmt: skip
    failure_reason = models.TextField(_("failure reason"), blank=True)
    withdrawal_reason = models.TextField(_("withdrawal reason"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["campaign", "enterprise_id"]
        verbose_name = _("campaign entry")
        verbose_name_plural = _("campaign entries")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "enterprise"], name="campaign_entry_one_per_firm"),
        ]
        indexes = [models.Index(fields=["campaign", "stage"], name="campaign_entry_stage_idx")]

    def __str__(self):
        return f"{self.campaign_id}: {self.enterprise_id} ({self.stage})"


class CampaignEvent(TransitionEvent):
    """The audit of campaign entries: the selection and every stage change
    (`cultivation.workflows.campaign_entry_transition`), never changed afterwards."""

    subject_field = "entry"

    entry = models.ForeignKey(CampaignEntry, on_delete=models.CASCADE, related_name="events", verbose_name=_("entry"))
    from_state, to_state = TransitionEvent.state_fields(CampaignStage)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")
