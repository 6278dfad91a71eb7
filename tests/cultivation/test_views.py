import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cultivation.models import PinEvent, TierPin, TierPlacement
from cultivation.services import pin_create, place_from_run

TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=20)


@pytest.fixture
def placed(county_firms, make_run, make_portrait):
    run = make_run(TODAY - datetime.timedelta(days=1))
    for firm in county_firms["home"] + county_firms["away"]:
        make_portrait(run, firm, "t1")
    place_from_run(run=run)
    return county_firms


def detail(client, firm):
    return client.get(reverse("enterprises:detail", args=[firm.credit_code]))


def test_page_shows_tier_timeline_and_pin_form_to_staff(client, make_user, placed):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    html = detail(client, placed["home"][0]).content.decode()
    for marker in ('id="tier-current"', 'id="tier-timeline"', 'id="pin-form"'):
        assert marker in html


def test_pin_and_unpin_through_the_page(client, make_user, placed):
    user = make_user(Role.COUNTY_STAFF, county_code="410402", username="xinhua")
    client.force_login(user)
    firm = placed["home"][0]
    response = client.post(
        reverse("cultivation:pin-create", args=[firm.credit_code]),
        {"tier": "t2", "reason": "Registration pending", "ends_on": LATER.isoformat()},
    )
    assert response.status_code == 302
    pin = TierPin.objects.get(enterprise=firm)
    assert TierPlacement.objects.get(enterprise=firm).tier == "t2"
    html = detail(client, firm).content.decode()
    assert 'id="tier-pin"' in html and "xinhua" in html and 'id="pin-end-form"' in html
    assert 'id="pin-form"' not in html
    client.post(reverse("cultivation:pin-end", args=[pin.pk]), {"reason": "Done"})
    pin.refresh_from_db()
    assert pin.ended_at is not None
    assert TierPlacement.objects.get(enterprise=firm).tier == "t1"
    assert PinEvent.objects.filter(pin=pin).count() == 2


def test_pin_form_validates(client, make_user, placed):
    client.force_login(make_user(Role.CITY_STAFF))
    firm = placed["home"][0]
    url = reverse("cultivation:pin-create", args=[firm.credit_code])
    client.post(url, {"tier": "t2", "reason": "", "ends_on": LATER.isoformat()})
    client.post(url, {"tier": "t2", "reason": "r", "ends_on": TODAY.isoformat()})
    client.post(url, {"tier": "t9", "reason": "r", "ends_on": LATER.isoformat()})
    assert not TierPin.objects.exists()


def test_county_user_cannot_pin_or_see_another_county(client, make_user, placed):
    city_staff = make_user(Role.CITY_STAFF)
    away = placed["away"][0]
    pin = pin_create(enterprise=away, tier="t3", reason="r", ends_on=LATER, actor=city_staff)
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    assert detail(client, away).status_code == 404
    response = client.post(
        reverse("cultivation:pin-create", args=[away.credit_code]),
        {"tier": "t2", "reason": "r", "ends_on": LATER.isoformat()},
    )
    assert response.status_code == 404
    assert client.post(reverse("cultivation:pin-end", args=[pin.pk]), {"reason": "r"}).status_code == 404
    pin.refresh_from_db()
    assert pin.ended_at is None
    assert TierPin.objects.count() == 1


def test_leader_sees_the_tier_but_cannot_pin(client, make_user, placed):
    client.force_login(make_user(Role.LEADER))
    firm = placed["home"][0]
    html = detail(client, firm).content.decode()
    assert 'id="tier-current"' in html and 'id="pin-form"' not in html
    response = client.post(
        reverse("cultivation:pin-create", args=[firm.credit_code]),
        {"tier": "t2", "reason": "r", "ends_on": LATER.isoformat()},
    )
    assert response.status_code == 403
