from django.urls import reverse

from accounts.models import Role
from tests import factories


def _login(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_login_with_correct_password_opens_home(client, make_user):
    make_user(Role.CITY_STAFF, username="zhang")
    response = _login(client, "zhang", factories.PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_failures_lock_the_account_even_with_the_right_password(client, make_user, settings):
    make_user(Role.CITY_STAFF, username="li")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "li", f"wrong-{attempt}", address=f"10.0.1.{attempt}")
    response = _login(client, "li", factories.PASSWORD, address="10.0.2.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_failures_lock_the_address_for_other_accounts(client, make_user, settings):
    make_user(Role.CITY_STAFF, username="wang")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"nobody-{attempt}", "wrong", address="10.0.3.3")
    response = _login(client, "wang", factories.PASSWORD, address="10.0.3.3")
    assert response.status_code == 429
    # The same account from another address is not locked: only the address was.
    assert _login(client, "wang", factories.PASSWORD, address="10.0.3.4").status_code == 302


def test_password_change_enforces_validators(client, make_user):
    user = make_user(Role.COUNTY_STAFF, county_code="410402")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": factories.PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password(factories.PASSWORD)


def test_password_change_accepts_a_strong_password(client, make_user):
    user = make_user(Role.COUNTY_STAFF, county_code="410402")
    client.force_login(user)
    new = "Pingdingshan-keji-2026!"
    response = client.post(
        reverse("password_change"), {"old_password": factories.PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_logout_requires_post_and_ends_the_session(client, make_user):
    client.force_login(make_user(Role.LEADER))
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("enterprises:list")).status_code == 302


def test_admin_is_only_for_city_admins(client, make_user):
    client.force_login(make_user(Role.CITY_STAFF))
    assert client.get("/admin/").status_code == 302
    client.force_login(make_user(Role.CITY_ADMIN))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/enterprises/enterprise/").status_code == 200
