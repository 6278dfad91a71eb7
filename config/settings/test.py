"""Tests: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set (CI sets both), else SQLite and no broker."""

import os
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, REDIS_URL, STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "accounts.hashers.OneTimePasswordHasher"]

# Tests log staff in without a second factor unless a test asks for it (tests/accounts/test_second_factor.py).
OTP_REQUIRED_ROLES = []

# Tasks run inline unless a test starts a real worker for itself.
CELERY_TASK_ALWAYS_EAGER = True

# pytest-xdist workers share one Redis: keep their cache keys apart.
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"

# Uploaded files of each test run go to a throwaway directory.
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="portal-test-private-"))
STORAGES["private"]["OPTIONS"]["location"] = str(PRIVATE_MEDIA_ROOT)

# Static files are served from the finders (no collectstatic before tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# E-mails and SMS of the file backends go to a throwaway directory (pytest-django swaps the e-mail backend for its
# in-memory one; tests of the file backend set it back).
EMAIL_FILE_PATH = Path(tempfile.mkdtemp(prefix="portal-test-mail-"))
SMS_FILE_PATH = Path(tempfile.mkdtemp(prefix="portal-test-sms-")) / "messages.jsonl"
