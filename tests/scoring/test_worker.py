"""The nightly job in a real Celery worker process against Redis, killed midway (kill -9)."""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app
from pipeline import nightly
from scoring.models import Portrait, ScoringRun
from scoring.selectors import current_run
from tests import factories
from tests.processes import process_env, wait_for
from tests.scoring.conftest import RUN_DAY, add_years

BASE_DIR = Path(settings.BASE_DIR)
READY_TIMEOUT_S = 60
FIRMS = 80

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def start_worker(queue: str, log_path: Path) -> subprocess.Popen:
    """A `celery -A config worker` process on `queue`, in its own process group, once it is ready."""
    log = open(log_path, "a")  # noqa: SIM115 - the child keeps it; closed with the test's tmp_path
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1", "-Q", queue,
         "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle",
         "-l", "INFO"],
        cwd=BASE_DIR,
        env=process_env(queue),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    log.close()
    ready = log_path.read_text().count(" ready.")
    wait_for(lambda: log_path.read_text().count(" ready.") > ready or process.poll() is not None,
             timeout=READY_TIMEOUT_S, interval=0.1, what="the worker to be ready")  # fmt: skip
    assert process.poll() is None, log_path.read_text()[-3000:]
    return process


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture
def worker(require_postgres, require_redis, transactional_db, tmp_path):
    """A worker on a queue of its own; `restart()` starts another after a kill. Every one is stopped at the end."""
    queue = f"scoring-test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / "worker.log"
    log_path.touch()
    processes = []
    state = {"queue": queue, "log": log_path}

    def restart():
        processes.append(start_worker(queue, log_path))
        state["process"] = processes[-1]
        return processes[-1]

    state["restart"] = restart
    try:
        restart()
        yield state
    finally:
        for process in processes:
            kill(process)
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(queue)


def send_to_worker(name: str, *args, queue: str):
    """Send a task to the test's worker through Redis and wait for its result (this process is eager otherwise)."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        return app.send_task(name, args=args, queue=queue).get(timeout=60)
    finally:
        app.conf.task_always_eager = eager


def command(*args: str, queue: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """`manage.py <args>` as an operator runs it, sending tasks to the test's worker."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=process_env(queue),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_killed_worker_leaves_the_previous_run_published(worker):
    for enterprise in factories.EnterpriseFactory.create_batch(FIRMS):
        add_years(enterprise)
    yesterday = nightly.start_run(on=RUN_DAY - datetime.timedelta(days=1))  # inline: the test settings are eager
    yesterday.refresh_from_db()
    assert yesterday.status == ScoringRun.Status.PUBLISHED

    # Today's run, queued by the command as in production (one firm per chunk, so the run takes a while).
    output = subprocess.run(
        [sys.executable, "manage.py", "recompute_portraits", "--date", RUN_DAY.isoformat(), "--chunk-size", "1"],
        cwd=BASE_DIR,
        env=process_env(worker["queue"]),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert output.returncode == 0, output.stderr[-3000:]
    assert "queued" in output.stdout
    today = ScoringRun.objects.get(run_date=RUN_DAY)

    def some_chunks_done():
        today.refresh_from_db()
        return today.chunks_done >= 2

    wait_for(some_chunks_done, timeout=60, what="the worker to score some chunks")
    kill(worker["process"])

    today.refresh_from_db()
    assert today.status == ScoringRun.Status.RUNNING, worker["log"].read_text()[-3000:]
    assert 2 <= today.chunks_done < today.chunks_total
    # Half a run is in the database, but nobody sees it: yesterday's run is the one shown, whole.
    assert Portrait.objects.filter(run=today).exists()
    assert current_run() == yesterday
    assert Portrait.objects.filter(run=yesterday).count() == FIRMS
    time.sleep(0.5)
    today.refresh_from_db()
    assert today.status == ScoringRun.Status.RUNNING
    assert current_run() == yesterday


def test_worker_runs_the_chunks_and_publishes(worker):
    for enterprise in factories.EnterpriseFactory.create_batch(30):
        add_years(enterprise)
    output = subprocess.run(
        [sys.executable, "manage.py", "recompute_portraits", "--date", RUN_DAY.isoformat(), "--chunk-size", "7",
         "--wait", "--timeout", "60"],
        cwd=BASE_DIR,
        env=process_env(worker["queue"]),
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert output.returncode == 0, output.stderr[-3000:] + worker["log"].read_text()[-3000:]
    run = ScoringRun.objects.get(run_date=RUN_DAY)
    assert run.status == ScoringRun.Status.PUBLISHED
    assert (run.chunks_total, run.chunks_done, run.firms_scored) == (5, 5, 30)
    assert current_run() == run
    assert Portrait.objects.filter(run=run).count() == 30


def test_killed_worker_run_is_sent_again_and_a_later_run_is_current(worker):
    for enterprise in factories.EnterpriseFactory.create_batch(FIRMS // 2):
        add_years(enterprise)
    queue = worker["queue"]
    assert (
        command("recompute_portraits", "--date", RUN_DAY.isoformat(), "--chunk-size", "1", queue=queue).returncode == 0
    )
    run = ScoringRun.objects.get(run_date=RUN_DAY)

    def some_chunks_done():
        run.refresh_from_db()
        return run.chunks_done >= 2

    wait_for(some_chunks_done, timeout=60, what="the worker to score some chunks")
    kill(worker["process"])  # the chunk in flight stays unacknowledged in Redis until the visibility timeout

    # Alive as far as anyone can tell yet: a plain re-run of the date is refused, the sweep does nothing.
    output = command("recompute_portraits", "--date", RUN_DAY.isoformat(), queue=queue)
    assert "nothing done" in output.stdout, output.stderr[-3000:]
    assert "sent again: 0, failed: 0" in command("sweep_jobs", queue=queue).stdout
    # SCORING_RUN_STALL_AFTER_S later, the sweep (beat's, here the command) sends the unscored chunks again.
    ScoringRun.objects.filter(pk=run.pk).update(
        heartbeat_at=run.heartbeat_at - datetime.timedelta(seconds=settings.SCORING_RUN_STALL_AFTER_S + 1)
    )
    output = command("sweep_jobs", queue=queue)
    assert "sent again: 1, failed: 0" in output.stdout, output.stderr[-3000:]
    worker["restart"]()

    def finished():
        run.refresh_from_db()
        return run.status != ScoringRun.Status.RUNNING

    wait_for(finished, timeout=120, interval=0.2, what="the run to finish")
    assert run.status == ScoringRun.Status.PUBLISHED, (run.errors, worker["log"].read_text()[-3000:])
    assert (run.chunks_done, run.firms_scored, run.requeues) == (FIRMS // 2, FIRMS // 2, 1)
    assert Portrait.objects.filter(run=run).count() == FIRMS // 2
    assert current_run() == run

    # The next night's run is current; the killed chunk of the old run, delivered again at last, does nothing.
    tomorrow = RUN_DAY + datetime.timedelta(days=1)
    output = command("recompute_portraits", "--date", tomorrow.isoformat(), "--wait", "--timeout", "60", queue=queue)
    assert output.returncode == 0, output.stderr[-3000:]
    later = ScoringRun.objects.get(run_date=tomorrow)
    assert current_run() == later
    assert send_to_worker("scoring.score_chunk", run.pk, 0, queue=queue) == 0
    assert current_run() == later
    assert Portrait.objects.filter(run=run).count() == FIRMS // 2


def test_killed_worker_run_fails_and_its_date_runs_again_without_force(worker, settings):
    for enterprise in factories.EnterpriseFactory.create_batch(FIRMS // 2):
        add_years(enterprise)
    queue = worker["queue"]
    assert (
        command("recompute_portraits", "--date", RUN_DAY.isoformat(), "--chunk-size", "1", queue=queue).returncode == 0
    )
    killed = ScoringRun.objects.get(run_date=RUN_DAY)

    def some_chunks_done():
        killed.refresh_from_db()
        return killed.chunks_done >= 2

    wait_for(some_chunks_done, timeout=60, what="the worker to score some chunks")
    kill(worker["process"])
    settings.SCORING_RUN_REQUEUES = 0  # the sweep in this process fails it at once
    ScoringRun.objects.filter(pk=killed.pk).update(
        heartbeat_at=killed.heartbeat_at - datetime.timedelta(seconds=settings.SCORING_RUN_STALL_AFTER_S + 1)
    )
    assert nightly.sweep().failed == [killed.pk]
    killed.refresh_from_db()
    assert killed.status == ScoringRun.Status.FAILED

    worker["restart"]()  # it takes the old run's chunks still queued: they find the run failed and do nothing
    output = command("recompute_portraits", "--date", RUN_DAY.isoformat(), "--wait", "--timeout", "90", queue=queue)
    assert output.returncode == 0, output.stderr[-3000:] + worker["log"].read_text()[-3000:]
    again = ScoringRun.objects.get(run_date=RUN_DAY, status=ScoringRun.Status.PUBLISHED)
    assert not again.forced
    assert current_run() == again
    assert Portrait.objects.filter(run=again).count() == FIRMS // 2
    killed.refresh_from_db()
    assert killed.status == ScoringRun.Status.FAILED
    assert killed.chunks_done < killed.chunks_total
