"""Pages of the officers module: who reaches them, and the forms that act through the services."""

import pytest
from django.utils import timezone

from accounts.models import Role
from officers.models import Assignment, AssignmentRun, OfficerProfile, ServiceLog
from tests import factories
from tests.officers import factories as officer_factories


@pytest.fixture
def staffed(db):
    run = officer_factories.published_run()
    firms = officer_factories.innovative_firms(run, 3, county_code="410402")
    leaving = officer_factories.officer(county_code="410402", username="leaving")
    staying = officer_factories.officer(county_code="410402", username="staying")
    for firm in firms:
        officer_factories.assign(firm, leaving)
    return {"firms": firms, "leaving": leaving, "staying": staying}


@pytest.mark.parametrize(
    ("role", "county", "status"),
    [(Role.CITY_STAFF, None, 200), (Role.LEADER, None, 200), (Role.COUNTY_STAFF, "410402", 200),
     (Role.ENTERPRISE, None, 403), (Role.OFFICER, None, 403)],
)  # fmt: skip
def test_officers_page_by_role(client, staffed, make_user, role, county, status):
    enterprise = staffed["firms"][0] if role == Role.ENTERPRISE else None
    client.force_login(make_user(role, county_code=county, enterprise=enterprise))
    assert client.get("/officers/").status_code == status


def test_deactivation_page_offers_and_runs_the_reassignment(client, staffed, city_staff,
                                                             django_capture_on_commit_callbacks):  # fmt: skip
    client.force_login(city_staff)
    page = client.get(f"/officers/{staffed['leaving'].pk}/")
    assert page.status_code == 200 and "deactivate-form" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/officers/{staffed['leaving'].pk}/active/",
            {"action": "deactivate", "reason": "transferred", "reassign": "on"},
        )
    run = AssignmentRun.objects.get()
    assert response["Location"] == f"/officers/runs/{run.pk}/"
    assert run.status == "done" and run.assigned == 3
    staffed["staying"].refresh_from_db()
    assert staffed["staying"].load == 3
    partial = client.get(f"/officers/runs/{run.pk}/", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and 'id="run-report"' in partial.content.decode()


def test_county_staff_cannot_reach_another_countys_officer_or_firm(client, staffed, make_user):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410482"))
    assert client.get(f"/officers/{staffed['leaving'].pk}/").status_code == 404
    firm = staffed["firms"][0]
    assert client.get(f"/officers/firms/{firm.credit_code}/").status_code == 404
    response = client.post(f"/officers/firms/{firm.credit_code}/assign/", {"officer": staffed["staying"].pk})
    assert response.status_code == 404
    assert Assignment.objects.filter(enterprise=firm, ended_at__isnull=True).get().officer == staffed["leaving"]


def test_profile_edit_rejects_a_maximum_below_the_load(client, staffed, city_staff):
    client.force_login(city_staff)
    officer = staffed["leaving"]
    response = client.post(
        f"/officers/{officer.pk}/edit/",
        {"level": "county", "county": officer.county_id, "expertise": ["ip", "policy"], "max_load": 2},
        follow=True,
    )
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    officer.refresh_from_db()
    assert officer.max_load == 15
    profile = {"level": "county", "county": officer.county_id, "expertise": ["ip", "policy"], "max_load": 4}
    client.post(f"/officers/{officer.pk}/edit/", profile)
    officer.refresh_from_db()
    assert (officer.max_load, officer.expertise) == (4, ["ip", "policy"])


def test_officer_logs_a_service_from_the_firm_page(client, staffed):
    officer, firm = staffed["leaving"], staffed["firms"][0]
    client.force_login(officer.user)
    page = client.get(f"/officers/firms/{firm.credit_code}/")
    assert 'id="service-form"' in page.content.decode()
    assert "assign-form" not in page.content.decode()
    client.post(
        f"/officers/firms/{firm.credit_code}/services/",
        {"served_on": timezone.localdate().isoformat(), "kind": "policy", "duration_minutes": 60, "what_done": "x",
         "demand_urgency": "normal"},
    )  # fmt: skip
    assert ServiceLog.objects.get().officer == officer
    assert OfficerProfile.objects.get(pk=officer.pk).load == 3


def test_home_and_nav_links_by_role(client, staffed, make_user):
    client.force_login(staffed["leaving"].user)
    body = client.get("/").content.decode()
    assert 'id="nav-my-firms"' in body and 'id="nav-officers"' not in body
    client.force_login(make_user(Role.CITY_STAFF))
    body = client.get("/").content.decode()
    assert 'id="nav-officers"' in body and 'id="nav-demands"' in body
    client.force_login(make_user(Role.ENTERPRISE, enterprise=factories.EnterpriseFactory()))
    assert 'id="nav-demands"' in client.get("/officers/demands/").content.decode()


def test_admin_creates_an_officer_through_the_service(client, db, make_user):
    admin_user = make_user(Role.CITY_ADMIN)
    candidate = make_user(Role.OFFICER, username="new-officer")
    client.force_login(admin_user)
    county = factories.county("410402")
    add = "/admin/officers/officerprofile/add/"
    refused = client.post(add, {"user": candidate.pk, "level": "county", "expertise": ["ip"]})
    assert refused.status_code == 200 and not OfficerProfile.objects.exists()  # a county officer needs a county
    response = client.post(add, {"user": candidate.pk, "level": "county", "county": county.pk, "expertise": ["ip"]})
    assert response.status_code == 302
    profile = OfficerProfile.objects.get()
    assert (profile.user, profile.county, profile.expertise, profile.max_load) == (candidate, county, ["ip"], 15)


def test_the_enterprise_page_links_to_its_officer(client, staffed, make_user):
    firm = factories.EnterpriseFactory()  # not scored: the page's portrait panel needs a real run's details
    officer_factories.assign(firm, staffed["staying"])
    client.force_login(make_user(Role.ENTERPRISE, enterprise=firm))
    assert f"/officers/firms/{firm.credit_code}/" in client.get(f"/enterprises/{firm.credit_code}/").content.decode()
    page = client.get(f"/officers/firms/{firm.credit_code}/")
    assert page.status_code == 200 and page.context["logs"] == [] and page.context["can_file"]
