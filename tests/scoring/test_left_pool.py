"""Through the whole night: a firm that closes or moves out is scored outside the pool at the next run and leaves
its tier with the new cause; nothing else moves."""

import datetime

from cultivation.models import MovementCause, TierMovement, TierPlacement
from enterprises.models import Enterprise, RegistrationStatus
from scoring.models import Portrait
from tests.scoring.conftest import RUN_DAY

NEXT_DAY = RUN_DAY + datetime.timedelta(days=1)


def test_a_certified_firm_deregistered_leaves_at_the_next_run(city, run_scoring):
    first = run_scoring()
    certified = city["home"][0]
    assert TierPlacement.objects.get(enterprise=certified).tier == "t3"
    before = dict(TierPlacement.objects.values_list("enterprise_id", "tier"))
    Enterprise.objects.filter(pk=certified.pk).update(
        registration_status=RegistrationStatus.DEREGISTERED, status_as_of=RUN_DAY
    )
    second = run_scoring(on=NEXT_DAY)
    assert Portrait.objects.get(run=second, enterprise=certified).tier == "outside"
    assert Portrait.objects.get(run=first, enterprise=certified).tier == "t3"
    moves = list(TierMovement.objects.filter(run=second).values_list("enterprise_id", "from_tier", "to_tier", "cause"))
    assert moves == [(certified.pk, "t3", "outside", MovementCause.CLOSED)]
    after = dict(TierPlacement.objects.values_list("enterprise_id", "tier"))
    assert {k: v for k, v in after.items() if k != certified.pk} == {
        k: v for k, v in before.items() if k != certified.pk
    }
    # The run after writes no second movement.
    third = run_scoring(on=NEXT_DAY + datetime.timedelta(days=1))
    assert not TierMovement.objects.filter(run=third).exists()


def test_a_firm_moved_out_leaves_with_its_own_cause(city, run_scoring):
    run_scoring()
    firm = next(f for f in city["all"] if TierPlacement.objects.get(enterprise=f).tier in ("t1", "t2"))
    Enterprise.objects.filter(pk=firm.pk).update(registration_status=RegistrationStatus.MOVED_OUT)
    second = run_scoring(on=NEXT_DAY)
    movement = TierMovement.objects.get(run=second)
    assert (movement.enterprise_id, movement.to_tier, movement.cause) == (firm.pk, "outside", MovementCause.MOVED_OUT)
