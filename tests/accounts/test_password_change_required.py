import pytest
from django.urls import reverse
from knox.models import AuthToken

from accounts.models import Role
from tests import factories


@pytest.fixture
def held_user(db):
    """An enterprise user still holding a one-time password (factories.PASSWORD)."""
    user = factories.make_user(Role.ENTERPRISE, enterprise=factories.EnterpriseFactory())
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    return user


@pytest.mark.parametrize("name", ["home", "enterprises:list", "firm_accounts:requests", "cultivation:warnings"])
def test_every_page_sends_a_held_user_to_the_password_change(client, held_user, name):
    client.force_login(held_user)
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")


def test_a_held_user_may_change_the_password_log_out_and_switch_language(client, held_user):
    client.force_login(held_user)
    assert client.get(reverse("password_change")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.get(reverse("javascript-catalog")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


def test_the_api_refuses_a_held_user_by_session_and_by_token(client, held_user):
    client.force_login(held_user)
    client.cookies["portal_language"] = "en"
    response = client.get("/api/v1/enterprises/")
    assert response.status_code == 403 and "one-time password" in response.json()["detail"]
    client.logout()
    _instance, token = AuthToken.objects.create(user=held_user)
    response = client.get("/api/v1/enterprises/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code in (401, 403)
    held_user.must_change_password = False
    held_user.save(update_fields=["must_change_password"])
    response = client.get("/api/v1/enterprises/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200


def test_changing_the_password_lifts_the_hold(client, held_user):
    client.force_login(held_user)
    new = "Pingdingshan-keji-2026!"
    response = client.post(
        reverse("password_change"), {"old_password": factories.PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    held_user.refresh_from_db()
    assert not held_user.must_change_password and held_user.check_password(new)
    assert client.get(reverse("enterprises:list")).status_code == 200


def test_the_one_time_password_cannot_be_kept(client, held_user):
    client.force_login(held_user)
    old = factories.PASSWORD
    response = client.post(
        reverse("password_change"), {"old_password": old, "new_password1": old, "new_password2": old}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password1"]
    held_user.refresh_from_db()
    assert held_user.must_change_password


def test_users_without_the_flag_are_not_held(client, make_user):
    client.force_login(make_user(Role.CITY_STAFF))
    assert client.get(reverse("enterprises:list")).status_code == 200
