"""Firms closed (吊销/注销) or moved out of the city (迁出) leave the pool at the next placement, with a movement of
their own cause; a pin does not keep them; their plan tasks and warnings stop nagging."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from cultivation.models import (
    CultivationWarning,
    MovementCause,
    PinEvent,
    PlanGap,
    PlanTask,
    PlanTaskEvent,
    TierMovement,
    TierPin,
    TierPlacement,
)
from cultivation.plans import plan_gaps_from_run, plan_task_create
from cultivation.services import pin_create, place_from_run
from cultivation.warning_rules import READINESS_DROP
from cultivation.warnings import warnings_from_run
from enterprises.models import Enterprise, RegistrationStatus
from tests import factories

TODAY = timezone.localdate()


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def set_status(firm, status):
    Enterprise.objects.filter(pk=firm.pk).update(registration_status=status, status_as_of=day(-1))
    firm.refresh_from_db()


@pytest.fixture
def in_t2(county_firms, make_run, make_portrait):
    """Every firm placed in T2 by the run of two days ago."""
    run = make_run(day(-2))
    firms = county_firms["home"] + county_firms["away"]
    for firm in firms:
        make_portrait(run, firm, "t2")
    place_from_run(run=run)
    return firms


def rerun(firms, make_run, make_portrait, on, tier="t2"):
    run = make_run(on)
    for firm in firms:
        make_portrait(run, firm, tier)
    return run, place_from_run(run=run)


@pytest.mark.parametrize(
    ("status", "cause"),
    [
        (RegistrationStatus.DEREGISTERED, MovementCause.CLOSED),
        (RegistrationStatus.REVOKED, MovementCause.CLOSED),
        (RegistrationStatus.MOVED_OUT, MovementCause.MOVED_OUT),
    ],
)
def test_firm_that_left_is_placed_outside_with_its_cause(in_t2, make_run, make_portrait, status, cause):
    gone, staying = in_t2[0], in_t2[1]
    set_status(gone, status)
    run, log = rerun(in_t2, make_run, make_portrait, day(-1))
    assert log.movements == 1
    assert TierPlacement.objects.get(enterprise=gone).tier == "outside"
    assert TierPlacement.objects.get(enterprise=staying).tier == "t2"
    movement = TierMovement.objects.get(run=run)
    assert (movement.enterprise_id, movement.from_tier, movement.to_tier, movement.direction, movement.cause) == (
        gone.pk,
        "t2",
        "outside",
        -1,
        cause,
    )


def test_firm_that_left_gets_no_second_movement_on_the_next_run(in_t2, make_run, make_portrait):
    gone = in_t2[0]
    set_status(gone, RegistrationStatus.DEREGISTERED)
    rerun(in_t2, make_run, make_portrait, day(-1))
    _run, log = rerun(in_t2, make_run, make_portrait, day(0))
    assert log.movements == 0
    assert TierMovement.objects.filter(enterprise=gone, cause=MovementCause.CLOSED).count() == 1


def test_pinned_closed_firm_still_leaves(in_t2, make_run, make_portrait):
    staff = factories.make_user(Role.CITY_STAFF)
    gone = in_t2[0]
    pin_create(enterprise=gone, tier="t3", reason="Certificate under review", ends_on=day(60), actor=staff)
    assert TierPlacement.objects.get(enterprise=gone).tier == "t3"
    set_status(gone, RegistrationStatus.REVOKED)
    run, _log = rerun(in_t2, make_run, make_portrait, day(-1))
    placement = TierPlacement.objects.get(enterprise=gone)
    assert (placement.tier, placement.pinned) == ("outside", False)
    movement = TierMovement.objects.get(run=run)
    assert (movement.from_tier, movement.to_tier, movement.cause, movement.cause_text) == (
        "t3",
        "outside",
        MovementCause.CLOSED,
        "",
    )
    # The pin ended with the firm, audited by no one; the next run ends nothing more.
    pin = TierPin.objects.get(enterprise=gone)
    assert pin.ended_at is not None and pin.end_reason == "firm closed or moved out"
    event = PinEvent.objects.get(pin=pin, action="ended")
    assert (event.actor, event.reason) == (None, "firm closed or moved out")
    rerun(in_t2, make_run, make_portrait, day(0))
    assert PinEvent.objects.filter(pin=pin, action="ended").count() == 1


def test_pin_in_the_pool_refused_for_a_closed_firm(in_t2):
    staff = factories.make_user(Role.CITY_STAFF)
    gone = in_t2[0]
    set_status(gone, RegistrationStatus.DEREGISTERED)
    with pytest.raises(ValidationError) as error:
        pin_create(enterprise=gone, tier="t2", reason="Keep it", ends_on=day(60), actor=staff)
    assert "tier" in error.value.message_dict
    assert TierPlacement.objects.get(enterprise=gone).pinned is False


def test_open_tasks_of_a_firm_that_left_are_dropped_once(in_t2, make_run, make_portrait):
    staff = factories.make_user(Role.CITY_STAFF)
    gone, staying = in_t2[0], in_t2[1]
    open_task = plan_task_create(enterprise=gone, actor=staff, what="Visit", due_on=day(-5))
    other = plan_task_create(enterprise=staying, actor=staff, what="Visit", due_on=day(-5))
    set_status(gone, RegistrationStatus.MOVED_OUT)
    run, _log = rerun(in_t2, make_run, make_portrait, day(-1))
    plan_gaps_from_run(run=run)
    open_task.refresh_from_db()
    other.refresh_from_db()
    assert (open_task.status, other.status) == ("dropped", "todo")
    event = PlanTaskEvent.objects.get(task=open_task, to_state="dropped")
    assert (event.from_state, event.actor) == ("todo", None)
    plan_gaps_from_run(run=run)
    assert PlanTaskEvent.objects.filter(task=open_task, to_state="dropped").count() == 1
    assert PlanTask.objects.filter(status="todo").count() == 1


def test_gaps_of_a_firm_that_left_close(county_firms, make_run, make_portrait):
    firm = county_firms["home"][0]
    run = make_run(day(-2))
    make_portrait(run, firm, "t2")
    PlanGap.objects.create(enterprise=firm, key="ht_field", text="No field", opened_run=run, opened_on=day(-2))
    set_status(firm, RegistrationStatus.DEREGISTERED)
    later = make_run(day(-1))
    make_portrait(later, firm, "t2")
    plan_gaps_from_run(run=later)
    assert PlanGap.objects.get(enterprise=firm).closed_run == later


def test_warnings_of_a_firm_that_left_resolve(county_firms, make_run, make_portrait):
    from scoring.models import Portrait

    firm = county_firms["home"][0]
    yesterday, today, tomorrow = make_run(day(-3)), make_run(day(-2)), make_run(day(-1))
    for run, readiness in ((yesterday, 90), (today, 60), (tomorrow, 30)):  # a drop each run
        portrait = make_portrait(run, firm, "t2")
        Portrait.objects.filter(pk=portrait.pk).update(readiness=readiness)
    for run in (yesterday, today):
        place_from_run(run=run)
        warnings_from_run(run=run)
    warning = CultivationWarning.objects.get(enterprise=firm, kind=READINESS_DROP.kind)
    assert warning.state == "open"
    set_status(firm, RegistrationStatus.DEREGISTERED)
    place_from_run(run=tomorrow)
    summary = warnings_from_run(run=tomorrow)
    warning.refresh_from_db()
    assert warning.state == "auto_resolved" and summary["opened"] == 0
