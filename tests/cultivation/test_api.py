import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from cultivation.models import TierPin
from cultivation.services import pin_create, place_from_run
from tests import factories

TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=20)
# Session, user, count, page of rows (with firm, county, run or users joined).
LIST_QUERIES = 4


@pytest.fixture
def placed(county_firms, make_run, make_portrait):
    """Yesterday everyone in T1; today the first firm of each county up to T2, the second down to outside."""
    yesterday, today = make_run(TODAY - datetime.timedelta(days=1)), make_run(TODAY)
    for firms in (county_firms["home"], county_firms["away"]):
        for firm, tier in zip(firms, ["t2", "outside"], strict=True):
            make_portrait(yesterday, firm, "t1")
            make_portrait(today, firm, tier, sme_passes=True)
    place_from_run(run=yesterday)
    place_from_run(run=today)
    pin_create(
        enterprise=county_firms["away"][0],
        tier="t3",
        reason="r",
        ends_on=LATER,
        actor=factories.make_user(Role.CITY_STAFF),
    )
    return county_firms


def codes(response):
    return sorted(row["credit_code"] for row in response.json()["results"])


def test_county_user_sees_only_own_county(client, make_user, placed):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    home = sorted(firm.credit_code for firm in placed["home"])
    assert codes(client.get("/api/v1/tiers/")) == home
    assert codes(client.get("/api/v1/tiers/", {"county": "410482"})) == []
    assert client.get("/api/v1/movements/").json()["count"] == 4  # two first placements, one up, one down
    assert client.get("/api/v1/pins/").json()["count"] == 0
    pin = TierPin.objects.get()
    assert client.get(f"/api/v1/pins/{pin.pk}/").status_code == 404
    assert client.post(f"/api/v1/pins/{pin.pk}/end/", {"reason": "r"}).status_code == 404
    response = client.post(
        "/api/v1/pins/",
        {"credit_code": placed["away"][1].credit_code, "tier": "t2", "reason": "r", "ends_on": LATER.isoformat()},
    )
    assert response.status_code == 404
    assert TierPin.objects.count() == 1


def test_filters(client, make_user, placed):
    client.force_login(make_user(Role.CITY_STAFF))
    assert client.get("/api/v1/tiers/").json()["count"] == 4
    assert codes(client.get("/api/v1/tiers/", {"tier": "t3"})) == [placed["away"][0].credit_code]
    up = client.get("/api/v1/movements/", {"direction": "up", "county": "410402"}).json()["results"]
    assert [(row["from_tier"], row["to_tier"], row["cause"]) for row in up] == [("t1", "t2", "sme_evaluation_passed")]
    down = client.get("/api/v1/movements/", {"direction": "down", "date_from": TODAY.isoformat()}).json()
    assert down["count"] == 2
    assert (
        client.get("/api/v1/movements/", {"date_to": (TODAY - datetime.timedelta(days=2)).isoformat()}).json()["count"]
        == 0
    )
    assert client.get("/api/v1/movements/", {"direction": "sideways"}).status_code == 400
    assert client.get("/api/v1/pins/", {"live": "true"}).json()["count"] == 1
    assert client.get("/api/v1/pins/", {"live": "false"}).json()["count"] == 0


def test_pin_create_and_end_through_the_api(client, make_user, placed):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    firm = placed["home"][1]
    payload = {"credit_code": firm.credit_code, "tier": "t2", "reason": "r", "ends_on": LATER.isoformat()}
    response = client.post("/api/v1/pins/", payload)
    assert response.status_code == 201, response.content
    pin_id = response.json()["id"]
    assert client.post("/api/v1/pins/", payload).status_code == 400  # one live pin per firm
    assert client.post("/api/v1/pins/", {**payload, "ends_on": TODAY.isoformat()}).status_code == 400
    response = client.post(f"/api/v1/pins/{pin_id}/end/", {"reason": "done"})
    assert response.status_code == 200
    assert response.json()["ended_at"] is not None
    assert client.post(f"/api/v1/pins/{pin_id}/end/", {"reason": "again"}).status_code == 400


def test_leader_reads_but_cannot_pin(client, make_user, placed):
    client.force_login(make_user(Role.LEADER))
    assert client.get("/api/v1/pins/").json()["count"] == 1
    payload = {"credit_code": placed["home"][1].credit_code, "tier": "t2", "reason": "r", "ends_on": LATER.isoformat()}
    assert client.post("/api/v1/pins/", payload).status_code == 403


@pytest.mark.parametrize("url", ["/api/v1/tiers/", "/api/v1/movements/", "/api/v1/pins/"])
def test_list_query_counts_are_fixed(client, make_user, db, make_run, make_portrait, django_assert_num_queries, url):
    county = factories.county("410402")
    staff = make_user(Role.CITY_STAFF)
    run = make_run(TODAY)
    firms = factories.EnterpriseFactory.create_batch(30, county=county)
    for firm in firms:
        make_portrait(run, firm, "t1")
    place_from_run(run=run)
    for firm in firms[:20]:
        pin_create(enterprise=firm, tier="t2", reason="r", ends_on=LATER, actor=staff)
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url, {"page_size": 25})
    assert response.status_code == 200
    assert len(response.json()["results"]) == (20 if url == "/api/v1/pins/" else 25)
