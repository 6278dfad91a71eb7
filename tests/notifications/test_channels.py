"""Reminders outside the portal: the channels each user chose, the file backends' output, a failing SMS gateway
retried without losing the in-portal notification, the sweep, a delivery task delivered twice."""

import datetime
import json
import threading
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from notifications.models import ChannelPreference, Delivery, DeliveryLog, DeliveryStatus, Notification
from notifications.services import NotificationDraft, notifications_create
from notifications.tasks import send_delivery, sweep_deliveries
from tests import factories
from tests.vouchers import factories as vf
from vouchers.models import ClaimStatus, VoucherClaim
from vouchers.workflows import claim_transition

KIND = "voucher_claim_returned"


@pytest.fixture
def firm_people(make_user):
    firm = factories.EnterpriseFactory(contact_phone="13700001111")
    by_mail = make_user(Role.ENTERPRISE, enterprise=firm)
    by_mail.email = "zhang@example.cn"
    by_mail.save()
    by_sms = make_user(Role.ENTERPRISE, enterprise=firm)
    by_sms.phone = "13912345678"
    by_sms.save()
    bell_only = make_user(Role.ENTERPRISE, enterprise=firm)
    bell_only.email = "li@example.cn"
    bell_only.save()
    ChannelPreference.objects.create(user=by_mail, email=True, sms=False)
    ChannelPreference.objects.create(user=by_sms, email=False, sms=True)
    return {"firm": firm, "by_mail": by_mail, "by_sms": by_sms, "bell_only": bell_only}


def remind(firm, django_capture_on_commit_callbacks, *, kind=KIND, reference="CX2026-000007"):
    with django_capture_on_commit_callbacks(execute=True):
        return notifications_create(
            drafts=[
                NotificationDraft(
                    kind=kind,
                    text="Voucher claim %(reference)s was returned for changes: %(comment)s",
                    params={"reference": reference, "comment": "发票金额不符"},
                    enterprise_id=firm.pk,
                )
            ]
        )[0]


def sms_lines(settings) -> list[dict]:
    if not settings.SMS_FILE_PATH.exists():
        return []
    return [json.loads(line) for line in settings.SMS_FILE_PATH.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def sms_file(settings, tmp_path):
    settings.SMS_BACKEND = "notifications.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms" / "messages.jsonl"
    settings.SMS_TEMPLATE_IDS = {KIND: "SMS_RETURNED_01"}
    return settings.SMS_FILE_PATH


def test_channel_selection_is_honoured(firm_people, sms_file, settings, django_capture_on_commit_callbacks):
    notification = remind(firm_people["firm"], django_capture_on_commit_callbacks)
    deliveries = {(d.user_id, d.channel, d.status) for d in Delivery.objects.all()}
    assert deliveries == {
        (firm_people["by_mail"].pk, "email", DeliveryStatus.SENT),
        (firm_people["by_sms"].pk, "sms", DeliveryStatus.SENT),
    }
    assert [message.to for message in mail.outbox] == [["zhang@example.cn"]]
    assert [line["phone"] for line in sms_lines(settings)] == ["13912345678"]
    # The bell has it for every user of the firm, whatever they chose.
    assert Notification.objects.get() == notification
    # A notification that is not a reminder stays in the portal.
    with django_capture_on_commit_callbacks(execute=True):
        notifications_create(drafts=[NotificationDraft(text="Claim approved.", enterprise_id=firm_people["firm"].pk)])
    assert Delivery.objects.count() == 2 and len(mail.outbox) == 1


def test_a_user_without_a_phone_reads_the_firms_contact_phone(firm_people, sms_file, settings,
                                                             django_capture_on_commit_callbacks):  # fmt: skip
    ChannelPreference.objects.filter(user=firm_people["by_mail"]).update(sms=True)
    remind(firm_people["firm"], django_capture_on_commit_callbacks)
    assert sorted(line["phone"] for line in sms_lines(settings)) == ["13700001111", "13912345678"]
    masked = set(Delivery.objects.filter(channel="sms").values_list("address_masked", flat=True))
    assert masked == {"137****1111", "139****5678"}


def test_the_file_backends_write_the_message(firm_people, sms_file, settings, tmp_path,
                                             django_capture_on_commit_callbacks):  # fmt: skip
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    settings.DEFAULT_FROM_EMAIL = "portal@kjj.example.cn"
    settings.PORTAL_BASE_URL = "https://portal.example.cn/"
    notification = remind(firm_people["firm"], django_capture_on_commit_callbacks)
    Notification.objects.filter(pk=notification.pk).update(link="/vouchers/claims/7/")
    (mail_file,) = (tmp_path / "mail").iterdir()
    message = message_from_bytes(mail_file.read_bytes().split(b"\n" + b"-" * 79)[0])
    assert message["To"] == "zhang@example.cn"
    assert message["From"] == "portal@kjj.example.cn"
    assert str(make_header(decode_header(message["Subject"]))) == "科技服务平台的提醒"
    body = message.get_payload(decode=True).decode("utf-8")
    assert "CX2026-000007" in body and "发票金额不符" in body
    (line,) = sms_lines(settings)
    assert line["phone"] == "13912345678"
    assert line["kind"] == KIND and line["template_id"] == "SMS_RETURNED_01"
    assert line["params"] == {"reference": "CX2026-000007", "comment": "发票金额不符"}
    assert "CX2026-000007" in line["text"] and "发票金额不符" in line["text"]
    datetime.datetime.fromisoformat(line["at"])


class Gateway:
    """A tiny SMS gateway on a local port answering each POST with the next status of `statuses` (the last one
    repeated), keeping what it was sent."""

    def __init__(self, statuses):
        self.statuses, self.received = list(statuses), []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append({"key": self.headers["X-Api-Key"], "body": json.loads(body)})
                status = gateway.statuses.pop(0) if len(gateway.statuses) > 1 else gateway.statuses[0]
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway_settings(settings):
    settings.SMS_BACKEND = "notifications.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_KEY = "test-key"
    settings.SMS_TEMPLATE_IDS = {KIND: "SMS_RETURNED_01"}
    settings.NOTIFICATION_SEND_MAX_ATTEMPTS = 3
    return settings


def _returned_claim(world, people, django_capture_on_commit_callbacks):
    """A claim of the firm, returned for changes by the county through the workflow itself."""
    claim = vf.move(vf.draft(world["policy"], world["enterprise"]), vf.PATHS[ClaimStatus.SUBMITTED], people)
    with django_capture_on_commit_callbacks(execute=True):
        claim_transition(claims=[claim], to=ClaimStatus.RETURNED, actor=world["county"], comment="缺少付款凭证")
    return claim


def test_a_failing_gateway_is_retried_without_losing_the_notification(voucher_world, actors, gateway_settings,
                                                                      django_capture_on_commit_callbacks):  # fmt: skip
    firm_user = voucher_world["enterprise"]
    firm_user.phone = "13912345678"
    firm_user.save()
    ChannelPreference.objects.create(user=firm_user, sms=True)
    with Gateway([500, 200]) as gateway:
        gateway_settings.SMS_GATEWAY_URL = gateway.url
        claim = _returned_claim(voucher_world, actors, django_capture_on_commit_callbacks)
    assert VoucherClaim.objects.get(pk=claim.pk).status == ClaimStatus.RETURNED
    notification = Notification.objects.get(recipient_enterprise=voucher_world["firm"], kind=KIND)
    assert claim.reference in notification.message
    delivery = Delivery.objects.get(notification=notification)
    assert (delivery.channel, delivery.status, delivery.attempts) == ("sms", DeliveryStatus.SENT, 2)
    log = list(DeliveryLog.objects.filter(delivery=delivery).values_list("attempt", "status", "error"))
    assert log == [
        (1, DeliveryStatus.RETRYING, "the SMS gateway answered 500 Internal Server Error"),
        (2, DeliveryStatus.SENT, ""),
    ]
    assert len(gateway.received) == 2
    assert gateway.received[-1] == {
        "key": "test-key",
        "body": {"phone": "13912345678", "template_id": "SMS_RETURNED_01",
                 "params": {"reference": claim.reference, "comment": "缺少付款凭证"}},
    }  # fmt: skip


def test_a_gateway_down_gives_up_and_keeps_the_notification(voucher_world, actors,
                                                              gateway_settings,
                                                              django_capture_on_commit_callbacks):  # fmt: skip
    firm_user = voucher_world["enterprise"]
    firm_user.phone = "13912345678"
    firm_user.save()
    ChannelPreference.objects.create(user=firm_user, sms=True)
    with Gateway([503]) as gateway:
        gateway_settings.SMS_GATEWAY_URL = gateway.url
        claim = _returned_claim(voucher_world, actors, django_capture_on_commit_callbacks)
    assert VoucherClaim.objects.get(pk=claim.pk).status == ClaimStatus.RETURNED
    assert Notification.objects.filter(recipient_enterprise=voucher_world["firm"], kind=KIND).count() == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert list(DeliveryLog.objects.values_list("status", flat=True)) == [
        DeliveryStatus.RETRYING, DeliveryStatus.RETRYING, DeliveryStatus.FAILED
    ]  # fmt: skip
    assert len(gateway.received) == 3
    # A task delivered again for a delivery given up does nothing.
    send_delivery.delay(delivery.pk)
    assert DeliveryLog.objects.count() == 3


def test_a_kind_without_a_template_is_not_sent_nor_retried(firm_people, gateway_settings,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    gateway_settings.SMS_TEMPLATE_IDS = {}
    gateway_settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/never"
    remind(firm_people["firm"], django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(channel="sms")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "no SMS template id" in delivery.error


def test_the_sweep_sends_a_delivery_left_waiting(firm_people, sms_file, settings):
    notification = notifications_create(
        drafts=[NotificationDraft(kind=KIND, text="x", enterprise_id=firm_people["firm"].pk)]
    )[0]  # no commit callbacks: as if the task were lost
    delivery = Delivery.objects.create(notification=notification, user=firm_people["by_sms"], channel="sms")
    assert sweep_deliveries.delay().get() == 0  # too recent: its task may be on its way
    Delivery.objects.filter(pk=delivery.pk).update(
        updated_at=timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER_S + 1)
    )
    assert sweep_deliveries.delay().get() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    send_delivery.delay(delivery.pk)  # delivered twice: sent once
    assert len(sms_lines(settings)) == 1 and DeliveryLog.objects.count() == 1


def test_a_try_under_way_is_not_started_twice(firm_people, sms_file, settings):
    notification = notifications_create(
        drafts=[NotificationDraft(kind=KIND, text="x", enterprise_id=firm_people["firm"].pk)]
    )[0]
    # A try started and not finished (its task delivered twice, or its worker killed midway).
    delivery = Delivery.objects.create(notification=notification, user=firm_people["by_sms"], channel="sms", attempts=1)
    assert send_delivery.delay(delivery.pk).get() == "nothing"
    assert sms_lines(settings) == []
    # Left like that past NOTIFICATION_STUCK_AFTER_S, it was lost: the sweep sends it.
    Delivery.objects.filter(pk=delivery.pk).update(
        updated_at=timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_STUCK_AFTER_S + 1)
    )
    assert sweep_deliveries.delay().get() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert len(sms_lines(settings)) == 1
