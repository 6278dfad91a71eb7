"""Runs that stop making progress: noticed by their heartbeat, sent again or failed; a failed date runs again; an
old run never replaces a newer one as the one shown."""

import datetime

from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from pipeline import nightly
from scoring import services
from scoring.models import Portrait, ScoringChunk, ScoringRun
from scoring.selectors import current_run
from tests.scoring.conftest import RUN_DAY


def started_not_dispatched(django_capture_on_commit_callbacks, **kwargs) -> ScoringRun:
    """A run created but whose chunk tasks were lost (its worker killed before any of them ran)."""
    with django_capture_on_commit_callbacks(execute=False):
        run = nightly.start_run(**kwargs)
    return run


def silence(run: ScoringRun, *, seconds: int) -> None:
    """The run's last sign of life `seconds` ago."""
    ScoringRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(seconds=seconds))


def test_stalled_run_is_sent_again_and_publishes(city, settings, django_capture_on_commit_callbacks, client, make_user):
    run = started_not_dispatched(django_capture_on_commit_callbacks, on=RUN_DAY, chunk_size=4)
    services.score_chunk(run_id=run.pk, number=0)  # one chunk scored before the worker died
    silence(run, seconds=settings.SCORING_RUN_STALL_AFTER_S - 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert nightly.sweep() == services.Recovery(requeued=[], failed=[])  # still within the grace
    silence(run, seconds=settings.SCORING_RUN_STALL_AFTER_S + 30)
    with django_capture_on_commit_callbacks(execute=True):
        recovery = nightly.sweep()
    assert recovery.requeued == [run.pk]
    run.refresh_from_db()
    assert run.status == ScoringRun.Status.PUBLISHED
    assert (run.requeues, run.chunks_done, run.firms_scored) == (1, 3, 9)
    assert current_run() == run
    client.force_login(make_user(Role.CITY_STAFF))
    assert "已重新派发 1 次" in client.get(reverse("scoring:runs")).content.decode()  # the runs page says so


def test_stalled_run_is_failed_once_requeues_are_spent_and_its_date_runs_again(
    city, run_scoring, settings, django_capture_on_commit_callbacks
):
    yesterday = run_scoring(on=RUN_DAY - datetime.timedelta(days=1))
    settings.SCORING_RUN_REQUEUES = 0
    stuck = started_not_dispatched(django_capture_on_commit_callbacks, on=RUN_DAY)
    # Still alive: a plain start of the same date is refused.
    assert run_scoring() is None
    silence(stuck, seconds=settings.SCORING_RUN_STALL_AFTER_S + 30)
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        assert nightly.sweep().failed == [stuck.pk]
    stuck.refresh_from_db()
    assert stuck.status == ScoringRun.Status.FAILED
    assert "Stopped making progress" in stuck.errors[0]
    assert current_run() == yesterday
    again = run_scoring()  # no --force needed
    assert again.status == ScoringRun.Status.PUBLISHED
    assert not again.forced
    assert current_run() == again


def test_stalled_run_of_the_date_is_failed_by_a_new_start(
    city, run_scoring, settings, django_capture_on_commit_callbacks
):
    stuck = started_not_dispatched(django_capture_on_commit_callbacks, on=RUN_DAY)
    silence(stuck, seconds=settings.SCORING_RUN_STALL_AFTER_S + 30)
    again = run_scoring()
    stuck.refresh_from_db()
    assert stuck.status == ScoringRun.Status.FAILED
    assert again.status == ScoringRun.Status.PUBLISHED
    assert current_run() == again


def test_forced_rerun_fails_the_running_run_of_its_date(city, run_scoring, django_capture_on_commit_callbacks):
    old = started_not_dispatched(django_capture_on_commit_callbacks, on=RUN_DAY, chunk_size=4)
    services.score_chunk(run_id=old.pk, number=0)
    forced = run_scoring(force=True)
    old.refresh_from_db()
    assert old.status == ScoringRun.Status.FAILED
    assert forced.status == ScoringRun.Status.PUBLISHED
    # The old run's chunks and publication, delivered again later, do nothing.
    assert services.score_chunk(run_id=old.pk, number=1) == 0
    assert nightly.publish(run_id=old.pk).status == ScoringRun.Status.FAILED
    assert Portrait.objects.filter(run=old).count() == 4
    assert current_run() == forced


def test_old_run_delivered_after_a_newer_one_is_published_never_becomes_current(
    city, run_scoring, django_capture_on_commit_callbacks
):
    # An old run (yesterday's) whose chunks are delivered only after today's run was published.
    old = started_not_dispatched(django_capture_on_commit_callbacks, on=RUN_DAY - datetime.timedelta(days=1))
    today = run_scoring()
    with translation.override("en"):
        assert services.score_chunk(run_id=old.pk, number=0) == 0
    old.refresh_from_db()
    assert old.status == ScoringRun.Status.FAILED
    assert "Superseded" in old.errors[0]
    assert not Portrait.objects.filter(run=old).exists()
    assert current_run() == today


def test_old_run_published_last_is_not_current(city, run_scoring, django_capture_on_commit_callbacks):
    old = started_not_dispatched(django_capture_on_commit_callbacks, on=RUN_DAY)
    for number in ScoringChunk.objects.filter(run=old).values_list("number", flat=True):
        services.score_chunk(run_id=old.pk, number=number)
    newer = run_scoring(on=RUN_DAY + datetime.timedelta(days=1))
    # The old run's publication arrives last: it fails instead of being shown.
    assert nightly.publish(run_id=old.pk).status == ScoringRun.Status.FAILED
    assert current_run() == newer


def test_current_run_is_the_latest_date_not_the_last_finished(city, run_scoring):
    later = run_scoring(on=RUN_DAY)
    earlier = run_scoring(on=RUN_DAY - datetime.timedelta(days=1))  # a back-fill, started and finished after
    assert earlier.status == ScoringRun.Status.PUBLISHED  # not superseded: it was started after the later date's
    assert earlier.finished_at > later.finished_at
    assert current_run() == later


def test_chunk_of_a_run_failed_meanwhile_writes_nothing(city, django_capture_on_commit_callbacks):
    run = started_not_dispatched(django_capture_on_commit_callbacks, on=RUN_DAY)
    services.fail_runs(ScoringRun.objects.filter(pk=run.pk), reason="test")
    assert services.score_chunk(run_id=run.pk, number=0) == 0
    assert not Portrait.objects.filter(run=run).exists()
