"""The city administrator finds the access log in the account menu, filters it by kind in headless Chromium, and
downloads it as xlsx; the download is itself a new entry of the log."""

import re

import pytest

from accounts.models import Role
from audit.models import AccessEvent
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_admin_filters_and_exports_the_access_log(page, live_server):
    admin = factories.make_user(Role.CITY_ADMIN, username="city-admin")
    staff = factories.make_user(Role.CITY_STAFF, username="wang")
    AccessEvent.objects.create(actor=staff, kind=AccessEvent.Kind.EXPORT, what="企业名录", rows=3,
                               filters=[["县（市、区）", "新华区"]])  # fmt: skip
    AccessEvent.objects.create(actor=staff, kind=AccessEvent.Kind.CONTACT_VIEW, what="企业联系方式")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
    page.click("#user-menu")
    page.click("#nav-access-log")
    page.wait_for_url(re.compile(r"/audit/$"))
    assert page.locator("#access-table tbody tr").count() == 2

    page.select_option("#id_kind", AccessEvent.Kind.EXPORT.value)
    page.click("#access-filters button[type=submit]")
    page.wait_for_url(re.compile(r"kind=export"))
    rows = page.locator("#access-table tbody tr")
    assert rows.count() == 1 and "新华区" in rows.first.inner_text()

    with page.expect_download() as download:
        page.click("#access-export")
    assert download.value.suggested_filename.endswith(".xlsx")
    logged = AccessEvent.objects.get(actor=admin)
    assert logged.rows == 1
