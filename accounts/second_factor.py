"""The second factor (django-otp): an authenticator app's six-digit code (TOTP), or one of the single-use recovery
codes handed out at enrolment (a static device).

Which roles must use it is settings.OTP_REQUIRED_ROLES (`accounts.permissions.needs_second_factor`). The QR code
that carries the app's secret is drawn here as SVG, on the server: the secret never leaves the portal.
"""

import re
import secrets
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

APP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"
APP_CODE = re.compile(r"^\d{6}$")


def is_enrolled(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (the same one until it is confirmed, so a reload keeps the QR)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def enrolment_qr_svg(*, device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code (drawn locally, no image service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return mark_safe(image.to_string(encoding="unicode"))  # drawn by qrcode from the device: no user input


def enrolment_secret(*, device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for an app that cannot scan."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _recovery_digest(code: str) -> str:
    """What is stored of a recovery code: a keyed hash (HMAC-SHA256 under SECRET_KEY, the 16 characters django-otp's
    token column holds), never the code. Changing SECRET_KEY therefore retires every recovery code."""
    normalised = re.sub(r"[\s-]", "", code).lower()
    return salted_hmac("accounts.recovery-code", normalised, algorithm="sha256").hexdigest()[:16]


def _new_recovery_codes(*, user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    # 12 base32 characters (60 random bits), shown in three groups of four.
    raw = [b32encode(secrets.token_bytes(8)).decode().lower()[:12] for _ in range(settings.OTP_RECOVERY_CODES)]
    codes = ["-".join(code[i : i + 4] for i in range(0, 12, 4)) for code in raw]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=_recovery_digest(code)) for code in codes)
    return codes


@transaction.atomic
def enrolment_confirm(*, user: User, device: TOTPDevice, code: str, request=None) -> list[str]:
    """Confirm the authenticator with its first code: the old one (if any) goes, recovery codes are made anew and
    returned (to be shown once), and the session counts as verified."""
    code = (code or "").strip().replace(" ", "")
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(_("This set-up has expired. Open the page again."))
    if not APP_CODE.match(code) or not device.verify_token(code):
        raise ValidationError({"code": _("That code is not right. Type the six digits the app shows now.")})
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user=user)
    if request is not None:
        otp_login(request, device)
    return codes


def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes for an enrolled user (the old ones stop working); shown once."""
    if not is_enrolled(user=user):
        raise ValidationError(_("Set up the authenticator app first."))
    with transaction.atomic():
        return _new_recovery_codes(user=user)


def code_check(*, user: User, code: str):
    """The device that accepts `code` (a six-digit app code, or a recovery code, which is then used up), else None.
    Each device counts its failures and doubles the wait before the next try (django-otp's throttling): a try
    during the wait raises ValidationError saying how long to wait."""
    code = (code or "").strip().replace(" ", "").lower()
    if not code:
        return None
    if APP_CODE.match(code):
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
        code = _recovery_digest(code)
    with transaction.atomic():
        for device in devices.select_for_update():
            allowed, details = device.verify_is_allowed()
            if not allowed:
                wait = (details or {}).get("locked_until")
                seconds = max(1, int((wait - timezone.now()).total_seconds()) + 1) if wait else 1
                raise ValidationError(
                    _("Too many wrong codes. Wait %(seconds)d seconds and try again.") % {"seconds": seconds}
                )
            if device.verify_token(code):
                return device
    return None


def session_verify(*, request, code: str) -> bool:
    """Check the signed-in user's code and mark the session verified when it is right."""
    device = code_check(user=request.user, code=code)
    if device is None:
        return False
    otp_login(request, device)
    return True
