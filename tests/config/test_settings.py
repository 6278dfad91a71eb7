import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Role
from config import celery_app

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_overrides):
    # The browser tests allow async-unsafe ORM calls in this process; a deployment must not inherit that.
    dropped = ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_deploy_check_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "k7#Qe9!zP2@xL5$wN8^rT1&yU4*iO6(aS3)dF0_gH-jK+lZ=cV",
            "ALLOWED_HOSTS": "portal.pds.gov.cn",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_secret_key():
    result = _manage(
        "check",
        env_overrides={"DJANGO_SETTINGS_MODULE": "config.settings.production", "ALLOWED_HOSTS": "portal.pds.gov.cn"},
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_defaults_are_the_embedded_setup():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.LANGUAGE_CODE, s.TIME_ZONE, s.USE_TZ)",
        env_overrides={"DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": "", "REDIS_URL": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-5:] == ["django.db.backends.sqlite3", "True", "zh-hans", "Asia/Shanghai", "True"]


def test_celery_uses_redis_when_configured(require_redis):
    assert celery_app.conf.broker_url == settings.REDIS_URL
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)


def test_healthz_reports_database_and_cache(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthz_uses_redis_cache_in_ci(require_redis):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_interface_is_chinese_by_default_even_for_english_browsers(client, make_user):
    client.force_login(make_user(Role.CITY_STAFF))
    response = client.get(reverse("enterprises:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "统一社会信用代码" in response.content.decode()


def test_language_switch_to_english_sticks(client, make_user):
    client.force_login(make_user(Role.CITY_STAFF))
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("enterprises:list")})
    assert response.status_code == 302
    page = client.get(reverse("enterprises:list")).content.decode()
    assert "Credit code" in page
    assert "统一社会信用代码" not in page


@pytest.mark.parametrize(
    ("url", "signed_in"),
    [("/", True), ("/enterprises/", True), ("/api/docs/", True), ("/accounts/login/", False), ("/admin/login/", False)],
)
def test_pages_load_no_outside_resources(client, make_user, url, signed_in):
    if signed_in:
        client.force_login(make_user(Role.CITY_ADMIN))
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    external = re.findall(r"""<(?:script|link|img)[^>]+(?:src|href)=["'](?:https?:)?//[^"']+""", html)
    assert external == []


def test_the_production_image_copies_every_app():
    """The Dockerfile names each app it copies: a new app must be added there too, or the image cannot start."""
    root = Path(__file__).resolve().parents[2]
    apps = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
    copied = set(re.findall(r"^COPY (\w+)/ \1/$", (root / "Dockerfile").read_text(), flags=re.MULTILINE))
    assert set(apps) <= copied


def test_the_package_lists_every_app():
    """`pip install .` (the wheel) takes only the packages pyproject lists: a new app left out is missing there."""
    root = Path(__file__).resolve().parents[2]
    tool = tomllib.loads((root / "pyproject.toml").read_text())["tool"]
    apps = set(tool["importlinter"]["root_packages"])
    listed = {pattern.rstrip("*") for pattern in tool["setuptools"]["packages"]["find"]["include"]}
    assert apps <= listed, sorted(apps - listed)
