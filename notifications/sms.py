"""SMS backends, chosen by settings.SMS_BACKEND (like Django's e-mail backends).

- `FileBackend` (the default): one JSON line per message appended to SMS_FILE_PATH, so that the embedded default
  needs nothing and a developer can read what would have gone out.
- `HttpGatewayBackend`: the government SMS platform. A POST of JSON to SMS_GATEWAY_URL with the key SMS_GATEWAY_KEY
  (header `X-Api-Key`), the phone number, the template id of the reminder's kind (SMS_TEMPLATE_IDS) and the
  template's parameters. Any answer but 2xx, or no answer, is a failure (`SmsError`) that the delivery retries; a
  kind without a template id cannot be sent (`SmsRefused`, not retried).
"""

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The message did not go out this time; trying again may work."""


class SmsRefused(Exception):
    """The message cannot go out as it is (no template for its kind); trying again will not help."""


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str
    kind: str = ""
    params: dict | None = None


class FileBackend:
    def send(self, message: SmsMessage) -> None:
        path = settings.SMS_FILE_PATH
        os.makedirs(os.path.dirname(path), exist_ok=True)
        line = {
            "at": timezone.now().isoformat(),
            "phone": message.phone,
            "kind": message.kind,
            "template_id": settings.SMS_TEMPLATE_IDS.get(message.kind, ""),
            "params": message.params or {},
            "text": message.text,
        }
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


class HttpGatewayBackend:
    def send(self, message: SmsMessage) -> None:
        template_id = settings.SMS_TEMPLATE_IDS.get(message.kind)
        if not template_id:
            raise SmsRefused(f"no SMS template id is set for reminders of kind '{message.kind}' (SMS_TEMPLATE_IDS)")
        if not settings.SMS_GATEWAY_URL:
            raise SmsRefused("SMS_GATEWAY_URL is not set")
        body = json.dumps(
            {"phone": message.phone, "template_id": template_id, "params": message.params or {}}, ensure_ascii=False
        ).encode("utf-8")
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "X-Api-Key": settings.SMS_GATEWAY_KEY},
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT_S) as response:
                response.read()
        except urllib.error.HTTPError as error:
            raise SmsError(f"the SMS gateway answered {error.code} {error.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SmsError(f"the SMS gateway could not be reached: {reason}") from None


def get_backend():
    return import_string(settings.SMS_BACKEND)()
