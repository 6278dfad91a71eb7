"""Imports whose process dies: detected (silent, no commit holding the row), marked failed with the registry
unchanged, then checked again or cancelled; cancel works from every unfinished state, even mid-write."""

import datetime
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from enterprises import tasks
from enterprises.importing import services
from enterprises.importing.services import (
    import_job_cancel,
    import_job_request_commit,
    import_job_retry,
    import_jobs_sweep,
)
from enterprises.models import ImportJob
from enterprises.workflows import TransitionNotAllowed
from tests import factories
from tests.data import make_corpus
from tests.data.make_corpus import csv_text
from tests.processes import process_env, wait_for

Status = ImportJob.Status
BASE_DIR = Path(settings.BASE_DIR)


def _csv(count: int = 3) -> bytes:
    # The rows' county, as the data migration loads it: a transactional test run before may have flushed it.
    factories.county("410402")
    return csv_text(make_corpus.ENTERPRISE_HEADER, make_corpus.enterprise_rows(count)).encode()


def _silence(job: ImportJob) -> None:
    """The job's last sign of life longer ago than IMPORT_STALL_AFTER_S."""
    ago = datetime.timedelta(seconds=settings.IMPORT_STALL_AFTER_S + 1)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - ago)


@pytest.fixture
def city_user(make_user):
    return make_user(Role.CITY_STAFF)


@pytest.fixture
def queued_commit(monkeypatch):
    """Commits asked for stay queued in the broker (no worker takes them up): their job ids, in order."""
    sent = []
    monkeypatch.setattr(tasks.commit_import, "delay", sent.append)
    return sent


# --- In this process ------------------------------------------------------------------------------------------------


def test_silent_check_is_marked_failed_then_checked_again(run_import, city_user, django_capture_on_commit_callbacks):
    job = run_import(_csv(), user=city_user)
    ImportJob.objects.filter(pk=job.pk).update(status=Status.VALIDATING)  # its check's process died midway
    assert import_jobs_sweep() == []  # not silent long enough yet
    _silence(job)
    with translation.override("en"):
        assert import_jobs_sweep() == [job.pk]
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert "process checking this file stopped" in job.message
    assert job.events.last().actor is None  # the portal took the step

    with django_capture_on_commit_callbacks(execute=True):
        import_job_retry(job=job, actor=city_user)
    job.refresh_from_db()
    assert job.status == Status.READY
    assert job.message == ""
    assert [(e.from_state, e.to_state) for e in job.events.all()][-2:] == [
        (Status.FAILED, Status.VALIDATING),
        (Status.VALIDATING, Status.READY),
    ]


def test_commit_queued_long_with_no_worker_is_failed_and_its_late_task_does_nothing(
    run_import, city_user, queued_commit, registry_fingerprint
):
    job = run_import(_csv(), user=city_user)
    import_job_request_commit(job=job, actor=city_user)
    before = registry_fingerprint()
    _silence(job)
    with translation.override("en"):
        assert import_jobs_sweep() == [job.pk]
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert "registry was not changed" in job.message
    # The task, taken up at last, finds the job failed.
    assert services.import_job_commit(job_id=job.pk) is None
    assert registry_fingerprint() == before


@pytest.mark.parametrize("state", [Status.VALIDATING, Status.READY, Status.COMMITTING, Status.FAILED])
def test_cancel_works_from_every_unfinished_state(run_import, city_user, registry_fingerprint, state):
    job = run_import(_csv(), user=city_user)
    ImportJob.objects.filter(pk=job.pk).update(status=state)
    before = registry_fingerprint()
    assert import_job_cancel(job=job, actor=city_user).status == Status.CANCELLED
    assert services.import_job_commit(job_id=job.pk) is None  # a commit task arriving later does nothing
    assert services.import_job_check(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert registry_fingerprint() == before


@pytest.mark.parametrize("state", [Status.COMMITTED, Status.INVALID, Status.CANCELLED])
def test_cancel_of_a_finished_import_is_refused(run_import, city_user, state):
    job = run_import(_csv(), user=city_user)
    ImportJob.objects.filter(pk=job.pk).update(status=state)
    with pytest.raises(TransitionNotAllowed):
        import_job_cancel(job=job, actor=city_user)


def test_cancel_asked_during_the_write_rolls_the_commit_back(
    run_import, city_user, queued_commit, registry_fingerprint, monkeypatch
):
    job = run_import(_csv(), user=city_user)
    import_job_request_commit(job=job, actor=city_user)
    before = registry_fingerprint()
    original = services._report_progress

    def cancel_midway(job_id, stage, fraction):
        original(job_id, stage, fraction)
        if stage == "writing" and fraction >= 0.4:
            # What import_job_cancel leaves when the row is locked by the write (it cannot wait for it).
            services.cache.set(services._cancel_key(job_id), city_user.pk)

    monkeypatch.setattr(services, "_report_progress", cancel_midway)
    services.import_job_commit(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert job.events.last().actor == city_user
    assert registry_fingerprint() == before


def test_failed_page_says_what_happened_and_offers_check_again_and_cancel(
    client, run_import, city_user, django_capture_on_commit_callbacks
):
    job = run_import(_csv(), user=city_user)
    ImportJob.objects.filter(pk=job.pk).update(status=Status.COMMITTING)
    _silence(job)
    import_jobs_sweep()
    client.force_login(city_user)
    page = client.get(reverse("enterprises:import-detail", args=[job.pk])).content.decode()
    assert 'id="failed-box"' in page
    assert 'id="retry-button"' in page
    assert 'id="cancel-button"' in page
    assert "处理进程中断" in page  # in the portal's language, in plain words

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprises:import-retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.READY


# --- A process of its own, killed -----------------------------------------------------------------------------------

# Commits the job in a process of its own, pausing mid-write (the firms written, the transaction open) until told
# to go on: the test can kill it there, or cancel the import meanwhile.
COMMIT_SCRIPT = textwrap.dedent(
    """
    import os, pathlib, time
    import django

    django.setup()
    from django.db import connection
    from enterprises.importing import services

    original = services._report_progress

    def pausing(job_id, stage, fraction):
        original(job_id, stage, fraction)
        if connection.in_atomic_block and stage == "writing" and fraction >= 0.4:
            pathlib.Path(os.environ["PAUSED"]).touch()
            while not pathlib.Path(os.environ["GO_ON"]).exists():
                time.sleep(0.05)

    services._report_progress = pausing
    job = services.import_job_commit(job_id=int(os.environ["JOB_ID"]))
    print("done", job.status)
    """
)


@pytest.fixture
def committing_process(require_postgres, require_redis, tmp_path):
    """Start the commit of a job in a process of its own; it is paused mid-write when this returns."""
    started = []

    def start(job: ImportJob) -> dict:
        paused, go_on = tmp_path / "paused", tmp_path / "go-on"
        env = process_env(
            "import-test",
            JOB_ID=str(job.pk),
            PAUSED=str(paused),
            GO_ON=str(go_on),
            CACHE_KEY_PREFIX=settings.CACHES["default"].get("KEY_PREFIX", ""),
            PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
        )
        process = subprocess.Popen(
            [sys.executable, "-c", COMMIT_SCRIPT],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        started.append(process)
        wait_for(lambda: paused.exists() or process.poll() is not None, timeout=60, interval=0.05, what="mid-write")
        assert process.poll() is None, process.stdout.read()
        return {"process": process, "go_on": go_on}

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_process_killed_mid_commit_is_marked_failed_database_unchanged_then_retried(
    run_import, city_user, queued_commit, committing_process, registry_fingerprint, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    job = run_import(_csv(), user=city_user)
    assert job.status == Status.READY, (job.message, job.issues_preview)
    import_job_request_commit(job=job, actor=city_user)
    before = registry_fingerprint()
    writing = committing_process(job)

    # Mid-write the job is alive however long it has been silent: the commit holds its row.
    settings.IMPORT_STALL_AFTER_S = 0
    assert import_jobs_sweep() == []
    os.killpg(writing["process"].pid, signal.SIGKILL)
    writing["process"].wait(timeout=30)

    assert registry_fingerprint() == before  # PostgreSQL rolled the half-written commit back
    job.refresh_from_db()
    assert job.status == Status.COMMITTING
    with translation.override("en"):
        assert import_jobs_sweep() == [job.pk]
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert "process writing this import stopped" in job.message
    assert registry_fingerprint() == before

    # Checked again and committed, it writes the file once.
    settings.IMPORT_STALL_AFTER_S = 300
    with django_capture_on_commit_callbacks(execute=True):
        import_job_retry(job=job, actor=city_user)
    job.refresh_from_db()
    assert job.status == Status.READY
    import_job_request_commit(job=job, actor=city_user)
    services.import_job_commit(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.COMMITTED
    assert registry_fingerprint()["Enterprise"] == before["Enterprise"] + 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cancel_while_another_process_writes_the_commit(
    run_import, city_user, queued_commit, committing_process, registry_fingerprint
):
    job = run_import(_csv(), user=city_user)
    assert job.status == Status.READY, (job.message, job.issues_preview)
    import_job_request_commit(job=job, actor=city_user)
    before = registry_fingerprint()
    writing = committing_process(job)

    answered = import_job_cancel(job=job, actor=city_user)  # at once, though the row is locked
    assert answered.status == Status.COMMITTING
    writing["go_on"].touch()
    output, _ = writing["process"].communicate(timeout=60)
    assert "done cancelled" in output, output[-3000:]
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert registry_fingerprint() == before
