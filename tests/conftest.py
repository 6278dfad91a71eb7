import os

import pytest
from django.conf import settings
from django.db import connection

from tests import factories

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
