"""The demo's history (`seed_history`, as `make run` adds it): a small demo city seeded, scored and served as `make run`
does, then given its past, which must agree with the registry and keep every module's invariants."""

import datetime
import io
import itertools
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db.models import Min, Sum
from django.utils import timezone

from accounts.models import Role, User
from cultivation.models import (
    TIER_RANK,
    Campaign,
    CampaignEntry,
    CampaignEvent,
    CampaignStage,
    MovementCause,
    PlacementLog,
    TierMovement,
    TierPlacement,
)
from cultivation.services import place_from_run
from cultivation.workflows import CAMPAIGN_TRANSITIONS
from dashboards.models import CountyFigures, PointKind
from dashboards.services import refresh_dashboard
from demo.common import launch_day, reviewer_usernames
from demo.history import seed_history
from demo.officers import assign_and_serve
from demo.vouchers import SHOWCASE_USERNAMES, check_invariants
from enterprises.models import Qualification, QualificationKind
from officers.models import Assignment, OfficerProfile, ServiceLog
from pipeline.nightly import start_run
from scoring.models import Tier
from scoring.selectors import current_run
from vouchers.models import ClaimEvent, ClaimStatus, VoucherClaim, VoucherPolicy, VoucherQuota

AS_OF = datetime.date(2026, 11, 26)
FIRMS = 600


def _make_run(capture, *, firms=FIRMS, seed=2026, reset=False):
    """`make run` up to the history: seed, score (placing every firm), assign officers."""
    call_command("seed_demo", firms=firms, seed=seed, as_of=AS_OF, reset=reset, stdout=io.StringIO())
    with capture(execute=True):
        start_run(on=AS_OF, force=reset)
    assign_and_serve(as_of=AS_OF, seed=seed)


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


@pytest.fixture
def demo_city(db, django_capture_on_commit_callbacks):
    _make_run(django_capture_on_commit_callbacks)
    before = {
        "assignments": set(Assignment.objects.values_list("enterprise_id", "officer_id")),
        "loads": dict(OfficerProfile.objects.values_list("pk", "load")),
        "placements": dict(TierPlacement.objects.values_list("enterprise_id", "tier")),
        "qualifications": Qualification.objects.count(),
        "showcase": sorted(
            VoucherClaim.objects.filter(created_by__username__in=SHOWCASE_USERNAMES).values_list("pk", "status")
        ),
    }
    summary = seed_history(as_of=AS_OF, seed=2026)
    assert summary, "no history added"
    return {"before": before, "summary": summary, "run": current_run()}


def test_each_firms_moves_lead_from_its_first_placement_to_its_tier_now(demo_city):
    placements = {p.enterprise_id: p for p in TierPlacement.objects.all()}
    assert {firm: p.tier for firm, p in placements.items()} == demo_city["before"]["placements"]
    moves = defaultdict(list)
    for move in TierMovement.objects.order_by("date", "id"):
        moves[move.enterprise_id].append(move)
    assert set(moves) == set(placements)
    launch = launch_day(AS_OF)
    for firm, history in moves.items():
        first, *later = history
        assert (first.from_tier, first.direction, first.cause) == ("", 0, MovementCause.FIRST_PLACEMENT)
        assert launch <= first.date <= AS_OF
        previous = first
        for move in later:
            assert move.from_tier == previous.to_tier != move.to_tier
            assert move.direction == (1 if TIER_RANK[move.to_tier] > TIER_RANK[move.from_tier] else -1)
            assert move.cause in MovementCause.values and move.cause != MovementCause.FIRST_PLACEMENT
            assert previous.date < move.date <= AS_OF
            previous = move
        assert previous.to_tier == placements[firm].tier
        assert previous.date == placements[firm].since
    # A certificate is a move into T3 on its issue day.
    issued = Qualification.objects.filter(kind=QualificationKind.HIGH_TECH, valid_from__gt=launch)
    gained = set(
        TierMovement.objects.filter(to_tier=Tier.T3, cause=MovementCause.HIGH_TECH_GAINED).values_list(
            "enterprise_id", "date"
        )
    )
    assert set(issued.values_list("enterprise_id", "valid_from")) <= gained
    # The last twelve months: moves in most months, more up than down.
    recent = TierMovement.objects.filter(date__gt=AS_OF - datetime.timedelta(days=365)).exclude(direction=0)
    months = Counter((move.date.year, move.date.month) for move in recent)
    assert len(months) >= 8
    assert recent.filter(direction=1).count() > recent.filter(direction=-1).count() > 0


def test_placing_again_writes_nothing_and_the_next_run_moves_from_the_placements(
    demo_city, django_capture_on_commit_callbacks
):
    run = demo_city["run"]
    movements = TierMovement.objects.count()
    assert place_from_run(run=run) == PlacementLog.objects.get(run=run)
    assert TierMovement.objects.count() == movements
    since = dict(TierPlacement.objects.values_list("enterprise_id", "since"))
    tiers = dict(TierPlacement.objects.values_list("enterprise_id", "tier"))

    next_day = AS_OF + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        start_run(on=next_day)
    changed = {firm for firm, tier in TierPlacement.objects.values_list("enterprise_id", "tier") if tiers[firm] != tier}
    assert set(TierMovement.objects.filter(date=next_day).values_list("enterprise_id", flat=True)) == changed
    for firm, day in TierPlacement.objects.values_list("enterprise_id", "since"):
        assert day == (next_day if firm in changed else since[firm])


def test_officers_served_over_time_with_the_same_assignments_now(demo_city):
    before = demo_city["before"]
    active = Assignment.objects.filter(ended_at__isnull=True)
    assert set(active.values_list("enterprise_id", "officer_id")) == before["assignments"]
    assert dict(OfficerProfile.objects.values_list("pk", "load")) == before["loads"]
    starts = {firm: _local_day(started) for firm, started in active.values_list("enterprise_id", "started_at")}
    first_logs = ServiceLog.objects.values("enterprise_id").annotate(first=Min("served_on"))
    assert all(starts[row["enterprise_id"]] <= row["first"] for row in first_logs)
    assert min(starts.values()) < AS_OF - datetime.timedelta(days=365) < max(starts.values()) < AS_OF
    ended = Assignment.objects.filter(ended_at__isnull=False)
    assert ended.exists() and not ended.filter(end_reason="").exists()
    for firm in ended.values_list("enterprise_id", flat=True).distinct():
        spans = list(Assignment.objects.filter(enterprise_id=firm).order_by("started_at").values_list(
            "started_at", "ended_at"))  # fmt: skip
        for (start, end), (next_start, _next_end) in itertools.pairwise(spans):
            assert start <= end <= next_start

    refresh = refresh_dashboard(now=timezone.make_aware(datetime.datetime.combine(AS_OF, datetime.time(20))))
    coverage = {}
    for kind in (PointKind.CURRENT, PointKind.YEAR_AGO):
        figures = CountyFigures.objects.filter(point__refresh=refresh, point__kind=kind)
        totals = figures.aggregate(covered=Sum("innovative_covered"), innovative=Sum("innovative"))
        coverage[kind] = totals["covered"] / totals["innovative"]
    assert coverage[PointKind.CURRENT] == 1
    assert 0.3 < coverage[PointKind.YEAR_AGO] < 0.95


def test_campaigns_follow_the_demo_certificates(demo_city):
    assert Qualification.objects.count() == demo_city["before"]["qualifications"]
    last_year = Campaign.objects.get(year=AS_OF.year - 1)
    issued = Qualification.objects.filter(kind=QualificationKind.HIGH_TECH, valid_from__year=last_year.year)
    approved = CampaignEntry.objects.filter(campaign=last_year, stage=CampaignStage.APPROVED).select_related(
        "qualification"
    )
    assert {entry.enterprise_id for entry in approved} == set(issued.values_list("enterprise_id", flat=True))
    for entry in approved:
        assert entry.qualification.kind == QualificationKind.HIGH_TECH
        assert entry.qualification.enterprise_id == entry.enterprise_id
        assert entry.certificate_number == entry.qualification.number
        assert entry.certificate_issued_on == entry.qualification.valid_from
        approval = entry.events.get(to_state=CampaignStage.APPROVED)
        assert _local_day(approval.at) == entry.certificate_issued_on
        assert approval.data["qualification"] == entry.qualification_id
    decided = approved.count() + last_year.entries.filter(stage=CampaignStage.FAILED).count()
    assert last_year.entries.filter(stage=CampaignStage.FAILED).exists()
    assert 0.75 <= approved.count() / decided <= 0.95

    for entry in CampaignEntry.objects.select_related("campaign").prefetch_related("events"):
        events = sorted(entry.events.all(), key=lambda event: (event.at, event.pk))
        assert [event.from_state for event in events] == ["", *[event.to_state for event in events[:-1]]]
        for event in events[1:]:
            assert event.to_state in CAMPAIGN_TRANSITIONS[CampaignStage(event.from_state)]
        assert events[-1].to_state == entry.stage
        assert entry.selected_at == events[0].at and entry.campaign.opened_at < events[0].at
        assert _local_day(events[-1].at) <= AS_OF
        if entry.stage in (CampaignStage.FAILED, CampaignStage.WITHDRAWN):
            failed_on = _local_day(events[-1].at)
            # No certificate when it failed (some got one at a later attempt).
            assert not Qualification.objects.filter(
                enterprise_id=entry.enterprise_id, kind=QualificationKind.HIGH_TECH, valid_from__lte=failed_on,
                valid_to__gte=failed_on,
            ).exists()  # fmt: skip
        assert entry.override == (entry.tier_at_selection != Tier.T2)
    this_year = Campaign.objects.get(year=AS_OF.year)
    assert set(this_year.entries.values_list("stage", flat=True)) <= set(CampaignStage.values)


def test_voucher_history_keeps_the_vouchers_invariants(demo_city):
    assert check_invariants() == []
    policy = VoucherPolicy.objects.get(year=AS_OF.year - 1)
    assert set(policy.kinds.values_list("code", flat=True)) == {"equipment", "result_transfer"}
    last_year = VoucherClaim.objects.filter(year=policy.year)
    statuses = Counter(last_year.values_list("status", flat=True))
    assert set(statuses) <= {ClaimStatus.PAID, ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN}
    assert statuses[ClaimStatus.PAID] >= 0.8 * sum(statuses.values())
    this_year = VoucherClaim.objects.filter(year=AS_OF.year)
    assert len(set(this_year.values_list("status", flat=True))) >= 3
    # The showcase claims are as the real services left them.
    before = demo_city["before"]["showcase"]
    assert (
        sorted(VoucherClaim.objects.filter(created_by__username__in=SHOWCASE_USERNAMES).values_list("pk", "status"))
        == before
    )
    for claim in VoucherClaim.objects.select_related("kind", "provider", "policy", "created_by"):
        year_start, year_end = datetime.date(claim.year, 1, 1), datetime.date(claim.year, 12, 31)
        assert claim.created_by.enterprise_id == claim.enterprise_id
        assert claim.contract_date is None or year_start <= claim.contract_date <= year_end
        if claim.kind.requires_provider and claim.provider_id:
            assert claim.provider.status == "active"
        if claim.pk in {pk for pk, _status in before}:
            continue
        # Eligible: a tech-based SME registration valid on some day of the year.
        assert Qualification.objects.filter(
            enterprise_id=claim.enterprise_id, kind=QualificationKind.TECH_SME, valid_from__lte=year_end,
            valid_to__gte=year_start,
        ).exists()  # fmt: skip
        first_submission = claim.events.filter(to_state=ClaimStatus.SUBMITTED).order_by("at").first()
        if first_submission:
            assert _local_day(first_submission.at) <= claim.policy.claims_close_on
        assert claim.created_at == claim.events.order_by("at").first().at
    # The accounts that made the history's claims: one per firm, without a password.
    makers = User.objects.filter(role=Role.ENTERPRISE).exclude(username__in=SHOWCASE_USERNAMES)
    assert makers.exists() and not any(user.has_usable_password() for user in makers)
    assert VoucherQuota.objects.filter(year=policy.year).exists()


def test_history_is_added_once_and_the_reset_clears_it(demo_city):
    counts = [model.objects.count() for model in (TierMovement, Assignment, CampaignEntry, ClaimEvent, User)]
    assert seed_history(as_of=AS_OF, seed=2026) == {}
    out = io.StringIO()
    call_command("seed_history", as_of=AS_OF, stdout=out)
    assert "no history added" in out.getvalue()
    assert [model.objects.count() for model in (TierMovement, Assignment, CampaignEntry, ClaimEvent, User)] == counts

    call_command("seed_demo", firms=50, seed=1, as_of=AS_OF, reset=True, stdout=io.StringIO())
    assert not Campaign.objects.exists() and not CampaignEvent.objects.exists()
    assert not VoucherPolicy.objects.filter(year__lt=AS_OF.year).exists()
    assert not User.objects.filter(username__in=reviewer_usernames()).exists()
    assert not TierMovement.objects.exists() and not Assignment.objects.exists()
    assert (
        VoucherClaim.objects.count() == VoucherClaim.objects.filter(created_by__username__in=SHOWCASE_USERNAMES).count()
    )


def _history_fingerprint() -> list:
    return [
        sorted(TierMovement.objects.values_list("enterprise__credit_code", "date", "from_tier", "to_tier", "cause")),
        sorted(Assignment.objects.values_list(
            "enterprise__credit_code", "officer__user__username", "started_at", "ended_at", "end_reason")),
        sorted(CampaignEvent.objects.values_list(
            "entry__campaign__year", "entry__enterprise__credit_code", "to_state", "at", "actor__username")),
        sorted(ClaimEvent.objects.exclude(claim__created_by__username__in=SHOWCASE_USERNAMES).values_list(
            "claim__enterprise__credit_code", "claim__year", "claim__subsidy_requested", "to_state", "at")),
    ]  # fmt: skip


def test_the_same_seed_gives_the_same_history(db, django_capture_on_commit_callbacks):
    _make_run(django_capture_on_commit_callbacks, firms=300)
    seed_history(as_of=AS_OF, seed=2026)
    first = _history_fingerprint()
    _make_run(django_capture_on_commit_callbacks, firms=300, reset=True)
    seed_history(as_of=AS_OF, seed=2026)
    assert _history_fingerprint() == first


def test_the_next_run_moves_out_the_firms_closed_since_the_first(demo_city, django_capture_on_commit_callbacks):
    from enterprises.models import LEFT_POOL_STATUSES

    closed = demo_city["summary"]["closed_since_run"]
    assert closed > 0
    left = set(
        TierPlacement.objects.filter(enterprise__registration_status__in=LEFT_POOL_STATUSES)
        .exclude(tier=Tier.OUTSIDE)
        .values_list("enterprise_id", flat=True)
    )
    assert len(left) == closed
    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(on=AS_OF + datetime.timedelta(days=1))
    moves = TierMovement.objects.filter(run=run, cause__in=[MovementCause.CLOSED, MovementCause.MOVED_OUT])
    assert set(moves.values_list("enterprise_id", flat=True)) == left
    assert set(moves.values_list("to_tier", flat=True)) == {Tier.OUTSIDE}
