"""Tests: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set (CI sets both), else SQLite and no broker."""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, REDIS_URL

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run inline unless a test starts a real worker for itself.
CELERY_TASK_ALWAYS_EAGER = True

# pytest-xdist workers share one Redis: keep their cache keys apart.
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"

# Static files are served from the finders (no collectstatic before tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
