"""Helpers of the tests that run the portal in other processes (a Celery worker, a command) against the test
database and Redis, and kill them (SIGKILL)."""

import os
import time

from django.conf import settings
from django.db import connection


def database_url() -> str:
    """The test database, for a process of its own."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def process_env(queue: str, **extra: str) -> dict:
    """The environment of a portal process on the test database and Redis, sending tasks to `queue`."""
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="false",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
        **extra,
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
