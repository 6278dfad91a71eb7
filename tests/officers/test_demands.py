"""Demands and the green channel: who files, who sees, the transition table and its audit, provider matching."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from enterprises.credit_codes import make_credit_code
from officers.demands import demand_create
from officers.models import Demand, DemandEvent
from officers.workflows import demand_transition
from tests.officers import factories as officer_factories
from vouchers.models import Provider

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def firms(two_counties, make_user):
    home, neighbour = two_counties["home"][0], two_counties["home"][1]
    away = two_counties["away"][0]
    home.high_tech_field = "new_materials"
    home.save()
    officer = officer_factories.officer(county_code="410402")
    officer_factories.assign(home, officer)
    return {
        "home": home, "neighbour": neighbour, "away": away, "officer": officer,
        "firm_user": make_user(Role.ENTERPRISE, enterprise=home),
        "neighbour_user": make_user(Role.ENTERPRISE, enterprise=neighbour),
        "county_staff": make_user(Role.COUNTY_STAFF, county_code="410402"),
        "other_staff": make_user(Role.COUNTY_STAFF, county_code="410482"),
    }  # fmt: skip


def file(enterprise, actor, **overrides):
    values = {"category": "technical", "title": "Alloy fatigue testing", "description": "We need a lab partner."}
    return demand_create(enterprise=enterprise, actor=actor, **{**values, **overrides})


def test_an_enterprise_sees_its_own_demands_only(client, firms):
    own = file(firms["home"], firms["firm_user"])
    other = file(firms["neighbour"], firms["neighbour_user"])
    file(firms["away"], firms["other_staff"])
    client.force_login(firms["firm_user"])
    assert [row["id"] for row in client.get("/api/v1/demands/").json()["results"]] == [own.pk]
    assert client.get(f"/api/v1/demands/{other.pk}/").status_code == 404
    assert client.get(f"/officers/demands/{other.pk}/").status_code == 404
    page = client.get("/officers/demands/")
    assert [demand.pk for demand in page.context["page"].object_list] == [own.pk]
    assert client.get(f"/officers/demands/{own.pk}/").status_code == 200


def test_who_may_file(firms):
    file(firms["home"], firms["firm_user"])
    file(firms["home"], firms["officer"].user)
    file(firms["home"], firms["county_staff"])
    for actor, firm in ((firms["neighbour_user"], firms["home"]), (firms["officer"].user, firms["neighbour"])):
        with pytest.raises(PermissionDenied):
            file(firm, actor)
    with pytest.raises(ValidationError) as error:
        file(firms["home"], firms["firm_user"], category="gossip", title="")
    assert set(error.value.message_dict) == {"category", "title"}
    assert Demand.objects.count() == 3


def test_the_full_path_is_audited(firms):
    demand = file(firms["home"], firms["firm_user"])
    staff = firms["county_staff"]
    demand_transition(demand=demand, to="triaged", actor=staff, urgency="critical", green_channel=True)
    demand_transition(demand=demand, to="assigned", actor=staff, owner=firms["officer"].user.pk)
    owner = firms["officer"].user
    participants = ["Prof. Li, Henan University of Science and Technology", "county bureau"]
    demand_transition(demand=demand, to="visit_scheduled", actor=owner, visit_on=TOMORROW, participants=participants)
    demand_transition(demand=demand, to="closed", actor=owner, outcome="Joint test plan signed")
    demand.refresh_from_db()
    assert (demand.status, demand.urgency, demand.green_channel, demand.owner, demand.outcome) == (
        "closed", "critical", True, owner, "Joint test plan signed",
    )  # fmt: skip
    assert demand.visit_participants[0].startswith("Prof. Li") and demand.closed_at
    events = list(DemandEvent.objects.filter(demand=demand).order_by("id").values_list("from_state", "to_state"))
    assert events == [("", "submitted"), ("submitted", "triaged"), ("triaged", "assigned"),
                      ("assigned", "visit_scheduled"), ("visit_scheduled", "closed")]  # fmt: skip
    with pytest.raises(ValueError):
        DemandEvent.objects.first().save()


def test_steps_outside_the_table_or_the_actors_part_are_refused(firms):
    demand = file(firms["home"], firms["firm_user"])
    with pytest.raises(PermissionDenied):
        demand_transition(demand=demand, to="triaged", actor=firms["firm_user"])
    with pytest.raises(ValidationError):
        demand_transition(demand=demand, to="visit_scheduled", actor=firms["county_staff"], visit_on=TOMORROW,
                          participants=["x"])  # fmt: skip
    with pytest.raises(ValidationError) as error:
        demand_transition(demand=demand, to="closed", actor=firms["county_staff"], outcome="")
    assert "outcome" in error.value.message_dict
    demand_transition(demand=demand, to="withdrawn", actor=firms["firm_user"], reason="solved ourselves")
    with pytest.raises(ValidationError):
        demand_transition(demand=demand, to="triaged", actor=firms["county_staff"])
    demand.refresh_from_db()
    assert demand.status == "withdrawn"
    assert DemandEvent.objects.filter(demand=demand).count() == 2


def test_an_owner_must_be_able_to_see_the_firm(firms):
    demand = file(firms["home"], firms["firm_user"])
    demand_transition(demand=demand, to="triaged", actor=firms["county_staff"])
    with pytest.raises(ValidationError):
        demand_transition(demand=demand, to="assigned", actor=firms["county_staff"], owner=firms["other_staff"].pk)
    demand.refresh_from_db()
    assert demand.status == "triaged" and demand.owner is None


def test_providers_are_matched_by_field(client, firms):
    def provider(name, fields, status="active"):
        code = make_credit_code(f"12410400{Provider.objects.count():09d}")
        return Provider.objects.create(credit_code=code, name=name, kind="university", fields=fields, status=status)

    match = provider("Henan University of Science and Technology", ["new_materials", "advanced_manufacturing"])
    provider("Medical College", ["bio_medicine"])
    provider("Suspended Institute", ["new_materials"], status="suspended")
    demand = file(firms["home"], firms["firm_user"])
    client.force_login(firms["firm_user"])
    detail = client.get(f"/api/v1/demands/{demand.pk}/").json()
    assert [row["name"] for row in detail["providers"]] == [match.name]
    assert detail["allowed_transitions"] == ["withdrawn"]
    other_field = file(firms["home"], firms["firm_user"], field="bio_medicine")
    assert [row["name"] for row in client.get(f"/api/v1/demands/{other_field.pk}/").json()["providers"]] == [
        "Medical College"
    ]


def test_demands_through_the_page_and_the_api(client, firms):
    client.force_login(firms["firm_user"])
    response = client.post(
        "/officers/demands/new/",
        {"firm": firms["home"].credit_code, "category": "finance", "urgency": "normal", "title": "Bridge loan",
         "description": "Working capital for a new line"},
    )  # fmt: skip
    demand = Demand.objects.get()
    assert response.status_code == 302 and demand.filed_by == firms["firm_user"]
    assert client.post("/officers/demands/new/", {"firm": firms["neighbour"].credit_code}).status_code == 404
    client.force_login(firms["county_staff"])
    triage = client.post(f"/api/v1/demands/{demand.pk}/transition/", {"to": "triaged", "green_channel": True},
                         content_type="application/json")  # fmt: skip
    assert triage.status_code == 200 and triage.json()["green_channel"] is True
    page = client.post(f"/officers/demands/{demand.pk}/transition/", {"to": "closed", "outcome": "Loan granted"})
    assert page.status_code == 302
    demand.refresh_from_db()
    assert demand.status == "closed"
    client.force_login(firms["other_staff"])
    assert client.post(f"/api/v1/demands/{demand.pk}/transition/", {"to": "closed"}).status_code == 404
    created = client.post(
        "/api/v1/demands/",
        {"credit_code": firms["away"].credit_code, "category": "policy", "title": "t", "description": "d"},
    )
    assert created.status_code == 201 and created.json()["status"] == "submitted"


def test_staff_who_lost_the_race_get_409_saying_where_the_demand_went(client, firms, make_user):
    """Two county staff open the same new demand; one closes it, the other then triages it: 409 and the demand's
    status in words, on the API and on the page; nothing changed."""
    demand = file(firms["home"], firms["firm_user"])
    demand_transition(demand=demand, to="closed", actor=firms["county_staff"], outcome="Solved by phone")
    events = DemandEvent.objects.count()
    second = make_user(Role.COUNTY_STAFF, county_code="410402")
    client.force_login(second)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    late = client.post(f"/api/v1/demands/{demand.pk}/transition/", {"to": "triaged"}, content_type="application/json")
    assert late.status_code == 409
    assert "has already moved to “Closed”" in late.json()["detail"]
    page = client.post(f"/officers/demands/{demand.pk}/transition/", {"to": "triaged"}, follow=True)
    assert "has already moved to “Closed”" in page.content.decode()
    demand.refresh_from_db()
    assert demand.status == "closed"
    assert DemandEvent.objects.count() == events
