"""The yearly high-tech application campaign (高企申报): reads (scoped through accounts.scoping: an entry outside
the user's scope is not found, 404) and the writes that open a campaign and select its candidates. An entry's moves
are `cultivation.workflows.campaign_entry_transition`'s."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scope_to_user
from cultivation.models import Campaign, CampaignEntry, CampaignEvent, CampaignStage
from cultivation.permissions import can_open_campaign, can_pin, may_see_board
from enterprises.models import Enterprise
from scoring.models import Portrait, ScoringRun, Tier
from scoring.selectors import current_run

# Stages counted at each step of the funnel: an entry counts at every step it has reached.
FUNNEL_STEPS = (
    ("candidates", _("Candidates"), (CampaignStage.CANDIDATE, CampaignStage.PRE_REVIEWED, CampaignStage.SUBMITTED,
                                     CampaignStage.APPROVED, CampaignStage.FAILED)),
    ("pre_reviewed", _("Pre-reviewed"), (CampaignStage.PRE_REVIEWED, CampaignStage.SUBMITTED,
                                         CampaignStage.APPROVED, CampaignStage.FAILED)),
    ("submitted", _("Submitted"), (CampaignStage.SUBMITTED, CampaignStage.APPROVED, CampaignStage.FAILED)),
    ("approved", _("Approved"), (CampaignStage.APPROVED,)),
    ("failed", _("Not approved"), (CampaignStage.FAILED,)),
    ("withdrawn", _("Withdrawn"), (CampaignStage.WITHDRAWN,)),
)  # fmt: skip


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
                from_state="",
                to_state=CampaignStage.CANDIDATE,
                data={"override": entry.override, "tier": entry.tier_at_selection},
                actor=actor,
            )
            for entry in created
        )
    return created
