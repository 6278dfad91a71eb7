"""A new one-time password for an existing enterprise account: staff in scope only, audited, forced change."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role, User
from firm_accounts.models import OneTimePasswordIssue
from firm_accounts.passwords import firm_accounts, one_time_password_issue
from tests import factories


@pytest.fixture
def firm_accounts_in_two_counties(two_counties, make_user):
    home, away = two_counties["home"][0], two_counties["away"][0]
    return {
        "home": make_user(Role.ENTERPRISE, username="home-firm", enterprise=home),
        "away": make_user(Role.ENTERPRISE, username="away-firm", enterprise=away),
    }


def test_issue_sets_a_working_password_to_change_and_audits(firm_accounts_in_two_counties, make_user):
    account = firm_accounts_in_two_counties["home"]
    staff = make_user(Role.COUNTY_STAFF, county_code="410402")
    password = one_time_password_issue(account=account, actor=staff, reason="Handout lost")
    account.refresh_from_db()
    assert account.must_change_password
    assert account.check_password(password)
    issue = OneTimePasswordIssue.objects.get()
    assert (issue.account, issue.issued_by, issue.reason) == (account, staff, "Handout lost")
    assert password not in str(issue.__dict__)


def test_issue_needs_a_reason_and_changes_nothing_without(firm_accounts_in_two_counties, make_user):
    account = firm_accounts_in_two_counties["home"]
    before = User.objects.get(pk=account.pk).password
    with pytest.raises(ValidationError):
        one_time_password_issue(account=account, actor=make_user(Role.CITY_STAFF), reason="  ")
    assert User.objects.get(pk=account.pk).password == before and not OneTimePasswordIssue.objects.exists()


def test_county_staff_cannot_reach_another_countys_accounts(client, firm_accounts_in_two_counties, make_user):
    away = firm_accounts_in_two_counties["away"]
    before = User.objects.get(pk=away.pk).password
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    url = reverse("firm_accounts:one-time-password", args=[away.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert User.objects.get(pk=away.pk).password == before


@pytest.mark.parametrize("role", [Role.LEADER, Role.ENTERPRISE])
def test_roles_that_do_not_manage_accounts_cannot_issue(client, firm_accounts_in_two_counties, make_user, role):
    home = firm_accounts_in_two_counties["home"]
    enterprise = home.enterprise if role == Role.ENTERPRISE else None
    user = make_user(role, enterprise=enterprise)
    assert firm_accounts(user=user, enterprise=home.enterprise) == []
    client.force_login(user)
    response = client.post(reverse("firm_accounts:one-time-password", args=[home.pk]), {"reason": "x"})
    assert response.status_code in (403, 404) and not OneTimePasswordIssue.objects.exists()


def test_firm_page_panel_and_the_page_showing_the_password(client, firm_accounts_in_two_counties, make_user):
    home = firm_accounts_in_two_counties["home"]
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    page = client.get(reverse("enterprises:detail", args=[home.enterprise.credit_code])).content.decode()
    assert 'id="firm-accounts"' in page and "home-firm" in page
    response = client.post(reverse("firm_accounts:one-time-password", args=[home.pk]), {"reason": "New contact"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = response.context["one_time_password"]
    assert password in response.content.decode()
    assert User.objects.get(username="home-firm").check_password(password)
    # The firm's own user sees no accounts panel on its page.
    client.force_login(home)
    User.objects.filter(pk=home.pk).update(must_change_password=False)
    page = client.get(reverse("enterprises:detail", args=[home.enterprise.credit_code])).content.decode()
    assert 'id="firm-accounts"' not in page


def test_panel_lists_only_enterprise_accounts_of_the_firm(firm_accounts_in_two_counties, make_user):
    home = firm_accounts_in_two_counties["home"]
    factories.EnterpriseFactory()  # another firm, with no account
    staff = make_user(Role.CITY_STAFF)
    assert firm_accounts(user=staff, enterprise=home.enterprise) == [home]
