import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from cultivation.models import MovementCause, PinEvent, TierMovement, TierPin, TierPlacement
from cultivation.services import pin_create, pin_end, place_from_run

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def placed(county_firms, make_run, make_portrait):
    """Every firm placed in T1 by yesterday's run."""
    run = make_run(days(-1))
    for firm in county_firms["home"] + county_firms["away"]:
        make_portrait(run, firm, "t1")
    place_from_run(run=run)
    return county_firms


def test_pin_moves_the_firm_at_once_and_is_audited(placed, make_user):
    staff = make_user(Role.CITY_STAFF)
    firm = placed["away"][0]
    pin = pin_create(enterprise=firm, tier="t2", reason="Applying for registration", ends_on=days(30), actor=staff)
    placement = TierPlacement.objects.get(enterprise=firm)
    assert (placement.tier, placement.rules_tier, placement.pinned) == ("t2", "t1", True)
    movement = TierMovement.objects.get(enterprise=firm, cause=MovementCause.PINNED)
    assert (movement.from_tier, movement.to_tier, movement.cause_text) == ("t1", "t2", "Applying for registration")
    event = PinEvent.objects.get(pin=pin)
    assert (event.action, event.actor, event.tier, event.reason) == (
        "created",
        staff,
        "t2",
        "Applying for registration",
    )

    pin_end(pin=pin, actor=staff, reason="Registration refused")
    pin.refresh_from_db()
    assert pin.ended_by == staff and pin.end_reason == "Registration refused" and pin.ended_at is not None
    placement.refresh_from_db()
    assert (placement.tier, placement.pinned) == ("t1", False)
    assert list(PinEvent.objects.filter(pin=pin).order_by("at", "id").values_list("action", flat=True)) == [
        "created",
        "ended",
    ]
    with pytest.raises(ValidationError):
        pin_end(pin=pin, actor=staff, reason="again")


def test_pin_holds_through_a_run_and_expires_on_its_date(placed, make_user, make_run, make_portrait):
    county_user = make_user(Role.COUNTY_STAFF, county_code="410402")
    firm = placed["home"][0]
    pin = pin_create(enterprise=firm, tier="t3", reason="Certificate in review", ends_on=days(10), actor=county_user)
    # A run on the pin's last day: the pin holds, the rules' tier is noted.
    on_last_day = make_run(days(10))
    make_portrait(on_last_day, firm, "t2", sme_passes=True)
    place_from_run(run=on_last_day)
    placement = TierPlacement.objects.get(enterprise=firm)
    assert (placement.tier, placement.rules_tier, placement.pinned) == ("t3", "t2", True)
    assert not TierMovement.objects.filter(run=on_last_day).exists()
    pin.refresh_from_db()
    assert pin.ended_at is None
    # The next run after `ends_on`: the pin ends itself (audited) and the firm returns to the rules' tier.
    after = make_run(days(11))
    make_portrait(after, firm, "t2", sme_passes=True)
    log = place_from_run(run=after)
    assert log.pins_expired == 1
    placement.refresh_from_db()
    assert (placement.tier, placement.rules_tier, placement.pinned, placement.since) == ("t2", "t2", False, days(11))
    movement = TierMovement.objects.get(run=after)
    assert (movement.from_tier, movement.to_tier, movement.cause, movement.direction) == ("t3", "t2", "pin_expired", -1)
    pin.refresh_from_db()
    assert pin.ended_at is not None and pin.end_reason == "expired" and pin.ended_by is None
    event = PinEvent.objects.get(pin=pin, action=PinEvent.Action.EXPIRED)
    assert event.actor is None
    # Placing the same run again neither moves nor audits twice.
    place_from_run(run=after)
    assert TierMovement.objects.filter(run=after).count() == 1
    assert PinEvent.objects.filter(pin=pin).count() == 2


def test_one_live_pin_per_firm(placed, make_user):
    staff = make_user(Role.CITY_ADMIN)
    firm = placed["home"][1]
    pin_create(enterprise=firm, tier="t2", reason="r", ends_on=days(5), actor=staff)
    with pytest.raises(ValidationError):
        pin_create(enterprise=firm, tier="t3", reason="r", ends_on=days(5), actor=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        TierPin.objects.create(enterprise=firm, tier="t3", reason="r", ends_on=days(5), created_by=staff)
    # An ended pin does not count.
    TierPin.objects.update(ended_at=timezone.now())
    TierPin.objects.create(enterprise=firm, tier="t3", reason="r", ends_on=days(5), created_by=staff)


def test_pin_form_rules(placed, make_user):
    staff = make_user(Role.CITY_STAFF)
    firm = placed["home"][0]
    with pytest.raises(ValidationError):
        pin_create(enterprise=firm, tier="t2", reason="  ", ends_on=days(5), actor=staff)
    with pytest.raises(ValidationError):
        pin_create(enterprise=firm, tier="t2", reason="r", ends_on=TODAY, actor=staff)
    assert not TierPin.objects.exists()


@pytest.mark.parametrize("role", [Role.LEADER, Role.OFFICER])
def test_only_staff_pin(placed, make_user, role):
    user = make_user(role)
    with pytest.raises(PermissionDenied):
        pin_create(enterprise=placed["home"][0], tier="t2", reason="r", ends_on=days(5), actor=user)


def test_county_staff_cannot_pin_another_county(placed, make_user):
    county_user = make_user(Role.COUNTY_STAFF, county_code="410402")
    city_staff = make_user(Role.CITY_STAFF)
    away = placed["away"][0]
    with pytest.raises(PermissionDenied):
        pin_create(enterprise=away, tier="t2", reason="r", ends_on=days(5), actor=county_user)
    pin = pin_create(enterprise=away, tier="t2", reason="r", ends_on=days(5), actor=city_staff)
    with pytest.raises(PermissionDenied):
        pin_end(pin=pin, actor=county_user, reason="r")


def test_pin_of_a_firm_not_yet_placed(county_firms, make_user, make_run, make_portrait):
    staff = make_user(Role.CITY_STAFF)
    firm = county_firms["home"][0]
    pin = pin_create(enterprise=firm, tier="t2", reason="new firm", ends_on=days(5), actor=staff)
    placement = TierPlacement.objects.get(enterprise=firm)
    assert (placement.tier, placement.rules_tier, placement.pinned) == ("t2", "", True)
    run = make_run(TODAY)
    make_portrait(run, firm, "t1")
    place_from_run(run=run)
    placement.refresh_from_db()
    assert (placement.tier, placement.rules_tier) == ("t2", "t1")
    pin_end(pin=pin, actor=staff, reason="done")
    placement.refresh_from_db()
    assert (placement.tier, placement.pinned) == ("t1", False)
