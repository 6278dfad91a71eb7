from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TransitionEvent
from scoring.models import Tier


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class PolicyKind(models.TextChoices):
    SUBSIDY = "subsidy", pgettext_lazy("policy kind", "Subsidy")
    TAX = "tax", _("Tax incentive")
    VOUCHER = "voucher", _("Voucher")
    QUALIFICATION = "qualification", _("Qualification reward")
    TALENT = "talent", _("Talent")
    FINANCE = "finance", _("Finance")


class Policy(models.Model):
    """A support policy in the library, with machine-readable conditions over the portrait
    (policies.conditions: a validated JSON list, never free text)."""

    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuing body"), max_length=100)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=15, choices=PolicyKind.choices)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    applies_from = models.DateField(_("application window opens"), null=True, blank=True)
    applies_until = models.DateField(_("application deadline"), null=True, blank=True)
    summary = models.TextField(_("summary"))
    full_text = models.TextField(_("full text"), blank=True)
    attachment = models.FileField(
        _("attachment"), storage=_private_storage, upload_to="policies/%Y/", blank=True, max_length=200
    )
    max_amount = models.DecimalField(_("maximum amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    amount_note = models.CharField(
        _("amount"),
        max_length=200,
        blank=True,
        # xgettext:no-python-format
        help_text=_("e.g. 175% deduction"),
    )
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True, help_text=_("Only active policies are matched."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # When its matches were last computed, and from which run.
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    matched_run = models.ForeignKey(
        "scoring.ScoringRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("matched with run"),
    )  # fmt: skip

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(applies_from__isnull=True)
                | Q(applies_until__isnull=True)
                | Q(applies_until__gte=F("applies_from")),
                name="policy_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gte=0), name="policy_amount_non_negative"
            ),
        ]

    def __str__(self):
        return self.title


class MatchStatus(models.TextChoices):
    MEETS = "meets", _("Meets")
    NEARLY = "nearly", _("Nearly meets")


class PolicyMatch(models.Model):
    """A firm that meets a policy, or fails exactly one attainable condition of it, in the latest matching.

    Written set-based by policies.matching (on PostgreSQL a binary COPY into an empty table, its indexes built
    afterwards; else only the differences from the previous matching: one statement each for inserts, updates and
    deletes), never row by row; `missing_index` points into the
    policy's conditions and `missing_actual` is the firm's value for it (yuan, fraction or count). The run matched
    is on the policy (`matched_run`), not on each row, so that an unchanged match is not rewritten every night."""

    # A derived table, rewritten from the registry by every matching while the policy rows are locked: no database
    # foreign keys, whose per-row checks (a FOR KEY SHARE lock on the policy and the firm for each of a million rows)
    # would cost more than the whole matching. Deleting a policy or a firm still cascades here through the ORM.
    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="matches", verbose_name=_("policy"), db_index=False,
        db_constraint=False,
    )  # fmt: skip
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="policy_matches",
        verbose_name=_("enterprise"), db_index=False, db_constraint=False,
    )  # fmt: skip
    # The firm's county at matching, for county lists without a join; scoping still goes through the firm.
    county = models.ForeignKey(
        "enterprises.County", on_delete=models.DO_NOTHING, related_name="+", verbose_name=_("county"),
        db_index=False, db_constraint=False,
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=6, choices=MatchStatus.choices)
    missing_index = models.PositiveSmallIntegerField(_("missing condition"), null=True, blank=True)
    missing_field = models.CharField(_("missing field"), max_length=40, blank=True)
    missing_actual = models.FloatField(_("value of the missing condition"), null=True, blank=True)

    class Meta:
        ordering = ["policy", "status", "enterprise"]
        verbose_name = _("policy match")
        verbose_name_plural = _("policy matches")
        constraints = [
            # Firm first: the same index serves a firm's own matches (home page, notices' audiences).
            models.UniqueConstraint(fields=["enterprise", "policy"], name="policy_match_one_per_firm"),
            models.CheckConstraint(
                condition=(Q(status="meets") & Q(missing_index__isnull=True))
                | (Q(status="nearly") & Q(missing_index__isnull=False)),
                name="policy_match_nearly_names_condition",
            ),
        ]
        # A policy's list by status and county; also serves deleting a policy's rows.
        indexes = [models.Index(fields=["policy", "status", "county"], name="policy_match_list_idx")]

    def __str__(self):
        return f"{self.policy_id}/{self.enterprise_id}: {self.status}"

    @property
    def missing_condition(self) -> dict | None:
        """The condition this firm fails, if the policy still has it at that position."""
        if self.missing_index is None:
            return None
        conditions = self.policy.conditions or []
        if self.missing_index < len(conditions) and conditions[self.missing_index].get("field") == self.missing_field:
            return conditions[self.missing_index]
        return None

    @property
    def gap_text(self) -> str:
        from policies.conditions import describe_gap

        if self.status != MatchStatus.NEARLY:
            return ""
        return describe_gap(self.missing_condition or {}, self.missing_actual)


class Audience(models.Model):
    """Who a notice or an event is for: firms in `county` (all counties if blank), in `tier` (any if blank), and
    matched by `policy` (meeting it; nearly too if `include_nearly`) — every set part must hold."""

    county = models.ForeignKey(
        "enterprises.County", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("county"), help_text=_("Blank: every county."),
    )  # fmt: skip
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices, blank=True, help_text=_("Blank: any tier."))
    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("policy"),
        help_text=_("Only firms matched by this policy."),
    )  # fmt: skip
    include_nearly = models.BooleanField(_("also firms that nearly meet the policy"), default=False)

    class Meta:
        abstract = True


class Notice(Audience):
    """通知公告: published by city staff (any audience) or county staff (their county's firms)."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["-published_at"], name="notice_published_idx")]

    def __str__(self):
        return self.title


class NoticeRead(models.Model):
    """A user has opened a notice (written once, by policies.services.notice_mark_read)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads", verbose_name=_("notice"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"), db_index=False
    )
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice read")
        verbose_name_plural = _("notices read")
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="notice_read_once")]

    def __str__(self):
        return f"{self.notice_id}/{self.user_id}"


class EventKind(models.TextChoices):
    BRIEFING = "briefing", _("Policy briefing")
    TRAINING = "training", _("Training course")
    EXCHANGE = "exchange", _("Technical exchange")


class Event(Audience):
    """政策宣讲, 培训班, 技术交流: invitations go to the audience's firms, which register online up to `capacity`.

    `seats_taken` counts registrations holding a seat (registered, attended, absent); it changes only with the
    event row locked, and the check constraint makes overbooking impossible even for a writer that forgot."""

    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity"))
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="event_not_overbooked"),
        ]

    def __str__(self):
        return self.title

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)


class RegistrationState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")


# States that hold a seat.
SEAT_STATES = frozenset({RegistrationState.REGISTERED, RegistrationState.ATTENDED, RegistrationState.ABSENT})
# The two parties of a registration (policies.workflows): the firm itself, or staff whose scope holds the firm.
ENTERPRISE, STAFF = "enterprise", "staff"


class EventRegistration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="event_registrations",
        verbose_name=_("enterprise"),
    )  # fmt: skip
    state = models.CharField(_("state"), max_length=10, choices=RegistrationState.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("registered by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["event", "enterprise"]
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "enterprise"], name="event_registration_once_per_firm"),
            models.CheckConstraint(condition=Q(state__in=RegistrationState.values), name="event_registration_state"),
        ]

    def __str__(self):
        return f"{self.event_id}/{self.enterprise_id}: {self.state}"


class RegistrationEvent(TransitionEvent):
    subject_field = "registration"

    registration = models.ForeignKey(
        EventRegistration, on_delete=models.CASCADE, related_name="history", verbose_name=_("registration")
    )
    from_state, to_state = TransitionEvent.state_fields(RegistrationState)

    class Meta(TransitionEvent.Meta):
        ordering = ["registration", "at", "pk"]
        verbose_name = _("registration event")
        verbose_name_plural = _("registration events")
