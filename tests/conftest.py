import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation

from enterprises.importing.services import import_job_create, import_job_request_commit
from tests import factories
from tests.data.make_corpus import CORPUS_DIR

IN_CI = os.environ.get("CI") == "true"


def pytest_sessionstart(session):
    """In CI the suite runs on PostgreSQL and Redis; a missing service stops the run instead of skipping tests."""
    if not IN_CI:
        return
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL does not point at PostgreSQL")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set")
    else:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
        except Exception as error:
            problems.append(f"Redis at {settings.REDIS_URL} does not answer: {error}")
    if problems:
        pytest.exit("CI=true but " + "; ".join(problems), returncode=3)


@pytest.fixture
def require_postgres():
    """For tests of PostgreSQL behaviour: skipped on SQLite locally, a failure in CI."""
    if connection.vendor != "postgresql":
        message = "this test needs PostgreSQL (set DATABASE_URL)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def require_redis():
    if not settings.REDIS_URL:
        message = "this test needs Redis (set REDIS_URL)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def make_user(db):
    return factories.make_user


@pytest.fixture
def two_counties(db):
    """Firms in two counties, so that any scoping test has data that could leak."""
    xinhua = factories.county("410402")
    ruzhou = factories.county("410482")
    home = factories.EnterpriseFactory.create_batch(3, county=xinhua)
    away = factories.EnterpriseFactory.create_batch(4, county=ruzhou)
    for enterprise in home + away:
        factories.IndicatorFactory(enterprise=enterprise)
    return {"xinhua": xinhua, "ruzhou": ruzhou, "home": home, "away": away}


# --- Bulk import ---------------------------------------------------------------------------------------------------


@pytest.fixture
def run_import(db, django_capture_on_commit_callbacks):
    """Upload a file and run its check (the task runs eagerly once the upload's transaction commits); returns the
    job as the check left it. `content` is bytes, or the name of a file of the corpus in tests/data/import_corpus.
    Messages are written in English, so that tests can match them whatever the translations say."""

    def run(content, *, user, kind="enterprises", file_name=None, accept_bad_check_characters=False):
        if isinstance(content, str):
            file_name = file_name or content
            content = (CORPUS_DIR / content).read_bytes()
        with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
            job = import_job_create(
                kind=kind,
                uploaded_file=SimpleUploadedFile(file_name or "upload.csv", content),
                actor=user,
                accept_bad_check_characters=accept_bad_check_characters,
            )
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def run_commit(db, django_capture_on_commit_callbacks):
    """Confirm a checked import and run the commit task; returns the job as the commit left it."""

    def run(job, *, user):
        with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
            import_job_request_commit(job=job, actor=user)
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def registry_fingerprint(db):
    """Row counts and a SHA-256 over every column of every row of the registry's tables, to show a change (or
    none) between two points of a test."""
    return factories.registry_fingerprint


@pytest.fixture
def corpus_registry(db):
    """The firms the corpus files refer to (tests/data/make_corpus.py REGISTRY), each with a year of figures and a
    qualification, so that the registry has rows a wrong import could change."""
    return factories.corpus_registry()


def pytest_collection_modifyitems(items):
    """Every transactional test restores the database it found (serialized_rollback): one that does not would flush
    and re-create the content types, and the next one that does would then load them a second time."""
    offending = []
    for item in items:
        marker = item.get_closest_marker("django_db")
        # Marked transactional, or asking for a fixture that is (live_server, a worker fixture…).
        transactional = (marker and marker.kwargs.get("transaction")) or "transactional_db" in item.fixturenames
        if transactional and not (marker and marker.kwargs.get("serialized_rollback")):
            offending.append(item.nodeid)
    if offending:
        raise pytest.UsageError("use django_db(transaction=True, serialized_rollback=True) in: " + ", ".join(offending))
