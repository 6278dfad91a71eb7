"""A firm's registration status on the registry list (a filter and a badge) and on its page."""

import datetime

from django.urls import reverse

from accounts.models import Role
from enterprises.models import RegistrationStatus
from tests import factories

AS_OF = datetime.date(2026, 10, 1)


def test_status_filter_lists_each_status_and_every_firm_that_left(client, make_user, db):
    xinhua = factories.county("410402")
    active = factories.EnterpriseFactory(county=xinhua)
    gone = factories.EnterpriseFactory(
        county=xinhua, registration_status=RegistrationStatus.DEREGISTERED, status_as_of=AS_OF
    )
    moved = factories.EnterpriseFactory(county=xinhua, registration_status=RegistrationStatus.MOVED_OUT)
    # Another county's closed firm: county staff must not see it through the filter.
    elsewhere = factories.EnterpriseFactory(
        county=factories.county("410482"), registration_status=RegistrationStatus.REVOKED
    )
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))

    def pks(**params):
        response = client.get(reverse("enterprises:list"), params)
        return {e.pk for e in response.context["page"].object_list}

    assert pks() == {active.pk, gone.pk, moved.pk}
    assert pks(status="active") == {active.pk}
    assert pks(status="deregistered") == {gone.pk}
    assert pks(status="left") == {gone.pk, moved.pk}
    assert elsewhere.pk not in pks(status="revoked")
    html = client.get(reverse("enterprises:list"), {"status": "deregistered"}).content.decode()
    assert 'data-status="deregistered"' in html and "2026-10-01" in html
    response = client.get(reverse("enterprises:list"), {"status": "nonsense"})
    assert response.status_code == 200 and response.context["filter"].errors


def test_firm_page_badges_a_closed_firm_with_its_day(client, make_user, db):
    firm = factories.EnterpriseFactory(registration_status=RegistrationStatus.DEREGISTERED, status_as_of=AS_OF)
    active = factories.EnterpriseFactory(county=firm.county)
    client.force_login(make_user(Role.CITY_STAFF))
    html = client.get(reverse("enterprises:detail", args=[firm.credit_code])).content.decode()
    assert 'class="badge text-bg-danger badge-registration" data-status="deregistered"' in html
    assert "2026-10-01" in html
    html = client.get(reverse("enterprises:detail", args=[active.credit_code])).content.decode()
    assert "badge-registration" not in html
