import pytest
from django.urls import reverse

from accounts.models import Role
from tests import factories


def _names_on_list_page(client) -> set[str]:
    response = client.get(reverse("enterprises:list"), {"page_size": 100})
    assert response.status_code == 200
    return {enterprise.name for enterprise in response.context["page"].object_list}


def _codes_from_api(client) -> set[str]:
    response = client.get("/api/v1/enterprises/", {"page_size": 100})
    assert response.status_code == 200
    return {row["credit_code"] for row in response.json()["results"]}


def test_county_staff_list_page_shows_only_own_county(client, make_user, two_counties):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    assert _names_on_list_page(client) == {e.name for e in two_counties["home"]}


def test_county_staff_list_page_ignores_other_county_filter(client, make_user, two_counties):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    response = client.get(reverse("enterprises:list"), {"county": "410482"})
    names = {enterprise.name for enterprise in response.context["page"].object_list}
    assert names.isdisjoint({e.name for e in two_counties["away"]})
    assert response.context["filter"].errors


def test_county_staff_detail_page_of_other_county_is_404(client, make_user, two_counties):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    own, other = two_counties["home"][0], two_counties["away"][0]
    assert client.get(reverse("enterprises:detail", args=[own.credit_code])).status_code == 200
    assert client.get(reverse("enterprises:detail", args=[other.credit_code])).status_code == 404
    assert client.get(reverse("enterprises:edit", args=[other.credit_code])).status_code == 404


def test_county_staff_api_list_shows_only_own_county(client, make_user, two_counties):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    assert _codes_from_api(client) == {e.credit_code for e in two_counties["home"]}


def test_county_staff_api_detail_of_other_county_is_404(client, make_user, two_counties):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    own, other = two_counties["home"][0], two_counties["away"][0]
    assert client.get(f"/api/v1/enterprises/{own.credit_code}/").status_code == 200
    assert client.get(f"/api/v1/enterprises/{other.credit_code}/").status_code == 404


def test_county_staff_api_filter_for_other_county_is_rejected(client, make_user, two_counties):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    response = client.get("/api/v1/enterprises/", {"county": "410482"})
    assert response.status_code == 400
    assert "county" in response.json()


def test_enterprise_user_sees_only_own_firm(client, make_user, two_counties):
    own = two_counties["home"][1]
    client.force_login(make_user(Role.ENTERPRISE, enterprise=own))
    assert _names_on_list_page(client) == {own.name}
    assert _codes_from_api(client) == {own.credit_code}
    neighbour = two_counties["home"][0]
    assert client.get(reverse("enterprises:detail", args=[neighbour.credit_code])).status_code == 404
    assert client.get(f"/api/v1/enterprises/{neighbour.credit_code}/").status_code == 404


def test_enterprise_user_home_opens_own_firm(client, make_user, two_counties):
    # Issue 19: the firm's home is its next steps (workspaces), linking to its own firm's page, no other firm's.
    own = two_counties["away"][0]
    client.force_login(make_user(Role.ENTERPRISE, enterprise=own))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("enterprises:detail", args=[own.credit_code]) in html
    assert not any(firm.credit_code in html for firm in two_counties["home"] + two_counties["away"][1:])


def test_enterprise_user_can_update_own_contact_details(client, make_user, two_counties):
    own = two_counties["home"][1]
    client.force_login(make_user(Role.ENTERPRISE, enterprise=own))
    response = client.post(
        reverse("enterprises:edit", args=[own.credit_code]),
        {"address": "新华区建设路 1 号", "contact_person": "王伟", "contact_phone": "13800000000"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.contact_person, own.contact_phone) == ("王伟", "13800000000")


@pytest.mark.parametrize("role", [Role.LEADER, Role.CITY_STAFF, Role.CITY_ADMIN])
def test_citywide_roles_see_every_county(client, make_user, two_counties, role):
    client.force_login(make_user(role))
    every = two_counties["home"] + two_counties["away"]
    assert _names_on_list_page(client) == {e.name for e in every}
    assert _codes_from_api(client) == {e.credit_code for e in every}


def test_leader_is_read_only(client, make_user, two_counties):
    client.force_login(make_user(Role.LEADER))
    firm = two_counties["away"][0]
    detail = client.get(reverse("enterprises:detail", args=[firm.credit_code]))
    assert detail.status_code == 200
    assert not detail.context["can_edit"]
    edit_url = reverse("enterprises:edit", args=[firm.credit_code])
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, {"address": "x", "contact_person": "x", "contact_phone": "1"}).status_code == 403
    firm.refresh_from_db()
    assert firm.address != "x"
    assert client.post("/api/v1/enterprises/", {"name": "x"}).status_code == 405
    assert client.delete(f"/api/v1/enterprises/{firm.credit_code}/").status_code == 405
    assert client.get("/admin/").status_code == 302  # to the admin login: no admin for leaders


def test_officer_without_assignments_sees_no_firm(client, make_user, two_counties):
    client.force_login(make_user(Role.OFFICER))
    assert _names_on_list_page(client) == set()
    firm = two_counties["home"][0]
    assert client.get(reverse("enterprises:detail", args=[firm.credit_code])).status_code == 404


def test_anonymous_user_is_sent_to_login(client, two_counties):
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get("/api/v1/enterprises/").status_code in (401, 403)


def test_token_authentication_uses_the_same_scope(client, make_user, two_counties):
    from knox.models import AuthToken

    user = make_user(Role.COUNTY_STAFF, county_code="410482")
    _instance, token = AuthToken.objects.create(user=user)
    response = client.get("/api/v1/enterprises/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert {row["credit_code"] for row in response.json()["results"]} == {e.credit_code for e in two_counties["away"]}


def test_api_token_is_issued_for_valid_credentials(client, make_user, db):
    make_user(Role.CITY_STAFF, username="city-api")
    response = client.post("/api/v1/auth/token/", {"username": "city-api", "password": factories.PASSWORD})
    assert response.status_code == 200
    assert len(response.json()["token"]) == 64 and response.json()["expiry"]
