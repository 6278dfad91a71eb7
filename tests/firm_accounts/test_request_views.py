import re

import pytest
from django.urls import reverse

from accounts.models import Role, User
from enterprises.credit_codes import make_credit_code
from firm_accounts.models import AccountRequest, AccountRequestState
from tests import factories
from tests.firm_accounts.factories import account_request

# Session, user, then the page: count of the list, the list itself (registry firm, county, deciders, user counts in
# one query), the counties for the filter; the access log's row (the page shows contact persons).
QUEUE_PAGE_QUERIES = 6
UNKNOWN_CODE = make_credit_code("91410400MA0000001")


def _request_form(credit_code, **overrides):
    return {
        "credit_code": credit_code,
        "firm_name": "平顶山测试科技有限公司",
        "contact_person": "张三",
        "phone": "139-1234-5678",
        "email": "",
        **overrides,
    }


def test_login_page_links_to_the_public_request_page(anonymous_client):
    page = anonymous_client.get(reverse("login")).content.decode()
    assert reverse("firm_accounts:request") in page and reverse("firm_accounts:request-status") in page


def test_public_request_page_opens_without_login(anonymous_client):
    response = anonymous_client.get(reverse("firm_accounts:request"))
    assert response.status_code == 200
    assert b'name="credit_code"' in response.content


def test_public_request_goes_to_its_status_page_with_the_reference(anonymous_client):
    firm = factories.EnterpriseFactory()
    response = anonymous_client.post(reverse("firm_accounts:request"), _request_form(firm.credit_code), follow=True)
    request = AccountRequest.objects.get()
    assert request.state == AccountRequestState.PENDING
    page = response.content.decode()
    assert request.reference in page and 'id="keep-reference"' in page
    assert 'id="public-state"' in page


def test_public_request_with_a_bad_credit_code_says_what_is_wrong(anonymous_client):
    response = anonymous_client.post(
        reverse("firm_accounts:request"), _request_form("914104020000000001"), HTTP_COOKIE="portal_language=en"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"]
    assert "check character" in response.content.decode()
    assert not AccountRequest.objects.exists()


def test_public_request_twice_for_the_same_firm_is_refused(anonymous_client):
    firm = factories.EnterpriseFactory()
    anonymous_client.post(reverse("firm_accounts:request"), _request_form(firm.credit_code))
    response = anonymous_client.post(
        reverse("firm_accounts:request"), _request_form(firm.credit_code, contact_person="赵六")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"]
    assert AccountRequest.objects.count() == 1


def test_public_requests_are_rate_limited_per_address(anonymous_client, settings):
    settings.ACCOUNT_REQUEST_RATE = "2/h"
    for _ in range(2):
        code = factories.EnterpriseFactory().credit_code
        assert anonymous_client.post(reverse("firm_accounts:request"), _request_form(code)).status_code == 302
    response = anonymous_client.post(
        reverse("firm_accounts:request"), _request_form(factories.EnterpriseFactory().credit_code)
    )
    assert response.status_code == 429
    assert AccountRequest.objects.count() == 2


def test_status_page_shows_the_refusal_reason(anonymous_client, reviewers):
    from firm_accounts.workflows import account_request_transition

    request = account_request()
    account_request_transition(account_request=request, to="refused", actor=reviewers["city"], reason="名称与执照不符")
    response = anonymous_client.get(reverse("firm_accounts:request-status"), {"reference": request.reference.lower()})
    assert "名称与执照不符" in response.content.decode()
    missing = anonymous_client.get(reverse("firm_accounts:request-status"), {"reference": "AR0000000000"})
    assert missing.context["form"].errors["reference"]
    assert "名称与执照不符" not in missing.content.decode()


@pytest.mark.parametrize("role", [Role.LEADER, Role.OFFICER])
def test_queue_is_for_reviewers_only(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("firm_accounts:requests")).status_code == 403


def test_queue_anonymous_goes_to_login(client, db):
    response = client.get(reverse("firm_accounts:requests"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_queue_of_county_staff_shows_their_county_only(client, two_counties, reviewers):
    home = account_request(two_counties["home"][0])
    away = account_request(two_counties["away"][0])
    unknown = account_request(credit_code=UNKNOWN_CODE, firm_name="名录外公司")
    client.force_login(reviewers["xinhua"])
    page = client.get(reverse("firm_accounts:requests")).content.decode()
    assert home.reference in page
    assert away.reference not in page and unknown.reference not in page
    assert client.get(reverse("firm_accounts:requests"), {"county": "410482"}).status_code == 404
    client.force_login(reviewers["city"])
    page = client.get(reverse("firm_accounts:requests")).content.decode()
    assert all(r.reference in page for r in (home, away, unknown))


def test_county_staff_get_404_on_another_countys_request(client, two_counties, reviewers):
    away = account_request(two_counties["away"][0])
    client.force_login(reviewers["xinhua"])
    assert client.get(reverse("firm_accounts:request-detail", args=[away.pk])).status_code == 404
    for decision, data in (("approve", {}), ("refuse", {"reason": "x"})):
        assert client.post(reverse("firm_accounts:request-decide", args=[away.pk, decision]), data).status_code == 404
    assert AccountRequest.objects.get(pk=away.pk).state == AccountRequestState.PENDING
    assert not User.objects.filter(role=Role.ENTERPRISE).exists()


@pytest.mark.parametrize("rows", [1, 12])
def test_queue_query_count_is_fixed(client, reviewers, django_assert_num_queries, rows):
    for index in range(rows):
        firm = factories.EnterpriseFactory(county=factories.county("410402"))
        account_request(firm)
        if index % 3 == 0:
            factories.make_user(Role.ENTERPRISE, enterprise=firm)
    account_request(credit_code=UNKNOWN_CODE, firm_name="名录外公司")
    client.force_login(reviewers["city"])
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        response = client.get(reverse("firm_accounts:requests"))
    assert len(response.context["page"].object_list) == rows + 1


def test_approval_over_http_shows_the_password_once_and_the_firm_must_change_it(client, reviewers, log_in_as):
    firm = factories.EnterpriseFactory(county=factories.county("410402"))
    request = account_request(firm)
    client.force_login(reviewers["xinhua"])
    detail = client.get(reverse("firm_accounts:request-detail", args=[request.pk]))
    assert detail.context["check"].in_registry
    response = client.post(reverse("firm_accounts:request-decide", args=[request.pk, "approve"]), {"username": ""})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = re.search(r'id="one-time-password">([^<]+)<', response.content.decode()).group(1)
    user = User.objects.get(enterprise=firm)
    assert log_in_as(user.username, password) == user
    # The password is nowhere else: not on the request, its events, or the detail page.
    again = client.get(reverse("firm_accounts:request-detail", args=[request.pk])).content.decode()
    assert password not in again
    assert password not in str(list(request.events.values_list("data", flat=True)))

    client.logout()
    logged_in = client.post(reverse("login"), {"username": user.username, "password": password}, REMOTE_ADDR="10.9.0.9")
    assert logged_in.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"] == reverse("password_change")
    new = "Yingcheng-keji-2026!"
    changed = client.post(
        reverse("password_change"), {"old_password": password, "new_password1": new, "new_password2": new}
    )
    assert changed.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    # Issue 19: no longer held on the password page, the firm's user reaches its home (its next steps).
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert reverse("enterprises:detail", args=[firm.credit_code]) in home.content.decode()


def test_refusal_over_http_needs_a_reason(client, reviewers):
    request = account_request()
    client.force_login(reviewers["city"])
    response = client.post(reverse("firm_accounts:request-decide", args=[request.pk, "refuse"]), {"reason": ""})
    assert response.status_code == 400
    assert response.context["refuse_form"].errors["reason"]
    assert AccountRequest.objects.get(pk=request.pk).state == AccountRequestState.PENDING
    response = client.post(reverse("firm_accounts:request-decide", args=[request.pk, "refuse"]), {"reason": "无法核实"})
    assert response.status_code == 302
    assert AccountRequest.objects.get(pk=request.pk).refusal_reason == "无法核实"


def test_unknown_firm_has_no_approve_form(client, reviewers):
    request = account_request(credit_code=UNKNOWN_CODE, firm_name="名录外公司")
    client.force_login(reviewers["city"])
    page = client.get(reverse("firm_accounts:request-detail", args=[request.pk])).content.decode()
    assert 'id="approve-form"' not in page and 'id="refuse-form"' in page


def test_public_request_reports_every_problem_at_once(anonymous_client):
    response = anonymous_client.post(
        reverse("firm_accounts:request"),
        {"credit_code": "123", "firm_name": "", "contact_person": "", "phone": "12", "email": "x"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"credit_code", "firm_name", "contact_person", "phone", "email"}
    assert not AccountRequest.objects.exists()
