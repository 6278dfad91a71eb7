"""Officers see the firms actively assigned to them, and nothing else (404), on pages and the API alike."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cultivation.models import PlanTask
from cultivation.permissions import can_edit_plan
from officers.services import assign_officer
from tests.officers import factories as officer_factories

TODAY = timezone.localdate()


@pytest.fixture
def beat(two_counties):
    """An officer serving two of 新华区's firms; another officer serving one firm of each county."""
    mine = officer_factories.officer(county_code="410402", username="mine")
    theirs = officer_factories.officer(county_code="410402", username="theirs")
    own = two_counties["home"][:2]
    others = [two_counties["home"][2], two_counties["away"][0]]
    for firm in own:
        officer_factories.assign(firm, mine)
    for firm in others:
        officer_factories.assign(firm, theirs)
    logs = {firm.pk: officer_factories.service(firm, mine if firm in own else theirs, served_on=TODAY)
            for firm in own + others}  # fmt: skip
    return {"mine": mine, "theirs": theirs, "own": own, "others": others, "logs": logs, **two_counties}


def test_officer_sees_only_assigned_firms(client, beat):
    client.force_login(beat["mine"].user)
    listed = client.get(reverse("enterprises:list"), {"page_size": 100}).context["page"].object_list
    assert {firm.pk for firm in listed} == {firm.pk for firm in beat["own"]}
    api = client.get("/api/v1/enterprises/").json()["results"]
    assert {row["credit_code"] for row in api} == {firm.credit_code for firm in beat["own"]}
    for firm in beat["others"]:
        assert client.get(reverse("enterprises:detail", args=[firm.credit_code])).status_code == 404


def test_officer_sees_only_their_firms_logs(client, beat):
    client.force_login(beat["mine"].user)
    rows = client.get("/api/v1/service-logs/").json()["results"]
    assert {row["credit_code"] for row in rows} == {firm.credit_code for firm in beat["own"]}
    for firm in beat["others"]:
        assert client.get(f"/api/v1/service-logs/{beat['logs'][firm.pk].pk}/").status_code == 404
        assert client.get(f"/officers/firms/{firm.credit_code}/").status_code == 404
        assert client.get("/api/v1/service-logs/", {"credit_code": firm.credit_code}).status_code == 404
    assert client.get(f"/officers/firms/{beat['own'][0].credit_code}/").status_code == 200


def test_officer_sees_and_edits_only_their_firms_plans(client, beat):
    client.force_login(beat["mine"].user)
    own, other = beat["own"][0], beat["others"][0]
    page = client.get(reverse("cultivation:plan", args=[own.credit_code]))
    assert page.status_code == 200 and page.context["can_edit"]
    assert client.get(reverse("cultivation:plan", args=[other.credit_code])).status_code == 404
    assert client.get(f"/api/v1/plans/{other.credit_code}/").status_code == 404
    response = client.post(
        reverse("cultivation:plan-task-create", args=[own.credit_code]),
        {"what": "R&D accounting review", "due_on": (TODAY + datetime.timedelta(days=30)).isoformat()},
    )
    assert response.status_code == 302
    assert PlanTask.objects.get().enterprise == own
    refused = client.post(reverse("cultivation:plan-task-create", args=[other.credit_code]), {"what": "x"})
    assert refused.status_code == 404
    assert PlanTask.objects.count() == 1


def test_a_reassigned_firm_leaves_the_former_officers_scope(client, beat, make_user):
    firm = beat["own"][0]
    assert can_edit_plan(beat["mine"].user, firm)
    assign_officer(enterprise=firm, officer=beat["theirs"], actor=make_user(Role.CITY_STAFF), reason="moved")
    assert not can_edit_plan(beat["mine"].user, firm)
    client.force_login(beat["mine"].user)
    assert client.get(reverse("cultivation:plan", args=[firm.credit_code])).status_code == 404
    client.force_login(beat["theirs"].user)
    assert client.get(reverse("cultivation:plan", args=[firm.credit_code])).status_code == 200


def test_an_officer_sees_only_themselves_among_officers(client, beat):
    client.force_login(beat["mine"].user)
    assert [row["id"] for row in client.get("/api/v1/officers/").json()["results"]] == [beat["mine"].pk]
    assert client.get(f"/api/v1/officers/{beat['theirs'].pk}/").status_code == 404
    assert client.get("/officers/").status_code == 403


def test_county_staff_see_their_countys_officers_and_assignments(client, beat, make_user):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410482"))
    assert client.get("/api/v1/officers/").json()["count"] == 0
    rows = client.get("/api/v1/assignments/").json()["results"]
    assert [row["credit_code"] for row in rows] == [beat["away"][0].credit_code]
    assert client.get(f"/officers/{beat['mine'].pk}/").status_code == 404
