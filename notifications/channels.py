"""The channels a reminder goes out by besides the bell (which every notification reaches, always first).

A channel knows a user's address for it, masks it for the log, and sends one notification there. The registry
holds e-mail and SMS; another channel is one `register_channel` call (ARCHITECTURE.md, "Where things go"). A send
raises `ChannelError` when trying again may work, `ChannelRefused` when it will not."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext

from notifications import sms
from notifications.models import Channel as ChannelKey


class ChannelError(Exception):
    """This try failed; a later one may work (retried)."""


class ChannelRefused(Exception):
    """The message cannot go out by this channel as it is (not retried)."""


@dataclass(frozen=True)
class Channel:
    key: str
    address_of: Callable  # (user) -> str, "" when the user has none
    mask: Callable  # (address) -> str
    send: Callable  # (*, address, notification) -> None


_CHANNELS: dict[str, Channel] = {}


def register_channel(channel: Channel) -> None:
    _CHANNELS[channel.key] = channel


def get_channel(key: str) -> Channel:
    return _CHANNELS[key]


def channels() -> list[Channel]:
    return list(_CHANNELS.values())


def mask_email(address: str) -> str:
    name, _, domain = address.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"


def mask_phone(number: str) -> str:
    digits = number.strip()
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 8 else "****"


def email_address(user) -> str:
    return (user.email or "").strip()


def phone_number(user) -> str:
    """The user's own phone, else (a firm's user) the firm's contact phone."""
    if (user.phone or "").strip():
        return user.phone.strip()
    enterprise = getattr(user, "enterprise", None)
    return (enterprise.contact_phone or "").strip() if enterprise is not None else ""


def _message_text(notification) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return notification.message


def send_email(*, address: str, notification) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("A reminder from the science and technology portal")
        body = notification.message
    if notification.link and settings.PORTAL_BASE_URL:
        body += "\n\n" + settings.PORTAL_BASE_URL.rstrip("/") + notification.link
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except OSError as error:  # SMTP errors are OSErrors: the server refused or could not be reached
        raise ChannelError(f"the mail server did not take the message: {error}") from None


def send_sms(*, address: str, notification) -> None:
    params = {key: str(value) for key, value in (notification.params or {}).items()}
    message = sms.SmsMessage(phone=address, text=_message_text(notification), kind=notification.kind, params=params)
    try:
        sms.get_backend().send(message)
    except sms.SmsRefused as error:
        raise ChannelRefused(str(error)) from None
    except sms.SmsError as error:
        raise ChannelError(str(error)) from None


register_channel(Channel(ChannelKey.EMAIL, address_of=email_address, mask=mask_email, send=send_email))
register_channel(Channel(ChannelKey.SMS, address_of=phone_number, mask=mask_phone, send=send_sms))
