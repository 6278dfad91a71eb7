"""Sessions: staff are logged out after a quiet spell, firms keep a working day; the API's schema and docs need a
login."""

import time

from django.urls import reverse

from accounts.middleware import LAST_SEEN_KEY
from accounts.models import Role
from tests import factories


def _go_quiet(client, minutes):
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - minutes * 60
    session.save()


def test_staff_are_logged_out_after_the_idle_timeout(client, make_user, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(make_user(Role.CITY_STAFF))
    assert client.get(reverse("enterprises:list")).status_code == 200
    _go_quiet(client, 29)
    assert client.get(reverse("enterprises:list")).status_code == 200
    # That request was activity: the clock starts again.
    assert int(time.time()) - client.session[LAST_SEEN_KEY] < 60
    _go_quiet(client, 31)
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_the_bells_own_polling_is_not_activity(client, make_user, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    client.get(reverse("enterprises:list"))
    _go_quiet(client, 20)
    assert client.get(reverse("notifications:badge"), HTTP_X_PORTAL_BACKGROUND="1").status_code == 200
    last_seen = client.session[LAST_SEEN_KEY]
    assert int(time.time()) - last_seen >= 20 * 60
    _go_quiet(client, 31)
    assert client.get(reverse("notifications:badge"), HTTP_X_PORTAL_BACKGROUND="1").status_code == 401


def test_firm_users_keep_their_session_while_quiet(client, settings, db):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    firm = factories.EnterpriseFactory()
    client.force_login(factories.make_user(Role.ENTERPRISE, enterprise=firm))
    client.get(reverse("home"))
    _go_quiet(client, 120)
    assert client.get(reverse("notifications:list")).status_code == 200


def test_the_session_cookie_lasts_a_working_day_not_two_weeks(client, make_user, settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    make_user(Role.LEADER, username="cookie")
    client.post(reverse("login"), {"username": "cookie", "password": factories.PASSWORD}, REMOTE_ADDR="10.6.0.1")
    assert 0 < client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] <= 12 * 3600


def test_api_schema_and_docs_need_a_login(client, make_user):
    assert client.get(reverse("schema")).status_code in (401, 403)
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("login"))
    client.force_login(make_user(Role.CITY_STAFF))
    assert client.get(reverse("schema")).status_code == 200
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    assert "<script>" not in page.content.decode()
