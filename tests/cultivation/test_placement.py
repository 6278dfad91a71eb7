import datetime
from decimal import Decimal

from cultivation.models import MovementCause, PlacementLog, TierMovement, TierPlacement
from cultivation.services import place_from_run
from enterprises.models import QualificationKind
from scoring.models import Portrait
from tests import factories
from tests.scoring.conftest import RUN_DAY, add_years

DAY1 = datetime.date(2026, 3, 1)
DAY2 = datetime.date(2026, 3, 2)


def placements():
    return dict(TierPlacement.objects.values_list("enterprise_id", "tier"))


def test_each_tier_placed_from_hand_made_portraits(county_firms, make_run, make_portrait):
    firms = county_firms["home"] + county_firms["away"]
    run = make_run(DAY1)
    for firm, tier in zip(firms, ["outside", "t1", "t2", "t3"], strict=True):
        make_portrait(run, firm, tier)
    log = place_from_run(run=run)
    assert (log.firms, log.movements) == (4, 4)
    assert placements() == {firms[0].pk: "outside", firms[1].pk: "t1", firms[2].pk: "t2", firms[3].pk: "t3"}
    first = TierMovement.objects.filter(enterprise=firms[3]).get()
    assert (first.from_tier, first.to_tier, first.direction, first.cause) == ("", "t3", 0, "first_placement")
    assert first.run == run and first.date == DAY1
    placement = TierPlacement.objects.get(enterprise=firms[3])
    assert (placement.rules_tier, placement.since, placement.placed_by_run, placement.pinned) == (
        "t3",
        DAY1,
        run,
        False,
    )


def test_placement_copies_the_board_columns_of_each_run(county_firms, make_run, make_portrait):
    firm = county_firms["home"][0]
    yesterday, today = make_run(DAY1), make_run(DAY2)
    make_portrait(yesterday, firm, "t1")
    portrait = make_portrait(today, firm, "t1")
    Portrait.objects.filter(pk=portrait.pk).update(readiness=73.5, industry_division="39", tag_mask=5)
    place_from_run(run=yesterday)
    assert TierPlacement.objects.values_list("readiness", "county_id").get(enterprise=firm) == (50, firm.county_id)
    place_from_run(run=today)
    placement = TierPlacement.objects.get(enterprise=firm)
    assert (placement.readiness, placement.industry_division, placement.tag_mask) == (73.5, "39", 5)
    assert placement.county_id == firm.county_id and placement.since == DAY1


def test_every_boundary_crossed_records_its_cause(make_run, make_portrait):
    moves = [
        # (yesterday, today, SME flags today, expected cause, direction)
        ("outside", "t1", {}, MovementCause.SIGNAL_APPEARED, 1),
        ("t1", "t2", {"sme_passes": True}, MovementCause.SME_EVALUATION_PASSED, 1),
        ("t1", "t2", {}, MovementCause.TECH_SME_REGISTERED, 1),
        ("outside", "t2", {"sme_eligible": False}, MovementCause.OUTGREW_SME, 1),
        ("t2", "t3", {}, MovementCause.HIGH_TECH_GAINED, 1),
        ("t3", "t2", {}, MovementCause.HIGH_TECH_LOST, -1),
        ("t2", "t1", {}, MovementCause.TECH_SME_LOST, -1),
        ("t1", "outside", {}, MovementCause.SIGNAL_VANISHED, -1),
        ("t3", "t3", {}, None, None),
    ]
    firms = factories.EnterpriseFactory.create_batch(len(moves))
    yesterday, today = make_run(DAY1), make_run(DAY2)
    for firm, (before, after, flags, _cause, _direction) in zip(firms, moves, strict=True):
        make_portrait(yesterday, firm, before)
        make_portrait(today, firm, after, **flags)
    place_from_run(run=yesterday)
    log = place_from_run(run=today)
    assert log.movements == len(moves) - 1
    recorded = {
        m.enterprise_id: (m.from_tier, m.to_tier, m.cause, m.direction) for m in TierMovement.objects.filter(run=today)
    }
    for firm, (before, after, _flags, cause, direction) in zip(firms, moves, strict=True):
        if cause is None:
            assert firm.pk not in recorded
        else:
            assert recorded[firm.pk] == (before, after, cause, direction)
    assert TierPlacement.objects.get(enterprise=firms[4]).since == DAY2
    assert TierPlacement.objects.get(enterprise=firms[-1]).since == DAY1


def test_placing_the_same_run_twice_writes_nothing_the_second_time(county_firms, make_run, make_portrait):
    run = make_run(DAY1)
    for firm in county_firms["home"]:
        make_portrait(run, firm, "t1")
    first = place_from_run(run=run)
    assert place_from_run(run=run) == first
    assert TierMovement.objects.count() == 2
    assert PlacementLog.objects.count() == 1


def test_an_older_run_does_not_move_firms_back(county_firms, make_run, make_portrait):
    firm = county_firms["home"][0]
    old, new = make_run(DAY1), make_run(DAY2)
    make_portrait(old, firm, "t1")
    make_portrait(new, firm, "t2")
    place_from_run(run=new)
    place_from_run(run=old)
    assert placements() == {firm.pk: "t2"}
    assert TierMovement.objects.count() == 1


def test_publishing_a_run_places_the_firms(city, run_scoring):
    run = run_scoring()
    assert PlacementLog.objects.get(run=run).firms == 9
    assert placements() == dict(Portrait.objects.filter(run=run).values_list("enterprise_id", "tier"))


def test_high_tech_certificate_gained_moves_the_firm_to_t3_with_its_cause(city, run_scoring):
    firm = city["home"][1]
    run_scoring(on=RUN_DAY)
    before = TierPlacement.objects.get(enterprise=firm).tier
    assert before != "t3"
    factories.QualificationFactory(
        enterprise=firm,
        kind=QualificationKind.HIGH_TECH,
        valid_from=RUN_DAY,
        valid_to=RUN_DAY + datetime.timedelta(days=3 * 365),
    )
    nextday = run_scoring(on=RUN_DAY + datetime.timedelta(days=1))
    assert TierPlacement.objects.get(enterprise=firm).tier == "t3"
    movement = TierMovement.objects.get(enterprise=firm, run=nextday)
    assert (movement.from_tier, movement.to_tier, movement.cause, movement.direction) == (
        before,
        "t3",
        MovementCause.HIGH_TECH_GAINED,
        1,
    )
    # Nobody else moved.
    assert TierMovement.objects.filter(run=nextday).count() == 1


def test_real_scoring_places_outside_t1_t2_t3(db, run_scoring):
    xinhua = factories.county("410402")
    outside, t1, t2, t3 = factories.EnterpriseFactory.create_batch(4, county=xinhua)
    add_years(outside, rd=Decimal(0), st=0, invention_patents=0, utility_models=0)
    for firm in (t1, t2, t3):
        add_years(firm, rd=Decimal(100000), st=0, invention_patents=0, utility_models=0)
    for firm, kind in ((t2, QualificationKind.TECH_SME), (t3, QualificationKind.HIGH_TECH)):
        factories.QualificationFactory(
            enterprise=firm, kind=kind, valid_from=datetime.date(2026, 1, 1), valid_to=datetime.date(2027, 12, 31)
        )
    run_scoring()
    assert placements() == {outside.pk: "outside", t1.pk: "t1", t2.pk: "t2", t3.pk: "t3"}


def test_deleting_a_firm_deletes_its_placement_and_movements(county_firms, make_run, make_portrait):
    # Placement and movements carry no database constraint to the firm (placement speed): Django's CASCADE cleans.
    firm, other = county_firms["home"]
    run = make_run(DAY1)
    make_portrait(run, firm, "t1")
    make_portrait(run, other, "t2")
    place_from_run(run=run)
    Portrait.objects.filter(enterprise=firm).delete()
    firm.delete()
    assert list(TierPlacement.objects.values_list("enterprise_id", flat=True)) == [other.pk]
    assert list(TierMovement.objects.values_list("enterprise_id", flat=True)) == [other.pk]
