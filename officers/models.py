"""Chief tech service officers (首席科技服务官): profiles, one-to-one assignments with their history, service logs,
and the demands firms raise (重大创新需求 / 绿色通道). Models hold data and constraints only; writes are in
`officers.services`, `officers.demands` and `officers.workflows`, reads in `officers.selectors`, who may do what in
`officers.permissions`."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import SingletonModel, TransitionEvent
from enterprises.models import HighTechField
from rulesets import OfficerRules, get_ruleset


class ServiceArea(models.TextChoices):
    """The service kinds an officer may be expert in, besides the eight high-tech fields."""

    POLICY = "policy", _("Policy")
    HIGH_TECH_APPLICATION = "high_tech_application", _("High-tech application")
    RD_ACCOUNTING = "rd_accounting", _("R&D accounting")
    IP = "ip", _("Intellectual property")
    FINANCE = "finance", _("Finance")


# An officer's fields of expertise: the eight high-tech fields and the service areas.
EXPERTISE_CHOICES = [*HighTechField.choices, *ServiceArea.choices]
EXPERTISE_VALUES = frozenset(value for value, _label in EXPERTISE_CHOICES)


class OfficerLevel(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class OfficerSettings(SingletonModel):
    """The city administrator's officer settings: one row (pk 1), overriding the rule set's officer rules; absent,
    those rules apply (`in_force`). The fields' defaults, what the administration's form starts from, are the same
    numbers (the rules' base values)."""

    default_max_load = models.PositiveSmallIntegerField(
        _("default maximum load"),
        default=OfficerRules.default_max_load,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("How many firms a new officer may serve at most, unless set on the officer."),
    )
    no_service_days = models.PositiveSmallIntegerField(
        _("days without service before a firm is overdue"),
        default=OfficerRules.no_service_days,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("An assigned firm with no service logged for this many days is overdue and raises a warning."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("officer settings")
        verbose_name_plural = _("officer settings")

    def __str__(self):
        return str(_("Officer settings"))

    @classmethod
    def in_force(cls, *, rules: OfficerRules | None = None) -> "OfficerSettings":
        """The saved row, or an unsaved one holding `rules` (default: the configured rule set's officer rules), in
        one query."""
        saved = cls.objects.filter(pk=cls.SINGLETON_PK).first()
        if saved is not None:
            return saved
        rules = rules or get_ruleset().officers
        return cls(pk=cls.SINGLETON_PK, default_max_load=rules.default_max_load, no_service_days=rules.no_service_days)


class OfficerProfile(models.Model):
    """An officer: a user with the officer role, a level, a county (county level), fields of expertise and a
    maximum load. `load` counts the firms actively assigned; services keep it in step with the assignments, and
    the database refuses a load above the maximum."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer_profile", verbose_name=_("user")
    )
    level = models.CharField(_("level"), max_length=10, choices=OfficerLevel.choices)
    county = models.ForeignKey(
        "enterprises.County", on_delete=models.PROTECT, null=True, blank=True, related_name="officers",
        verbose_name=_("county"),
    )  # fmt: skip
    # Values of EXPERTISE_CHOICES; read whole and matched in memory, so a list rather than a join table.
    expertise = models.JSONField(_("fields of expertise"), default=list, blank=True)
    max_load = models.PositiveSmallIntegerField(
        _("maximum load"),
        default=OfficerRules.default_max_load,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    load = models.PositiveSmallIntegerField(_("firms assigned"), default=0, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["county__code", "user__username"]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        constraints = [
            models.CheckConstraint(condition=Q(level__in=OfficerLevel.values), name="officer_level_known"),
            models.CheckConstraint(
                condition=~Q(level=OfficerLevel.COUNTY) | Q(county__isnull=False), name="officer_county_level_county"
            ),
            models.CheckConstraint(condition=Q(load__lte=F("max_load")), name="officer_load_within_max"),
            models.CheckConstraint(condition=Q(active=True) | Q(load=0), name="officer_inactive_has_no_firms"),
        ]

    def __str__(self):
        return str(self.user)

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.first_name or self.user.username

    @property
    def room(self) -> int:
        return max(0, self.max_load - self.load)

    @property
    def expertise_labels(self) -> list[str]:
        labels = dict(EXPERTISE_CHOICES)
        return [str(labels.get(value, value)) for value in self.expertise or []]


class AssignmentSource(models.TextChoices):
    AUTO = "auto", _("Auto-assign")
    MANUAL = "manual", _("Manual")
    DEACTIVATION = "deactivation", _("Re-assigned when the officer was deactivated")


class Assignment(models.Model):
    """One officer serving one firm from `started_at` until `ended_at` (open while active). Rows are never deleted:
    a firm's rows are its history (from, to, by whom, why)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="officer_assignments",
        verbose_name=_("enterprise"),
    )  # fmt: skip
    officer = models.ForeignKey(
        OfficerProfile, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("officer")
    )
    source = models.CharField(_("source"), max_length=15, choices=AssignmentSource.choices)
    reason = models.TextField(_("reason"), blank=True)
    started_at = models.DateTimeField(_("from"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
    run = models.ForeignKey(
        "officers.AssignmentRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments",
        verbose_name=_("auto-assign run"),
    )  # fmt: skip
    ended_at = models.DateTimeField(_("to"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("ended by"),
    )  # fmt: skip
    end_reason = models.TextField(_("end reason"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(ended_at__isnull=True), name="assignment_one_active_per_firm"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")), name="assignment_dates_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["officer", "ended_at"], name="assignment_officer_idx"),
            models.Index(fields=["enterprise", "-started_at"], name="assignment_firm_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} → {self.officer_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class AssignmentRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class AssignmentRun(models.Model):
    """One auto-assign action: who asked, with which options, and its report (what was covered, what not and why)."""

    Status = AssignmentRunStatus

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    include_key_list = models.BooleanField(_("include key-list firms"), default=False)
    # Set when the run re-assigns a deactivated officer's firms: only those firms, never to that officer.
    released_from = models.ForeignKey(
        OfficerProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("re-assigns the firms of"),
    )  # fmt: skip
    enterprise_ids = models.JSONField(_("firms to cover"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AssignmentRunStatus.choices, default=AssignmentRunStatus.QUEUED
    )
    targets = models.PositiveIntegerField(_("firms without an officer"), default=0)
    assigned = models.PositiveIntegerField(_("firms assigned"), default=0)
    uncovered = models.PositiveIntegerField(_("firms not covered"), default=0)
    # {"counties": [{county, name, targets, assigned, uncovered, reason}], "uncovered": [{…firm, reason}] (first N)}
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration_s = models.FloatField(_("duration (s)"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("auto-assign run")
        verbose_name_plural = _("auto-assign runs")

    def __str__(self):
        return f"{self.requested_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def coverage(self) -> float | None:
        return self.assigned / self.targets if self.targets else None


class ServiceKind(models.TextChoices):
    ON_SITE_VISIT = "on_site_visit", _("On-site visit")
    POLICY = "policy", _("Policy briefing")
    HIGH_TECH_APPLICATION = "high_tech_application", _("High-tech application")
    RD_ACCOUNTING = "rd_accounting", _("R&D accounting")
    IP = "ip", _("Intellectual property")
    FINANCE = "finance", _("Finance")
    TECHNOLOGY = "technology", _("Technology and results")
    OTHER = "other", _("Other")


class ServiceLog(models.Model):
    """One service an officer gave a firm."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="service_logs", verbose_name=_("enterprise")
    )
    officer = models.ForeignKey(
        OfficerProfile, on_delete=models.PROTECT, related_name="service_logs", verbose_name=_("officer")
    )
    served_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=25, choices=ServiceKind.choices)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    what_done = models.TextField(_("what was done"))
    problems = models.TextField(_("problems raised"), blank=True)
    follow_up = models.TextField(_("follow-up needed"), blank=True)
    follow_up_on = models.DateField(_("follow up by"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = _("service log")
        verbose_name_plural = _("service logs")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ServiceKind.values), name="service_log_kind_known"),
        ]
        indexes = [
            models.Index(fields=["enterprise", "-served_on"], name="service_log_firm_idx"),
            models.Index(fields=["officer", "-served_on"], name="service_log_officer_idx"),
            models.Index(fields=["served_on"], name="service_log_date_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.served_on} {self.kind}"


class DemandCategory(models.TextChoices):
    TECHNICAL = "technical", _("Technical problem")
    TALENT = "talent", _("Talent")
    FINANCE = "finance", _("Finance")
    POLICY = "policy", _("Policy")
    PLATFORM = "platform", _("R&D platform")


class DemandUrgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class DemandStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("demand status", "Submitted")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Owner assigned")
    VISIT_SCHEDULED = "visit_scheduled", _("On-site visit scheduled")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_DEMAND_STATUSES = (
    DemandStatus.SUBMITTED,
    DemandStatus.TRIAGED,
    DemandStatus.ASSIGNED,
    DemandStatus.VISIT_SCHEDULED,
)


class Demand(models.Model):
    """A firm's demand (重大创新需求), filed by the firm or its officer, followed through the green channel until
    closed with an outcome. Changed only by `officers.workflows.demand_transition`."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="demands", verbose_name=_("enterprise")
    )
    category = models.CharField(_("category"), max_length=15, choices=DemandCategory.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=DemandUrgency.choices, default="normal")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    # The high-tech field providers are matched by; blank: the firm's own field.
    field = models.CharField(_("field"), max_length=30, choices=HighTechField.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DemandStatus.choices, default=DemandStatus.SUBMITTED)
    green_channel = models.BooleanField(_("green channel"), default=False)
    source_log = models.ForeignKey(
        ServiceLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="demands",
        verbose_name=_("raised in service"),
    )  # fmt: skip
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="owned_demands",
        verbose_name=_("owner"),
    )  # fmt: skip
    visit_on = models.DateField(_("on-site visit on"), null=True, blank=True)
    visit_participants = models.JSONField(_("visit participants"), default=list, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=DemandStatus.values), name="demand_status_known"),
            models.CheckConstraint(condition=Q(category__in=DemandCategory.values), name="demand_category_known"),
            models.CheckConstraint(condition=Q(urgency__in=DemandUrgency.values), name="demand_urgency_known"),
            models.CheckConstraint(
                condition=~Q(status__in=["assigned", "visit_scheduled"]) | Q(owner__isnull=False),
                name="demand_assigned_has_owner",
            ),
            models.CheckConstraint(
                condition=~Q(status="visit_scheduled") | Q(visit_on__isnull=False), name="demand_visit_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "filed_at"], name="demand_status_idx"),
            models.Index(fields=["enterprise", "status"], name="demand_firm_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_DEMAND_STATUSES


class DemandEvent(TransitionEvent):
    """The audit of a demand: its filing and every transition (`officers.workflows`), never changed afterwards;
    `data` holds what the step set (urgency, owner, visit, outcome, a withdrawal's reason)."""

    subject_field = "demand"

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="events", verbose_name=_("demand"))
    from_state, to_state = TransitionEvent.state_fields(DemandStatus)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("demand event")
        verbose_name_plural = _("demand events")
