import re

import pytest

from accounts.models import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_county_staff_sees_only_own_county_and_switches_language(live_server, page, make_user, two_counties):
    make_user(Role.COUNTY_STAFF, username="xinhua-staff", county_code="410402")
    home, away = two_counties["home"], two_counties["away"]

    page.goto(f"{live_server.url}/enterprises/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "xinhua-staff")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/enterprises/$"))

    # Chinese by default even though the browser asks for English.
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    rows = page.locator("#enterprise-table tbody tr td.name a")
    assert sorted(rows.all_inner_texts()) == sorted(e.name for e in home)
    body = page.inner_text("body")
    assert all(e.name not in body for e in away)
    assert "新华区" in page.inner_text("#enterprise-table")
    assert "汝州市" not in page.inner_text("#enterprise-table")

    page.click(f"text={home[0].name}")
    page.wait_for_url(re.compile(rf".*/enterprises/{home[0].credit_code}/$"))
    assert page.inner_text("#enterprise-name") == home[0].name
    assert page.locator("#indicators").is_visible()

    page.select_option("#language-select", "en")
    page.wait_for_load_state("load")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url.endswith(f"/enterprises/{home[0].credit_code}/")
    assert "Annual indicators" in page.inner_text("body")
    assert "Credit code" in page.inner_text("body")

    # A firm of another county does not exist for this user.
    response = page.goto(f"{live_server.url}/enterprises/{away[0].credit_code}/")
    assert response.status == 404
