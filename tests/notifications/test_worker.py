"""A failing SMS gateway in a real Celery worker against Redis: the delivery is retried through the broker with its
backoff (not inline), the log shows each try, and the bell's notification stays."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from accounts.models import Role
from config.celery import app
from notifications.models import ChannelPreference, Delivery, DeliveryLog, DeliveryStatus, Notification
from tests import factories
from tests.notifications.test_channels import KIND, Gateway
from tests.processes import process_env, wait_for

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The test process runs tasks inline; this one is sent to the worker on purpose.
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


@pytest.fixture
def gateway():
    with Gateway([500, 502, 200]) as server:
        yield server


@pytest.fixture
def worker(require_postgres, require_redis, tmp_path, gateway):
    queue = f"notifications-test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / "worker.log"
    env = process_env(
        queue, SMS_BACKEND="notifications.sms.HttpGatewayBackend", SMS_GATEWAY_URL=gateway.url,
        SMS_GATEWAY_KEY="worker-key", SMS_TEMPLATE_IDS=f"{KIND}=SMS_RETURNED_01", NOTIFICATION_RETRY_DELAY_S="1",
        NOTIFICATION_SEND_MAX_ATTEMPTS="4",
    )  # fmt: skip
    with open(log_path, "a") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1", "-Q", queue,
             "-n", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "INFO"],
            cwd=Path(settings.BASE_DIR), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_for(lambda: " ready." in log_path.read_text() or process.poll() is not None, timeout=60, interval=0.1,
                 what="the worker to be ready")  # fmt: skip
        assert process.poll() is None, log_path.read_text()[-3000:]
        yield {"queue": queue, "log": log_path}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        redis.Redis.from_url(settings.REDIS_URL).delete(queue)


def test_a_failing_gateway_is_retried_by_the_worker(worker, gateway, make_user):
    firm = factories.EnterpriseFactory()
    user = make_user(Role.ENTERPRISE, enterprise=firm)
    user.phone = "13912345678"
    user.save()
    ChannelPreference.objects.create(user=user, sms=True)
    notification = Notification.objects.create(
        recipient_enterprise=firm, kind=KIND, text="Voucher claim %(reference)s was returned for changes: %(comment)s",
        params={"reference": "CX2026-000042", "comment": "缺少合同"},
    )  # fmt: skip
    app.send_task("notifications.plan_deliveries", args=([notification.pk],), queue=worker["queue"])

    def sent():
        return Delivery.objects.filter(status=DeliveryStatus.SENT).first()

    delivery = wait_for(sent, timeout=60, interval=0.2, what=f"the delivery\n{worker['log'].read_text()[-3000:]}")
    assert delivery.attempts == 3
    assert list(DeliveryLog.objects.values_list("attempt", "status")) == [
        (1, DeliveryStatus.RETRYING), (2, DeliveryStatus.RETRYING), (3, DeliveryStatus.SENT)
    ]  # fmt: skip
    assert "answered 502" in DeliveryLog.objects.get(attempt=2).error
    # Retried through the broker, after its backoff: the worker logged each retry.
    assert worker["log"].read_text().count("Retry in") == 2
    assert [r["body"]["template_id"] for r in gateway.received] == ["SMS_RETURNED_01"] * 3
    assert Notification.objects.filter(pk=notification.pk).exists()
