"""API tokens: hashed, expiring, revoked on logout and password change, none for a one-time password."""

import hashlib
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import Role
from accounts.tokens import api_token_issue
from firm_accounts.passwords import one_time_password_issue
from tests import factories

TOKEN_URL = "/api/v1/auth/token/"
PROBE_URL = "/api/v1/enterprises/"
NEW_PASSWORD = "Pingdingshan-keji-2026!"


def _token(client, username, password=factories.PASSWORD, **extra):
    return client.post(TOKEN_URL, {"username": username, "password": password, **extra}, REMOTE_ADDR="10.8.0.1")


def _probe(client, token):
    return client.get(PROBE_URL, HTTP_AUTHORIZATION=f"Token {token}")


def _refused(response) -> bool:
    """DRF answers 403 rather than 401 when session authentication comes first; either way, no data."""
    return response.status_code in (401, 403) and "results" not in response.json()


def test_token_is_stored_only_as_a_hash(client, make_user):
    user = make_user(Role.CITY_STAFF, username="hash-me")
    token = _token(client, "hash-me").json()["token"]
    stored = AuthToken.objects.get(user=user)
    assert stored.digest == hashlib.sha512(token.encode()).hexdigest()
    assert token not in {stored.digest, stored.token_key}


def test_a_persons_token_expires_after_the_configured_hours(client, make_user, settings):
    settings.API_TOKEN_TTL_HOURS = 8
    user = make_user(Role.CITY_STAFF, username="hours")
    before = timezone.now()
    token = _token(client, "hours").json()["token"]
    stored = AuthToken.objects.get(user=user)
    assert before + timedelta(hours=8) <= stored.expiry <= timezone.now() + timedelta(hours=8)
    assert _probe(client, token).status_code == 200
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert _refused(_probe(client, token))
    assert not AuthToken.objects.filter(user=user).exists()


def test_wrong_password_gets_no_token(client, make_user):
    make_user(Role.CITY_STAFF, username="wrong-pass")
    response = _token(client, "wrong-pass", password="not-it")
    assert response.status_code == 400
    assert not AuthToken.objects.exists()


def test_logout_revokes_every_token_of_the_account(client, make_user):
    user = make_user(Role.COUNTY_STAFF, username="leaving", county_code="410402")
    api_token = _token(client, "leaving").json()["token"]
    client.force_login(user)
    client.post(reverse("logout"))
    assert _refused(_probe(client, api_token))
    assert not AuthToken.objects.filter(user=user).exists()


def test_api_logout_revokes_the_token(client, make_user):
    make_user(Role.CITY_STAFF, username="api-out")
    token = _token(client, "api-out").json()["token"]
    assert client.post("/api/v1/auth/logout/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 204
    assert _refused(_probe(client, token))


def test_password_change_revokes_the_tokens(client, make_user):
    user = make_user(Role.CITY_STAFF, username="changer")
    token = _token(client, "changer").json()["token"]
    other_user = make_user(Role.CITY_STAFF, username="bystander")
    others_token = _token(client, "bystander").json()["token"]
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": factories.PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    client.logout()
    assert _refused(_probe(client, token))
    assert _probe(client, others_token).status_code == 200
    assert AuthToken.objects.filter(user=other_user).exists()


def test_a_new_one_time_password_revokes_the_firms_tokens(client, make_user):
    firm = factories.EnterpriseFactory()
    account = make_user(Role.ENTERPRISE, username="firm-api", enterprise=firm)
    token = _token(client, "firm-api").json()["token"]
    staff = make_user(Role.CITY_STAFF)
    one_time_password_issue(account=account, actor=staff, reason="forgot it")
    assert not AuthToken.objects.filter(user=account).exists()
    assert _refused(_probe(client, token))


def test_saving_a_user_without_a_new_password_keeps_the_tokens(client, make_user):
    user = make_user(Role.CITY_STAFF, username="keeper")
    token = _token(client, "keeper").json()["token"]
    user.first_name = "张"
    user.save()
    assert _probe(client, token).status_code == 200


def test_an_account_that_must_change_its_password_gets_no_token(client, make_user):
    firm = factories.EnterpriseFactory()
    user = make_user(Role.ENTERPRISE, username="held-api", enterprise=firm)
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    client.cookies["portal_language"] = "en"
    response = _token(client, "held-api")
    assert response.status_code == 403
    assert "one-time password" in response.json()["detail"]
    assert not AuthToken.objects.filter(user=user).exists()
    with pytest.raises(Exception, match="one-time password"):
        api_token_issue(user=user)


def test_an_integration_token_lasts_the_days_asked_within_the_limit(make_user, settings, capsys):
    settings.API_INTEGRATION_TOKEN_TTL_DAYS = 90
    user = make_user(Role.CITY_STAFF, username="integration")
    call_command("issue_api_token", "integration", "--days", "30")
    token = capsys.readouterr().out.splitlines()[0]
    stored = AuthToken.objects.get(user=user)
    assert stored.digest == hashlib.sha512(token.encode()).hexdigest()
    assert timedelta(days=29, hours=23) < stored.expiry - timezone.now() <= timedelta(days=30)
    with pytest.raises(CommandError, match="90 days"):
        call_command("issue_api_token", "integration", "--days", "365")
    assert AuthToken.objects.filter(user=user).count() == 1


def test_wrong_passwords_at_the_token_endpoint_count_towards_the_lockout(client, make_user, settings):
    make_user(Role.CITY_STAFF, username="api-guess")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _token(client, "api-guess", password=f"wrong-{attempt}")
    response = _token(client, "api-guess")
    assert response.status_code in (403, 429)
    assert not AuthToken.objects.exists()
