"""The client's address behind the proxy: axes and every rate limit count the client, not the proxy."""

import uuid

from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Role
from accounts.network import client_address
from tests import factories

PROXY = "172.16.0.2"


def _random_address() -> str:
    number = uuid.uuid4().int
    return f"10.{number % 250}.{(number >> 8) % 250}.{(number >> 16) % 250 + 1}"


def _behind_proxy(address: str) -> Client:
    """A browser at `address` whose requests reach the portal through the one proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def test_client_address_is_the_entry_the_trusted_proxy_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 10.1.1.1")
    # The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
    assert client_address(request) == "10.1.1.1"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request) == "1.2.3.4"


def test_client_address_ignores_the_header_without_a_configured_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.2.2.2", HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert client_address(request) == "10.2.2.2"


def test_client_address_falls_back_to_the_proxy_on_a_garbled_header(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(request) == PROXY


def test_login_lockout_behind_the_proxy_locks_one_client_not_the_other(settings, make_user):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user(Role.CITY_STAFF, username="zhao")
    guesser, colleague = _behind_proxy(_random_address()), _behind_proxy(_random_address())
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        guesser.post(reverse("login"), {"username": f"nobody-{attempt}", "password": "wrong"})
    locked = guesser.post(reverse("login"), {"username": "zhao", "password": factories.PASSWORD})
    assert locked.status_code == 429
    # The colleague behind the same proxy still logs in.
    response = colleague.post(reverse("login"), {"username": "zhao", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in colleague.session


def test_public_rate_limit_behind_the_proxy_counts_each_client(settings, db):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_STATUS_RATE = "2/m"
    first, second = _behind_proxy(_random_address()), _behind_proxy(_random_address())
    url = reverse("firm_accounts:request-status")
    assert [first.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert second.get(url).status_code == 200


def test_public_request_limit_behind_the_proxy_counts_each_client(settings, db):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_REQUEST_RATE = "1/h"
    first, second = _behind_proxy(_random_address()), _behind_proxy(_random_address())
    url = reverse("firm_accounts:request")
    empty = {"credit_code": ""}
    assert [first.post(url, empty).status_code for _ in range(2)] == [200, 429]
    assert second.post(url, empty).status_code == 200


def test_api_token_throttle_behind_the_proxy_counts_each_client(settings, db, monkeypatch):
    from accounts.throttles import ClientAddressAnonThrottle

    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(ClientAddressAnonThrottle, "rate", "2/min", raising=False)
    first, second = _behind_proxy(_random_address()), _behind_proxy(_random_address())
    body = {"username": "nobody", "password": "wrong"}
    assert [first.post("/api/v1/auth/token/", body).status_code for _ in range(3)] == [400, 400, 429]
    assert second.post("/api/v1/auth/token/", body).status_code == 400
