"""The second factor: enrolment with a locally drawn QR code, the code at every login, single-use recovery codes,
and the roles that need it (settings.OTP_REQUIRED_ROLES)."""

import time
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.models import Role
from accounts.second_factor import enrolment_confirm, enrolment_device
from tests import factories

STAFF_ROLES = ["city_admin", "city_staff", "county_staff"]


@pytest.fixture
def second_factor_on(settings):
    settings.OTP_REQUIRED_ROLES = STAFF_ROLES


def _code(device, steps_ahead=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def _throttle_reset(user):
    """Forget the wrong codes' waiting time (one second after the first wrong code)."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)


def _log_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": factories.PASSWORD}, REMOTE_ADDR="10.7.0.1")


def _enrolled(user) -> list[str]:
    """Enrol `user` with an app and return the recovery codes; the app's next code is fresh again."""
    device = enrolment_device(user=user)
    codes = enrolment_confirm(user=user, device=device, code=_code(device))
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return codes


def test_enrolment_shows_a_local_qr_code_and_gives_recovery_codes(client, make_user, second_factor_on):
    make_user(Role.CITY_STAFF, username="new-staff")
    assert _log_in(client, "new-staff").status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("second_factor"))
    assert client.get(home["Location"])["Location"].startswith(reverse("second_factor_setup"))
    page = client.get(reverse("second_factor_setup")).content.decode()
    # The QR code is drawn into the page: an SVG path, no image fetched from anywhere.
    qr = page.split('id="enrolment-qr"')[1].split("</div>")[0]
    assert "<svg" in qr and "<path d=" in qr and "<img" not in qr and "src=" not in qr
    device = TOTPDevice.objects.get(user__username="new-staff", confirmed=False)
    shown_secret = page.split('id="enrolment-secret">')[1].split("<")[0].replace(" ", "")
    assert b32decode(shown_secret) == device.bin_key
    wrong = client.post(reverse("second_factor_setup"), {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "That code is not right" in wrong.content.decode() or wrong.context["form"].errors
    response = client.post(reverse("second_factor_setup"), {"code": _code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("enterprises:list")).status_code == 200


def test_login_requires_the_code(client, make_user, second_factor_on):
    user = make_user(Role.COUNTY_STAFF, username="county-2fa", county_code="410402")
    _enrolled(user)
    _log_in(client, "county-2fa")
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("second_factor"))
    assert client.get("/api/v1/enterprises/").status_code == 403
    assert client.post(reverse("second_factor"), {"code": "12345678"}).status_code == 200
    assert client.get(reverse("enterprises:list")).status_code == 302
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("second_factor"), {"code": _code(device), "next": reverse("enterprises:list")})
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:list")
    assert client.get(reverse("enterprises:list")).status_code == 200
    assert client.get("/api/v1/enterprises/").status_code == 200


def test_a_recovery_code_works_once(client, make_user, second_factor_on):
    user = make_user(Role.CITY_ADMIN, username="admin-2fa")
    codes = _enrolled(user)
    _log_in(client, "admin-2fa")
    assert client.post(reverse("second_factor"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("enterprises:list")).status_code == 200
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 9
    # Only a keyed hash of each code is kept, never the code itself.
    assert not stored & {code.replace("-", "") for code in codes} and not stored & set(codes)
    client.post(reverse("logout"))
    _log_in(client, "admin-2fa")
    response = client.post(reverse("second_factor"), {"code": codes[0]})
    assert response.status_code == 200 and response.context["form"].errors
    assert client.get(reverse("enterprises:list")).status_code == 302
    # A wrong code makes the next try wait (django-otp's throttling), even with a right code.
    client.cookies["portal_language"] = "en"
    throttled = client.post(reverse("second_factor"), {"code": codes[1]})
    assert throttled.status_code == 200 and "Wait" in throttled.content.decode()
    _throttle_reset(user)
    assert client.post(reverse("second_factor"), {"code": codes[1]}).status_code == 302


@pytest.mark.parametrize(
    ("role", "required_roles", "held"),
    [
        (Role.CITY_ADMIN, STAFF_ROLES, True),
        (Role.CITY_STAFF, STAFF_ROLES, True),
        (Role.COUNTY_STAFF, STAFF_ROLES, True),
        (Role.LEADER, STAFF_ROLES, False),
        (Role.ENTERPRISE, STAFF_ROLES, False),
        (Role.CITY_ADMIN, [], False),
    ],
)
def test_the_setting_decides_which_roles_need_the_code(client, settings, db, role, required_roles, held):
    settings.OTP_REQUIRED_ROLES = required_roles
    extra = {"enterprise": factories.EnterpriseFactory()} if role == Role.ENTERPRISE else {}
    extra |= {"county_code": "410402"} if role == Role.COUNTY_STAFF else {}
    factories.make_user(role, username="who", **extra)
    _log_in(client, "who")
    response = client.get(reverse("notifications:list"))
    assert (response.status_code == 302 and response["Location"].startswith(reverse("second_factor"))) is held


def test_the_token_endpoint_asks_for_the_code(client, make_user, second_factor_on):
    user = make_user(Role.CITY_STAFF, username="api-2fa")
    codes = _enrolled(user)
    body = {"username": "api-2fa", "password": factories.PASSWORD}
    assert client.post("/api/v1/auth/token/", body).status_code == 400
    assert client.post("/api/v1/auth/token/", {**body, "code": "123456"}).status_code == 400
    assert not AuthToken.objects.exists()
    _throttle_reset(user)
    device = TOTPDevice.objects.get(user=user)
    assert client.post("/api/v1/auth/token/", {**body, "code": _code(device)}).status_code == 200
    assert client.post("/api/v1/auth/token/", {**body, "code": codes[0]}).status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 2


def test_a_held_staff_account_gives_the_code_then_changes_its_password(client, make_user, second_factor_on):
    user = make_user(Role.CITY_STAFF, username="held-staff")
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    _enrolled(user)
    _log_in(client, "held-staff")
    first = client.get(reverse("home"))
    assert first["Location"] == reverse("password_change")
    to_code = client.get(first["Location"])
    assert to_code.status_code == 302 and to_code["Location"].startswith(reverse("second_factor"))
    assert client.get(reverse("second_factor")).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("second_factor"), {"code": _code(device)})
    assert client.get(reverse("password_change")).status_code == 200


def test_make_run_asks_no_second_factor_and_production_does():
    """The demo's accounts log in with their password under `make run`; production asks staff for the code."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    def roles(module: str) -> str:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": module, "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "portal"}
        env.pop("OTP_REQUIRED_ROLES", None)
        script = "from django.conf import settings; print(','.join(settings.OTP_REQUIRED_ROLES))"
        run = subprocess.run([sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, capture_output=True)
        return run.stdout.decode().strip()

    assert roles("config.settings.local") == ""
    assert roles("config.settings.production") == ",".join(STAFF_ROLES)
