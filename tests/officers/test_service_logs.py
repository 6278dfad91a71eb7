"""Service logs: who records them, what is checked, and problems becoming demands."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from officers.models import Demand, DemandEvent, ServiceLog
from officers.services import service_log_create
from tests import factories
from tests.officers import factories as officer_factories

TODAY = timezone.localdate()


@pytest.fixture
def served(db):
    firm = factories.EnterpriseFactory()
    officer = officer_factories.officer()
    officer_factories.assign(firm, officer)
    return firm, officer


def log(firm, actor, **overrides):
    values = {"served_on": TODAY, "kind": "rd_accounting", "duration_minutes": 90, "what_done": "R&D ledger check"}
    return service_log_create(enterprise=firm, actor=actor, **{**values, **overrides})


def test_the_active_officer_records_a_service(served):
    firm, officer = served
    entry = log(firm, officer.user, follow_up="send the template", follow_up_on=TODAY + datetime.timedelta(days=7))
    assert (entry.officer, entry.enterprise, entry.created_by, entry.follow_up) == (
        officer, firm, officer.user, "send the template",
    )  # fmt: skip


@pytest.mark.parametrize("role", [Role.CITY_STAFF, Role.ENTERPRISE, Role.OFFICER])
def test_only_the_firms_active_officer_records(served, make_user, role):
    firm, _officer = served
    user = make_user(role, enterprise=firm if role == Role.ENTERPRISE else None)
    if role == Role.OFFICER:
        user = officer_factories.officer().user  # an officer, but not this firm's
    with pytest.raises(PermissionDenied):
        log(firm, user)
    assert not ServiceLog.objects.exists()


def test_bad_input_is_named_and_nothing_is_written(served):
    firm, officer = served
    with pytest.raises(ValidationError) as error:
        log(firm, officer.user, served_on=TODAY + datetime.timedelta(days=1), kind="karaoke", duration_minutes=0,
            what_done=" ")  # fmt: skip
    assert set(error.value.message_dict) == {"served_on", "kind", "duration_minutes", "what_done"}
    assert not ServiceLog.objects.exists()


def test_problems_raised_become_a_demand(served):
    firm, officer = served
    entry = log(firm, officer.user, problems="Needs a partner to test a new alloy",
                demand={"category": "technical", "urgency": "urgent"})  # fmt: skip
    demand = Demand.objects.get()
    assert (demand.enterprise, demand.source_log, demand.category, demand.urgency, demand.filed_by) == (
        firm, entry, "technical", "urgent", officer.user,
    )  # fmt: skip
    assert demand.description == "Needs a partner to test a new alloy" and demand.status == "submitted"
    assert DemandEvent.objects.get().to_state == "submitted"


def test_a_demand_needs_problems_described(served):
    firm, officer = served
    with pytest.raises(ValidationError) as error:
        log(firm, officer.user, demand={"category": "talent"})
    assert "problems" in error.value.message_dict
    assert not ServiceLog.objects.exists() and not Demand.objects.exists()


def test_log_through_the_page_and_the_api(client, served):
    firm, officer = served
    client.force_login(officer.user)
    response = client.post(
        f"/officers/firms/{firm.credit_code}/services/",
        {"served_on": TODAY.isoformat(), "kind": "ip", "duration_minutes": 30, "what_done": "patent plan",
         "problems": "no patent agent", "raise_demand": "on", "demand_category": "talent",
         "demand_urgency": "normal"},
    )  # fmt: skip
    assert response.status_code == 302
    assert ServiceLog.objects.get().kind == "ip" and Demand.objects.get().category == "talent"
    api = client.post(
        "/api/v1/service-logs/",
        {"credit_code": firm.credit_code, "served_on": TODAY.isoformat(), "kind": "finance", "duration_minutes": 45,
         "what_done": "loan options"},
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 201 and api.json()["kind"] == "finance"
    bad = client.post(
        "/api/v1/service-logs/",
        {"credit_code": firm.credit_code, "served_on": TODAY.isoformat(), "kind": "finance", "duration_minutes": 0,
         "what_done": "x"},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 400 and "duration_minutes" in bad.json()
    assert ServiceLog.objects.count() == 2


def test_my_firms_lists_overdue_first_with_plan_links(client, db):
    officer = officer_factories.officer()
    long_ago = timezone.now() - datetime.timedelta(days=200)
    recent, stale, never = factories.EnterpriseFactory.create_batch(3)
    for firm in (recent, stale, never):
        officer_factories.assign(firm, officer, started_at=long_ago)
    officer_factories.service(recent, officer, served_on=TODAY - datetime.timedelta(days=10))
    officer_factories.service(stale, officer, served_on=TODAY - datetime.timedelta(days=120))
    client.force_login(officer.user)
    response = client.get("/officers/my-firms/")
    rows = response.context["firms"]
    assert [(row.enterprise, row.overdue) for row in rows] == [(never, True), (stale, True), (recent, False)]
    assert rows[1].last_service == TODAY - datetime.timedelta(days=120)
    assert f"/cultivation/plans/{recent.credit_code}/" in response.content.decode()
