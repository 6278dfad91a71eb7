import uuid

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.urls import reverse

from tests import factories


@pytest.fixture
def anonymous_client(db):
    """A client from an address of its own, so the public pages' per-address rate limits (counted in Redis,
    across runs) start from zero in every test."""
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    return Client(REMOTE_ADDR=address)


@pytest.fixture
def reviewers(db):
    return {
        "xinhua": factories.make_user("county_staff", username="xinhua-staff", county_code="410402"),
        "ruzhou": factories.make_user("county_staff", username="ruzhou-staff", county_code="410482"),
        "city": factories.make_user("city_staff", username="city-staff"),
    }


@pytest.fixture
def log_in_as():
    """authenticate() as the login page calls it (with a request, as django-axes requires): the user or None."""

    def authenticated(username, password):
        request = RequestFactory().post(reverse("login"), REMOTE_ADDR="10.255.0.1")
        return authenticate(request, username=username, password=password)

    return authenticated
