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
from django.db import connection

from pipeline import nightly
from scoring.models import Portrait, ScoringRun
from scoring.selectors import current_run
from tests import factories
from tests.scoring.conftest import RUN_DAY, add_years

BASE_DIR = Path(settings.BASE_DIR)
READY_TIMEOUT_S = 60
FIRMS = 80

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def process_env(queue: str) -> dict:
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="false",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    return env


def wait_for(predicate, *, timeout: float, interval: float = 0.02, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def worker(require_postgres, require_redis, transactional_db, tmp_path):
    """A `celery -A config worker` process on a queue of its own, in its own process group; always stopped."""
    queue = f"scoring-test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1", "-Q", queue,
         "-n", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "INFO"],
        cwd=BASE_DIR,
        env=process_env(queue),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(lambda: " ready." in log_path.read_text() or process.poll() is not None,
                 timeout=READY_TIMEOUT_S, interval=0.1, what="the worker to be ready")  # fmt: skip
        assert process.poll() is None, log_path.read_text()[-3000:]
        yield {"process": process, "queue": queue, "log": log_path}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        log.close()
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(queue)


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
    os.killpg(worker["process"].pid, signal.SIGKILL)
    worker["process"].wait(timeout=30)

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
