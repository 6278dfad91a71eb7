"""The broker's visibility timeout and the tasks' time limits agree: no task may still be running when Redis hands
it to another worker, and every task has a limit."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]


def test_every_task_stops_before_the_broker_redelivers_it():
    app.loader.import_default_modules()
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    tasks = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert {"scoring.score_chunk", "pipeline.publish_run", "enterprises.commit_import"} <= set(tasks)
    for name, task in tasks.items():
        limit = task.time_limit or app.conf.task_time_limit
        assert limit, f"{name} has no time limit"
        assert limit < visibility, f"{name} may run {limit} s, but Redis redelivers it after {visibility} s"
    # A run is noticed as stalled only after each of its tasks would have been stopped.
    assert settings.SCORING_RUN_STALL_AFTER_S > settings.SCORING_CHUNK_TIME_LIMIT_S
    assert settings.SCORING_RUN_STALL_AFTER_S > settings.SCORING_PUBLISH_TIME_LIMIT_S


def test_visibility_timeout_shorter_than_a_task_limit_is_refused():
    env = {**os.environ, "CELERY_VISIBILITY_TIMEOUT_S": "600", "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT_S (600) must be longer than the longest task time limit" in result.stderr
