"""County staff import a file in the browser: upload, watch the progress bar while a real Celery worker (over
Redis) checks it, read the preview, commit, and see the result; the registry holds the rows afterwards."""

import os
import re
import signal
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Role
from config.celery import app as celery_app
from enterprises.credit_codes import make_credit_code
from enterprises.models import AnnualIndicator, Enterprise, ImportJob
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_queue(require_postgres, require_redis):
    """Tasks go to a queue of this test's own, through Redis, instead of running inline."""
    queue = f"test-import-{uuid.uuid4().hex[:8]}"
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    yield queue
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = saved


def start_worker(queue: str) -> subprocess.Popen:
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool", "solo"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "warning"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop_worker(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


def _csv(rows: int) -> bytes:
    lines = ["统一社会信用代码,企业名称,县区,年度,从业人员,科技人员,营业收入(万元),研发费用(万元),境内研发费用(万元)"]
    for n in range(rows):
        code = make_credit_code(f"91410402B{n:08d}")
        lines.append(f'{code},浏览器导入测试{n:05d}有限公司,新华区,2025,80,12,"1,250.5",３2.5,30')
    return "\n".join(lines).encode("gb18030")


def test_county_staff_import_shows_progress_preview_and_commits(live_server, page, make_user, celery_queue, tmp_path):
    make_user(Role.COUNTY_STAFF, username="xinhua-importer", county_code="410402")
    upload = tmp_path / "新华区2025年统计.csv"
    upload.write_bytes(_csv(40))

    page.goto(f"{live_server.url}/accounts/login/?next=/enterprises/import/")
    page.fill("#id_username", "xinhua-importer")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/enterprises/import/$"))

    page.set_input_files("#id_file", str(upload))
    page.click("#import-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/enterprises/import/\d+/$"))

    # No worker yet: the job waits in the queue and the page shows its progress bar.
    assert page.locator("#import-progress .progress").is_visible()
    assert page.get_attribute("#import-progress .progress", "aria-valuenow") == "0"
    worker = start_worker(celery_queue)
    try:
        # The bar polls; when the check is done the page reloads itself with the preview.
        page.wait_for_selector("#import-counts", timeout=60000)
        assert page.inner_text("[data-count=new_firms]") == "40"
        assert page.inner_text("[data-count=errors]") == "0"
        assert "GBK/GB18030" in page.inner_text("body")
        assert not Enterprise.objects.filter(name__startswith="浏览器导入测试").exists()

        page.click("#commit-button")
        page.wait_for_selector("#committed-box, #failed-box", timeout=60000)
        job = ImportJob.objects.get()
        assert job.status == ImportJob.Status.COMMITTED, job.message
    finally:
        stop_worker(worker)

    assert Enterprise.objects.filter(name__startswith="浏览器导入测试", county__code="410402").count() == 40
    row = AnnualIndicator.objects.get(enterprise__credit_code=make_credit_code("91410402B00000000"), year=2025)
    assert row.revenue == Decimal("12505000.00")
    assert row.rd_expense == Decimal("325000.00")
    assert connection.vendor == "postgresql"
