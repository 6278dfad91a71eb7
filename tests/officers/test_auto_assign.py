"""Auto-assign on a seeded city: coverage, maximum loads, county first, fields, spread, and the report."""

from collections import Counter

import pytest

from accounts.models import Role
from cultivation.services import place_from_run
from officers.matching import REASON_NO_OFFICER, REASON_NO_ROOM
from officers.models import Assignment, AssignmentRun, OfficerProfile
from tests import factories
from tests.officers import factories as officer_factories

XINHUA, RUZHOU, BAOFENG = "410402", "410482", "410421"


def active_loads() -> dict[int, int]:
    return dict(Counter(Assignment.objects.filter(ended_at__isnull=True).values_list("officer_id", flat=True)))


@pytest.fixture
def seeded_city(db):
    """Two counties with officers and innovative firms (capacity enough), non-innovative firms that must stay
    unassigned, and one firm already served."""
    run = officer_factories.published_run()
    xinhua_officers = [officer_factories.officer(county_code=XINHUA, expertise=["policy"]) for _ in range(4)]
    ruzhou_officers = [officer_factories.officer(county_code=RUZHOU, expertise=["ip"]) for _ in range(3)]
    xinhua_firms = officer_factories.innovative_firms(run, 37, county_code=XINHUA)
    ruzhou_firms = officer_factories.innovative_firms(run, 29, county_code=RUZHOU)
    outsiders = factories.EnterpriseFactory.create_batch(5, county=factories.county(XINHUA))
    officer_factories.portraits(run, outsiders, innovative=False, tier="t1")
    served = xinhua_firms[0]
    officer_factories.assign(served, xinhua_officers[0])
    return {"run": run, "xinhua": xinhua_officers, "ruzhou": ruzhou_officers, "xinhua_firms": xinhua_firms,
            "ruzhou_firms": ruzhou_firms, "outsiders": outsiders, "served": served}  # fmt: skip


def test_auto_assign_covers_every_innovative_firm_when_capacity_allows(seeded_city, city_staff, run_auto_assign):
    run = run_auto_assign(city_staff)
    assert run.status == AssignmentRun.Status.DONE
    assert (run.targets, run.assigned, run.uncovered) == (65, 65, 0)
    innovative = {firm.pk for firm in seeded_city["xinhua_firms"] + seeded_city["ruzhou_firms"]}
    covered = set(Assignment.objects.filter(ended_at__isnull=True).values_list("enterprise_id", flat=True))
    assert covered == innovative
    assert not covered & {firm.pk for firm in seeded_city["outsiders"]}
    # The firm already served keeps its officer: nothing of it changed.
    assert Assignment.objects.filter(enterprise=seeded_city["served"]).count() == 1


def test_auto_assign_keeps_to_the_county_and_spreads_load(seeded_city, city_staff, run_auto_assign):
    run_auto_assign(city_staff)
    for firm_key, officers_key in (("xinhua_firms", "xinhua"), ("ruzhou_firms", "ruzhou")):
        officer_ids = {officer.pk for officer in seeded_city[officers_key]}
        firm_ids = [firm.pk for firm in seeded_city[firm_key]]
        assert set(Assignment.objects.filter(enterprise_id__in=firm_ids).values_list("officer_id", flat=True)) <= (
            officer_ids
        )
        loads = [active_loads().get(pk, 0) for pk in officer_ids]
        assert max(loads) - min(loads) <= 1, loads
    # The stored loads are the active assignments' counts.
    assert {o.pk: o.load for o in OfficerProfile.objects.all() if o.load} == active_loads()


def test_no_officer_above_max_load_and_a_clear_report_when_capacity_is_short(db, city_staff, run_auto_assign):
    run = officer_factories.published_run()
    officers = [officer_factories.officer(county_code=XINHUA, max_load=4) for _ in range(3)]
    officer_factories.innovative_firms(run, 20, county_code=XINHUA)
    officer_factories.innovative_firms(run, 6, county_code=BAOFENG)  # no officer there at all
    result = run_auto_assign(city_staff)
    assert (result.targets, result.assigned, result.uncovered) == (26, 12, 14)
    assert all(active_loads()[officer.pk] == 4 for officer in officers)
    counties = {row["county"]: row for row in result.report["counties"]}
    assert counties[XINHUA] | {"county_name": ""} == {
        "county": XINHUA, "county_name": "", "targets": 20, "assigned": 12, "by_city_officers": 0,
        "uncovered": 8, "officers": 3, "reason": REASON_NO_ROOM,
    }  # fmt: skip
    assert (counties[BAOFENG]["uncovered"], counties[BAOFENG]["reason"]) == (6, REASON_NO_OFFICER)
    assert len(result.report["uncovered"]) == 14
    assert {row["reason"] for row in result.report["uncovered"] if row["county"] == BAOFENG} == {REASON_NO_OFFICER}


def test_county_officer_first_then_city_level_officers(db, city_staff, run_auto_assign):
    run = officer_factories.published_run()
    county_officer = officer_factories.officer(county_code=XINHUA, expertise=[], max_load=3)
    # A city-level officer matching every need still comes only after the county's own officers are full.
    city_officer = officer_factories.officer(county_code=None, expertise=["new_materials", "high_tech_application"])
    firms = officer_factories.innovative_firms(run, 5, county_code=XINHUA, field="new_materials")
    run_auto_assign(city_staff)
    assert active_loads() == {county_officer.pk: 3, city_officer.pk: 2}
    report = AssignmentRun.objects.get().report["counties"][0]
    assert (report["assigned"], report["by_city_officers"]) == (5, 2)
    assert Assignment.objects.filter(enterprise__in=firms).count() == 5


def test_fields_matching_the_firms_needs_come_first(db, city_staff, run_auto_assign):
    run = officer_factories.published_run()
    materials = officer_factories.officer(county_code=XINHUA, expertise=["new_materials"], max_load=5)
    generalist = officer_factories.officer(county_code=XINHUA, expertise=["finance"], max_load=5)
    materials_firms = officer_factories.innovative_firms(run, 4, county_code=XINHUA, field="new_materials")
    other_firms = officer_factories.innovative_firms(run, 4, county_code=XINHUA, field="bio_medicine")
    run_auto_assign(city_staff)
    served_by = dict(Assignment.objects.values_list("enterprise_id", "officer_id"))
    assert {served_by[firm.pk] for firm in materials_firms} == {materials.pk}
    # The others go to the least loaded: the generalist, until both serve four.
    assert Counter(served_by[firm.pk] for firm in other_firms) == {generalist.pk: 4}


def test_the_tier_adds_a_service_need(db, city_staff, run_auto_assign):
    run = officer_factories.published_run()
    applications = officer_factories.officer(county_code=XINHUA, expertise=["high_tech_application"], max_load=5)
    policy = officer_factories.officer(county_code=XINHUA, expertise=["policy"], max_load=5)
    t2 = officer_factories.innovative_firms(run, 3, county_code=XINHUA, tier="t2")
    t1 = officer_factories.innovative_firms(run, 3, county_code=XINHUA, tier="t1")
    place_from_run(run=run)
    run_auto_assign(city_staff)
    served_by = dict(Assignment.objects.values_list("enterprise_id", "officer_id"))
    assert {served_by[firm.pk] for firm in t2} == {applications.pk}
    assert {served_by[firm.pk] for firm in t1} == {policy.pk}


def test_key_list_firms_are_covered_only_when_asked(db, city_staff, run_auto_assign):
    run = officer_factories.published_run()
    officer_factories.officer(county_code=XINHUA)
    innovative = officer_factories.innovative_firms(run, 2, county_code=XINHUA)
    key_firms = factories.EnterpriseFactory.create_batch(2, county=factories.county(XINHUA))
    officer_factories.portraits(run, key_firms, innovative=False, tier="t1", readiness=90)
    place_from_run(run=run)
    assert run_auto_assign(city_staff).assigned == 2
    assert set(Assignment.objects.values_list("enterprise_id", flat=True)) == {firm.pk for firm in innovative}
    assert run_auto_assign(city_staff, include_key_list=True).assigned == 2
    assert Assignment.objects.filter(enterprise__in=key_firms, ended_at__isnull=True).count() == 2


def test_a_second_run_finds_nothing_left_and_a_run_is_carried_out_once(seeded_city, city_staff, run_auto_assign):
    first = run_auto_assign(city_staff)
    second = run_auto_assign(city_staff)
    assert (second.targets, second.assigned) == (0, 0)
    from officers.services import auto_assign

    again = auto_assign(run_id=first.pk)
    assert again.assigned == first.assigned
    assert Assignment.objects.filter(run=first).count() == first.assigned


def test_county_staff_assign_their_county_only(seeded_city, make_user, run_auto_assign):
    county_staff = make_user(Role.COUNTY_STAFF, county_code=RUZHOU)
    run = run_auto_assign(county_staff)
    assert (run.targets, run.assigned) == (29, 29)
    assert not Assignment.objects.filter(enterprise__county__code=XINHUA, run=run).exists()
    assert set(Assignment.objects.filter(run=run).values_list("officer_id", flat=True)) <= {
        officer.pk for officer in seeded_city["ruzhou"]
    }


def test_without_a_published_run_nothing_is_assigned_and_the_report_says_why(db, city_staff, run_auto_assign):
    officer_factories.officer(county_code=XINHUA)
    factories.EnterpriseFactory.create_batch(2)
    run = run_auto_assign(city_staff)
    assert run.status == AssignmentRun.Status.DONE and run.report["no_scoring_run"] is True
    assert not Assignment.objects.exists()


def test_auto_assign_page_shows_the_report(client, seeded_city, city_staff, django_capture_on_commit_callbacks):
    client.force_login(city_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/officers/auto-assign/", {"include_key_list": ""})
    run = AssignmentRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/officers/runs/{run.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "65" in page.content.decode()
    assert client.get(f"/api/v1/assignment-runs/{run.pk}/").json()["assigned"] == 65


def test_specialists_take_no_more_than_the_countys_fair_share(db, city_staff, run_auto_assign):
    run = officer_factories.published_run()
    specialist = officer_factories.officer(county_code=XINHUA, expertise=["new_materials"])
    generalist = officer_factories.officer(county_code=XINHUA, expertise=["finance"])
    officer_factories.innovative_firms(run, 10, county_code=XINHUA, field="new_materials")
    run_auto_assign(city_staff)
    # Fields come first up to the fair share (10 firms / 2 officers), not up to the maximum of 15.
    assert active_loads() == {specialist.pk: 5, generalist.pk: 5}
