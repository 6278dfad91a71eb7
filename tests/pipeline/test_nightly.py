"""The night as one pipeline (pipeline/nightly.py): its steps, their order, and the publishing transaction."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cultivation.models import CultivationWarning, PlacementLog, PlanGap, TierMovement, TierPlacement
from cultivation.warning_rules import CERTIFICATE_EXPIRING
from dashboards.models import DashboardRefresh, RefreshTrigger
from pipeline import nightly
from policies.conditions import clean_conditions
from policies.models import Policy, PolicyMatch
from quality.models import QualitySnapshot
from scoring.models import PortraitRank, ScoringRun
from scoring.selectors import current_run
from tests import factories
from tests.ip.factories import PatentFactory
from tests.policies.factories import PolicyFactory
from tests.scoring.conftest import RUN_DAY, add_years

# The city fixture's two high-tech certificates end within the rule set's days of a run on this date: warnings.
WARNED_DAY = datetime.date(2027, 6, 30)
STEP_NAMES = [
    "place_from_run",
    "plan_gaps_from_run",
    "warnings_from_run",
    "match_from_run",
    "assignments_end_for_departed_firms",
    "refresh_dashboards",
    "quality_snapshot_from_run",
]


@pytest.fixture
def policy(db):
    """A policy of R&D ratio ≥ 3% and an invention patent: some of the city's firms meet it, some nearly do."""
    rules = [
        {"field": "rd_ratio", "op": "gte", "value": "0.03"},
        {"field": "invention_patents", "op": "gte", "value": 1},
    ]
    return PolicyFactory(conditions=clean_conditions(rules))


def recording(steps, seen):
    """The steps, each noting its name, the run's status as its transaction sees it and its ranks when called."""

    def wrap(step):
        def recorded(*, run):
            seen.append(
                (
                    step.__name__,
                    ScoringRun.objects.get(pk=run.pk).status,
                    PortraitRank.objects.filter(portrait__run=run).exists(),
                )
            )
            return step(run=run)

        return recorded

    return tuple(wrap(step) for step in steps)


def published_state() -> dict:
    """Everything a publication writes beside the run: what a failed one must leave as it was."""
    return {
        "placements": set(TierPlacement.objects.values_list("enterprise_id", "tier", "placed_by_run_id")),
        "movements": TierMovement.objects.count(),
        "placement_logs": set(PlacementLog.objects.values_list("run_id", flat=True)),
        "gaps": set(PlanGap.objects.values_list("pk", "opened_run_id", "closed_run_id", "text")),
        "warnings": set(CultivationWarning.objects.values_list("pk", "state", "last_seen_run_id")),
        "matches": set(PolicyMatch.objects.values_list("policy_id", "enterprise_id", "status")),
        "matched_runs": set(Policy.objects.values_list("pk", "matched_run_id")),
        "ranks": PortraitRank.objects.count(),
        "refreshes": DashboardRefresh.objects.count(),
    }


def test_the_publishing_steps_are_placement_plans_warnings_matching_officers_then_the_refresh():
    assert [step.__name__ for step in nightly.PUBLISHING_STEPS] == STEP_NAMES


def test_a_run_publishes_then_runs_each_step_in_order_in_its_transaction(
    city, policy, run_scoring, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    monkeypatch.setattr(nightly, "PUBLISHING_STEPS", recording(nightly.PUBLISHING_STEPS, seen))
    run = run_scoring(on=WARNED_DAY)
    # Every step saw the run ranked and published, in its own transaction (nobody else sees it before they end).
    assert seen == [(name, ScoringRun.Status.PUBLISHED, True) for name in STEP_NAMES]
    assert run.status == ScoringRun.Status.PUBLISHED
    assert PlacementLog.objects.filter(run=run).exists()
    assert CultivationWarning.objects.filter(kind=CERTIFICATE_EXPIRING.kind, last_seen_run=run).count() == 2
    assert Policy.objects.get(pk=policy.pk).matched_run == run
    assert PolicyMatch.objects.filter(policy=policy).exists()
    # The refresh and the data-quality snapshot were queued by the last steps and ran once the publication
    # committed, the snapshot reading the run's tiers.
    assert DashboardRefresh.objects.get().trigger == RefreshTrigger.SCORING
    snapshot = QualitySnapshot.objects.get()
    assert snapshot.as_of == WARNED_DAY
    assert snapshot.firms == TierPlacement.objects.count()


def test_a_failing_step_leaves_the_run_unpublished_and_nothing_of_it_written(
    city, policy, run_scoring, monkeypatch, django_capture_on_commit_callbacks
):
    yesterday = run_scoring(on=WARNED_DAY - datetime.timedelta(days=1))
    before = published_state()
    assert before["placement_logs"] == {yesterday.pk} and before["warnings"] and before["matches"]

    def matching_down(*, run):
        raise RuntimeError("matching down")

    intact = nightly.PUBLISHING_STEPS
    broken = tuple(matching_down if step.__name__ == "match_from_run" else step for step in intact)
    monkeypatch.setattr(nightly, "PUBLISHING_STEPS", broken)
    with pytest.raises(RuntimeError, match="matching down"):
        run_scoring(on=WARNED_DAY)
    today = ScoringRun.objects.get(run_date=WARNED_DAY)
    # Placement, plans and warnings ran before matching failed: all of it rolled back with the publication.
    assert today.status == ScoringRun.Status.RUNNING
    assert current_run() == yesterday
    assert published_state() == before

    # The publish task delivered again, matching back: published once, with every step.
    monkeypatch.setattr(nightly, "PUBLISHING_STEPS", intact)
    with django_capture_on_commit_callbacks(execute=True):
        assert nightly.publish(run_id=today.pk).status == ScoringRun.Status.PUBLISHED
    assert current_run() == today
    assert PlacementLog.objects.filter(run=today).exists()
    assert Policy.objects.get(pk=policy.pk).matched_run == today
    assert DashboardRefresh.objects.count() == before["refreshes"] + 1
    with django_capture_on_commit_callbacks(execute=True):
        assert nightly.publish(run_id=today.pk).status == ScoringRun.Status.PUBLISHED
    assert DashboardRefresh.objects.count() == before["refreshes"] + 1  # a second delivery does nothing


def test_the_night_evaluates_patents_as_of_the_day_before_it_starts_the_run(
    city, monkeypatch, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    filed = today - datetime.timedelta(days=11 * 366)  # maintained over ten years as of today: high-value
    patent = PatentFactory(enterprise=city["home"][1], filed_on=filed, granted_on=filed + datetime.timedelta(days=700))
    order = []
    evaluate, create = nightly.evaluate_patents, nightly.create_run
    monkeypatch.setattr(nightly, "evaluate_patents", lambda **kw: order.append("evaluate") or evaluate(**kw))
    monkeypatch.setattr(nightly, "create_run", lambda **kw: order.append("create") or create(**kw))
    with django_capture_on_commit_callbacks(execute=True):
        run = nightly.run_night()
    assert order == ["evaluate", "create"]
    patent.refresh_from_db()
    assert patent.high_value and patent.evaluated_on == today
    run.refresh_from_db()
    assert run.run_date == today and run.status == ScoringRun.Status.PUBLISHED


def test_a_failed_evaluation_is_logged_and_the_run_goes_on(
    city, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def evaluation_down(**kwargs):
        raise RuntimeError("evaluation down")

    monkeypatch.setattr(nightly, "evaluate_patents", evaluation_down)
    with django_capture_on_commit_callbacks(execute=True):
        run = nightly.run_night(on=RUN_DAY)
    run.refresh_from_db()
    assert run.status == ScoringRun.Status.PUBLISHED
    assert "Re-evaluating the patents as of 2026-06-30 failed" in caplog.text
    assert "evaluation down" in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_recompute_command_runs_inline_once_per_date(transactional_db, capsys):
    # Committed transactions, as in real use, so that the run's on-commit dispatch happens.
    for enterprise in factories.EnterpriseFactory.create_batch(9):
        add_years(enterprise)
    call_command("recompute_portraits", date=RUN_DAY)
    assert "published: 9 portraits" in capsys.readouterr().out
    call_command("recompute_portraits", date=RUN_DAY)
    assert "nothing done" in capsys.readouterr().out
    call_command("recompute_portraits", date=RUN_DAY, force=True)
    assert ScoringRun.objects.filter(status=ScoringRun.Status.PUBLISHED).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_run_now_returns_the_run_finished_when_tasks_run_inline(transactional_db):
    for enterprise in factories.EnterpriseFactory.create_batch(3):
        add_years(enterprise)
    run = nightly.run_now(on=RUN_DAY, chunk_size=2)
    assert (run.status, run.chunks_done, run.firms_scored) == (ScoringRun.Status.PUBLISHED, 2, 3)
    assert PlacementLog.objects.filter(run=run).exists()
    assert nightly.run_now(on=RUN_DAY) is None


def test_nightly_task_starts_todays_run_once(city):
    from pipeline.tasks import nightly_run

    first = nightly_run.apply().get()
    assert first is not None
    assert nightly_run.apply().get() is None
    assert ScoringRun.objects.get().run_date == timezone.localdate()


def test_beat_schedule_runs_at_the_configured_time(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["pipeline-nightly-run"]
    hour, minute = (int(part) for part in settings.SCORING_NIGHTLY_AT.split(":"))
    assert entry["task"] == "pipeline.nightly_run"
    assert entry["schedule"].hour == {hour}
    assert entry["schedule"].minute == {minute}
    # The patents' re-evaluation is the night's first step, not an entry of its own.
    assert "ip.evaluate_all" not in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def test_the_night_reconciles_the_sources_before_anything_reads_them(
    city, monkeypatch, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from enterprises.models import AnnualIndicator, SourceKind
    from enterprises.provenance import source_values_record

    firm = city["home"][1]
    row = AnnualIndicator.objects.filter(enterprise=firm).order_by("-year").first()
    source_values_record(
        enterprise=firm,
        year=row.year,
        values={"revenue": row.revenue + Decimal("1000000")},
        source_kind=SourceKind.DEPARTMENT,
        actor=None,
    )
    order = []
    reconcile, evaluate = nightly.reconcile, nightly.evaluate_patents
    monkeypatch.setattr(nightly, "reconcile", lambda **kw: order.append("reconcile") or reconcile(**kw))
    monkeypatch.setattr(nightly, "evaluate_patents", lambda **kw: order.append("evaluate") or evaluate(**kw))
    with django_capture_on_commit_callbacks(execute=True):
        nightly.run_night(on=RUN_DAY)
    assert order == ["reconcile", "evaluate"]
    changed = AnnualIndicator.objects.get(pk=row.pk)
    assert changed.revenue == row.revenue + Decimal("1000000")
