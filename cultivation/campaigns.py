"""The yearly high-tech application campaign (高企申报): reads (scoped through accounts.scoping: an entry outside
the user's scope is not found, 404) and writes (one transition function, audited in the same transaction)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scoping import scope_to_user
from core.parsing import required_date, text
from core.signals import figures_changed
from cultivation.models import (
    CAMPAIGN_TRANSITIONS,
    Campaign,
    CampaignEntry,
    CampaignEvent,
    CampaignStage,
    PreReviewResult,
)
from cultivation.selectors import can_pin, may_see_board
from enterprises.models import Enterprise, Qualification, QualificationKind
from scoring.models import Portrait, ScoringRun, Tier
from scoring.selectors import current_run, ruleset_in_force

ROLES_OPENING_CAMPAIGNS = frozenset({Role.CITY_ADMIN, Role.CITY_STAFF})

# Stages counted at each step of the funnel: an entry counts at every step it has reached.
FUNNEL_STEPS = (
    ("candidates", _("Candidates"), (CampaignStage.CANDIDATE, CampaignStage.PRE_REVIEWED, CampaignStage.SUBMITTED,
                                     CampaignStage.APPROVED, CampaignStage.FAILED)),
    ("pre_reviewed", _("Pre-reviewed"), (CampaignStage.PRE_REVIEWED, CampaignStage.SUBMITTED,
                                         CampaignStage.APPROVED, CampaignStage.FAILED)),
    ("submitted", _("Submitted"), (CampaignStage.SUBMITTED, CampaignStage.APPROVED, CampaignStage.FAILED)),
    ("approved", _("Approved"), (CampaignStage.APPROVED,)),
    ("failed", _("Failed"), (CampaignStage.FAILED,)),
    ("withdrawn", _("Withdrawn"), (CampaignStage.WITHDRAWN,)),
)  # fmt: skip


def can_open_campaign(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.role in ROLES_OPENING_CAMPAIGNS


def can_act_on_entry(user, entry) -> bool:
    """Selecting and moving entries: city admin and staff anywhere, county staff in their county."""
    return can_pin(user, entry.enterprise)


def allowed_targets(stage: str) -> list[str]:
    return [target.value for target in CampaignStage if target in CAMPAIGN_TRANSITIONS[CampaignStage(stage)]]


# ---------------------------------------------------------------------------------------------------------------
# Reads


def campaign_list(*, user) -> QuerySet[Campaign]:
    """Campaigns (no firm data in them) for the users who see the board; nobody else."""
    if not may_see_board(user):
        return Campaign.objects.none()
    return Campaign.objects.select_related("opened_by").order_by("-year")


def campaign_get(*, user, year: int) -> Campaign:
    try:
        return campaign_list(user=user).get(year=year)
    except Campaign.DoesNotExist:
        raise Http404("No such campaign") from None


def entry_list(
    *, user, year: int | None = None, county: str | None = None, stage: str | None = None, campaign=None
) -> QuerySet[CampaignEntry]:
    queryset = scope_to_user(CampaignEntry.objects.all(), user=user, enterprise_path="enterprise")
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    if year:
        queryset = queryset.filter(campaign__year=year)
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    if stage:
        queryset = queryset.filter(stage=stage)
    return queryset.select_related("campaign", "enterprise__county", "selected_by").order_by(
        "enterprise__county__code", "enterprise_id"
    )


def entry_get(*, user, pk: int) -> CampaignEntry:
    try:
        return entry_list(user=user).get(pk=pk)
    except CampaignEntry.DoesNotExist:
        raise Http404("No such campaign entry") from None


@dataclass
class FunnelRow:
    county_code: str
    county_name: str
    counts: dict

    @property
    def pass_rate(self) -> float | None:
        """approved / (approved + failed), None before any outcome."""
        decided = self.counts["approved"] + self.counts["failed"]
        return self.counts["approved"] / decided if decided else None


def campaign_funnel(*, user, campaign, county: str | None = None) -> tuple[list[FunnelRow], FunnelRow]:
    """The funnel per county in scope and its total (one query)."""
    queryset = entry_list(user=user, campaign=campaign, county=county)
    aggregates = {key: Count("pk", filter=Q(stage__in=stages)) for key, _label, stages in FUNNEL_STEPS}
    rows = (
        queryset.order_by()
        .values("enterprise__county__code", "enterprise__county__name")
        .annotate(**aggregates)
        .order_by("enterprise__county__code")
    )
    result = [
        FunnelRow(
            county_code=row["enterprise__county__code"],
            county_name=row["enterprise__county__name"],
            counts={key: row[key] for key, _label, _stages in FUNNEL_STEPS},
        )
        for row in rows
    ]
    total = FunnelRow(
        county_code="",
        county_name=str(_("All counties")),
        counts={key: sum(row.counts[key] for row in result) for key, _label, _stages in FUNNEL_STEPS},
    )
    return result, total


def candidate_portraits(*, user, campaign, run: ScoringRun | None, county: str | None = None) -> QuerySet[Portrait]:
    """Firms in scope placed in T2 now and not yet in `campaign`, as `run`'s portraits, by readiness."""
    if run is None:
        return Portrait.objects.none()
    queryset = scope_to_user(Portrait.objects.filter(run=run), user=user, enterprise_path="enterprise")
    queryset = queryset.filter(enterprise__placement__tier=Tier.T2).exclude(
        enterprise__campaign_entries__campaign=campaign
    )
    if county:
        queryset = queryset.filter(enterprise__county__code=county)
    return (
        queryset.select_related("enterprise__county")
        .only("id", "readiness", "conditions_met", "capability_estimate", "enterprise__id", "enterprise__name",
              "enterprise__credit_code", "enterprise__county__id", "enterprise__county__code",
              "enterprise__county__name")
        .order_by("-readiness", "enterprise_id")
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# Writes


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def campaign_create(*, year: int, actor, title: str = "", notes: str = "") -> Campaign:
    if not can_open_campaign(actor):
        raise PermissionDenied
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    title = (title or "").strip() or str(_("High-tech application campaign %(year)s") % {"year": year})
    try:
        with transaction.atomic():
            return Campaign.objects.create(year=year, title=title, notes=(notes or "").strip(), opened_by=actor)
    except IntegrityError:
        raise ValidationError({"year": _("There is already a campaign for this year.")}) from None


def campaign_add_candidates(*, campaign, enterprises, actor, override: bool = False) -> list[CampaignEntry]:
    """Add `enterprises` (from a scoped selector) as candidates. Firms not in T2 now are refused unless `override`
    (recorded on the entry and its event); firms already in the campaign are skipped."""
    enterprises = list(enterprises)
    for enterprise in enterprises:
        if not can_pin(actor, enterprise):
            raise PermissionDenied
    ids = [enterprise.pk for enterprise in enterprises]
    tiers = dict(Enterprise.objects.filter(pk__in=ids, placement__isnull=False).values_list("pk", "placement__tier"))
    outside_t2 = [e for e in enterprises if tiers.get(e.pk) != Tier.T2]
    if outside_t2 and not override:
        names = ", ".join(e.name for e in outside_t2)
        raise ValidationError(
            _("Not in T2 now: %(names)s. Confirm the override to add them anyway.") % {"names": names}
        )
    run = current_run()
    readiness = {}
    if run is not None:
        readiness = dict(
            Portrait.objects.filter(run=run, enterprise_id__in=ids).values_list("enterprise_id", "readiness")
        )
    with transaction.atomic():
        existing = set(CampaignEntry.objects.filter(campaign=campaign, enterprise_id__in=ids).values_list(
            "enterprise_id", flat=True))  # fmt: skip
        fresh = list({e.pk: e for e in enterprises if e.pk not in existing}.values())
        created = CampaignEntry.objects.bulk_create(
            CampaignEntry(
                campaign=campaign,
                enterprise=enterprise,
                selected_by=actor,
                readiness_at_selection=readiness.get(enterprise.pk),
                tier_at_selection=tiers.get(enterprise.pk, ""),
                override=tiers.get(enterprise.pk) != Tier.T2,
            )
            for enterprise in fresh
        )
        CampaignEvent.objects.bulk_create(
            CampaignEvent(
                entry=entry,
                from_stage="",
                to_stage=CampaignStage.CANDIDATE,
                data={"override": entry.override, "tier": entry.tier_at_selection},
                actor=actor,
            )
            for entry in created
        )
    return created


def _apply(entry: CampaignEntry, to: str, data: dict) -> tuple[list[str], dict]:
    """Check and set the fields of the move to `to`; returns the fields changed and the event's data."""
    if to == CampaignStage.PRE_REVIEWED:
        result = text(data.get("result"))
        if result not in PreReviewResult.values:
            raise ValidationError({"result": _("Choose a pre-review result.")})
        entry.pre_review_result, entry.pre_review_notes = result, text(data.get("notes"))
        return ["pre_review_result", "pre_review_notes"], {"result": result, "notes": entry.pre_review_notes}
    if to == CampaignStage.SUBMITTED:
        entry.submitted_on = required_date(data.get("submitted_on"), field="submitted_on", label=_("Submission date"))
        return ["submitted_on"], {"submitted_on": entry.submitted_on.isoformat()}
    if to == CampaignStage.APPROVED:
        number = text(data.get("certificate_number"))
        if not number:
            raise ValidationError({"certificate_number": _("Give the certificate number.")})
        issued = required_date(data.get("issued_on"), field="issued_on", label=_("Issue date"))
        years = ruleset_in_force().high_tech.certificate_years
        try:
            with transaction.atomic():
                qualification = Qualification.objects.create(
                    enterprise_id=entry.enterprise_id,
                    kind=QualificationKind.HIGH_TECH,
                    number=number,
                    valid_from=issued,
                    valid_to=_add_years(issued, years) - datetime.timedelta(days=1),
                )
        except IntegrityError:
            raise ValidationError(_("This firm already has a high-tech certificate issued that day.")) from None
        entry.certificate_number, entry.certificate_issued_on, entry.qualification = number, issued, qualification
        fields = ["certificate_number", "certificate_issued_on", "qualification"]
        return fields, {"certificate_number": number, "issued_on": issued.isoformat(),
                        "valid_to": qualification.valid_to.isoformat(), "qualification": qualification.pk}  # fmt: skip
    if to in (CampaignStage.FAILED, CampaignStage.WITHDRAWN):
        reason = text(data.get("reason"))
        if not reason:
            raise ValidationError({"reason": _("Give a reason.")})
        field = "failure_reason" if to == CampaignStage.FAILED else "withdrawal_reason"
        setattr(entry, field, reason)
        return [field], {"reason": reason}
    return [], {}


def campaign_entry_transition(*, entry: CampaignEntry, to: str, actor, **data) -> CampaignEntry:
    """The one way an entry (from a scoped selector) changes stage, as CAMPAIGN_TRANSITIONS allows, with an
    append-only CampaignEvent in the same transaction; approval creates the high-tech qualification too."""
    if not can_act_on_entry(actor, entry):
        raise PermissionDenied
    if to not in CampaignStage.values:
        raise ValidationError({"to": _("Unknown stage.")})
    with transaction.atomic():
        locked = CampaignEntry.objects.select_for_update().get(pk=entry.pk)
        if to not in CAMPAIGN_TRANSITIONS[CampaignStage(locked.stage)]:
            raise ValidationError(
                _("An entry at stage “%(stage)s” cannot move to “%(to)s”.")
                % {"stage": CampaignStage(locked.stage).label, "to": CampaignStage(to).label}
            )
        fields, event_data = _apply(locked, to, data)
        from_stage, locked.stage = locked.stage, to
        locked.save(update_fields=[*fields, "stage", "updated_at"])
        CampaignEvent.objects.create(entry=locked, from_stage=from_stage, to_stage=to, data=event_data, actor=actor)
        if to in (CampaignStage.APPROVED, CampaignStage.FAILED):
            # The pass rate, and with an approval a new certificate, are dashboard figures.
            figures_changed.send(sender=CampaignEntry, change="campaign")
    for field in [*fields, "stage", "updated_at"]:
        setattr(entry, field, getattr(locked, field))
    return entry
