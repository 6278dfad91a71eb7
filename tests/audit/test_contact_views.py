"""A firm's contact person and phone shown to anyone but the firm itself writes one row of the access log: on the
firm's page, its edit form, the API and the account requests' pages. The firm looking at its own is not logged."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from audit.models import AccessEvent
from enterprises.access import CONTACT_WHERE
from tests import factories
from tests.firm_accounts.factories import account_request

Kind = AccessEvent.Kind


def _words(text) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


@pytest.fixture
def firm(db):
    return factories.EnterpriseFactory(
        county=factories.county("410402"), contact_person="李华", contact_phone="139 0000 1111"
    )


@pytest.mark.parametrize(
    ("role", "kwargs"),
    [(Role.CITY_STAFF, {}), (Role.COUNTY_STAFF, {"county_code": "410402"}), (Role.LEADER, {})],
)
def test_staff_seeing_a_firms_page_is_logged(client, make_user, firm, role, kwargs):
    user = make_user(role, **kwargs)
    client.force_login(user)
    response = client.get(reverse("enterprises:detail", args=[firm.credit_code]))
    assert response.status_code == 200 and "李华" in response.content.decode()

    [event] = AccessEvent.objects.all()
    assert (event.actor, event.kind, event.rows) == (user, Kind.CONTACT_VIEW, None)
    assert event.what == _words(CONTACT_WHERE["page"])
    assert event.subject == f"{firm.name}（{firm.credit_code}）"


def test_the_firm_itself_is_not_logged(client, make_user, firm):
    client.force_login(make_user(Role.ENTERPRISE, enterprise=firm))
    assert "李华" in client.get(reverse("enterprises:detail", args=[firm.credit_code])).content.decode()
    assert client.get(reverse("enterprises:edit", args=[firm.credit_code])).status_code == 200
    assert not AccessEvent.objects.exists()


def test_a_firm_without_contact_details_writes_nothing(client, make_user, db):
    bare = factories.EnterpriseFactory()
    client.force_login(make_user(Role.CITY_STAFF))
    assert client.get(reverse("enterprises:detail", args=[bare.credit_code])).status_code == 200
    assert not AccessEvent.objects.exists()


def test_outside_the_scope_is_404_and_not_logged(client, make_user, firm):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410482"))
    assert client.get(reverse("enterprises:detail", args=[firm.credit_code])).status_code == 404
    assert not AccessEvent.objects.exists()


def test_the_edit_form_and_the_api_are_logged(client, make_user, firm):
    user = make_user(Role.COUNTY_STAFF, county_code="410402")
    client.force_login(user)
    assert client.get(reverse("enterprises:edit", args=[firm.credit_code])).status_code == 200
    api = client.get(f"/api/v1/enterprises/{firm.credit_code}/")
    assert api.status_code == 200 and api.json()["contact_person"] == "李华"
    client.get("/api/v1/enterprises/")  # the list holds no contact details: not logged

    events = list(AccessEvent.objects.order_by("id"))
    assert [e.what for e in events] == [_words(CONTACT_WHERE["edit"]), _words(CONTACT_WHERE["api"])]
    assert {(e.actor, e.kind) for e in events} == {(user, Kind.CONTACT_VIEW)}


def test_account_request_pages_are_logged(client, make_user, firm):
    user = make_user(Role.CITY_STAFF)
    pending = account_request(firm)
    account_request()
    client.force_login(user)
    assert "王经理" in client.get(reverse("firm_accounts:requests"), {"q": firm.credit_code}).content.decode()
    assert client.get(reverse("firm_accounts:request-detail", args=[pending.pk])).status_code == 200

    listed, opened = AccessEvent.objects.order_by("id")
    assert (listed.actor, listed.kind, listed.rows) == (user, Kind.CONTACT_VIEW, 1)
    assert [value for _label, value in listed.filters][-1] == firm.credit_code
    assert (opened.kind, opened.rows) == (Kind.CONTACT_VIEW, None)
    assert pending.reference in opened.subject and firm.name in opened.subject


def test_an_empty_request_list_writes_nothing(client, make_user, db):
    client.force_login(make_user(Role.CITY_STAFF))
    assert client.get(reverse("firm_accounts:requests")).status_code == 200
    assert not AccessEvent.objects.exists()
