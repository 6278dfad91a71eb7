import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cultivation.campaigns import campaign_add_candidates, campaign_create, campaign_funnel, entry_get
from cultivation.models import (
    CampaignEntry,
    CampaignEvent,
    CampaignStage,
    MovementCause,
    TierMovement,
    TierPlacement,
)
from cultivation.workflows import CAMPAIGN_TRANSITIONS, campaign_entry_transition
from enterprises.models import Qualification, QualificationKind
from rulesets import get_ruleset
from scoring.selectors import ruleset_in_force
from tests import factories
from tests.scoring.conftest import RUN_DAY, add_years

YEAR = 2026
# The data each move needs.
MOVE_DATA = {
    CampaignStage.PRE_REVIEWED: {"result": "pass", "notes": "ok"},
    CampaignStage.SUBMITTED: {"submitted_on": datetime.date(2026, 5, 10)},
    CampaignStage.APPROVED: {"certificate_number": "GR202641000001", "issued_on": datetime.date(2026, 11, 1)},
    CampaignStage.FAILED: {"reason": "R&D ratio too low"},
    CampaignStage.WITHDRAWN: {"reason": "firm withdrew"},
    CampaignStage.CANDIDATE: {},
}
# The path from "candidate" to each stage.
PATHS = {
    CampaignStage.CANDIDATE: [],
    CampaignStage.PRE_REVIEWED: [CampaignStage.PRE_REVIEWED],
    CampaignStage.SUBMITTED: [CampaignStage.PRE_REVIEWED, CampaignStage.SUBMITTED],
    CampaignStage.APPROVED: [CampaignStage.PRE_REVIEWED, CampaignStage.SUBMITTED, CampaignStage.APPROVED],
    CampaignStage.FAILED: [CampaignStage.PRE_REVIEWED, CampaignStage.SUBMITTED, CampaignStage.FAILED],
    CampaignStage.WITHDRAWN: [CampaignStage.WITHDRAWN],
}


def _place(enterprise, tier="t2"):
    TierPlacement.objects.update_or_create(
        enterprise=enterprise, defaults={"tier": tier, "since": RUN_DAY, "county_id": enterprise.county_id}
    )


@pytest.fixture
def city_staff(make_user):
    return make_user("city_staff")


@pytest.fixture
def campaign(city_staff):
    return campaign_create(year=YEAR, actor=city_staff)


def _entry(campaign, actor, *, county="410402", stage=CampaignStage.CANDIDATE):
    firm = factories.EnterpriseFactory(county=factories.county(county))
    _place(firm)
    entry = campaign_add_candidates(campaign=campaign, enterprises=[firm], actor=actor)[0]
    for step in PATHS[stage]:
        campaign_entry_transition(entry=entry, to=step, actor=actor, **MOVE_DATA[step])
    return entry


def test_campaign_create_is_for_city_staff_and_one_per_year(make_user, city_staff):
    with pytest.raises(PermissionDenied):
        campaign_create(year=YEAR, actor=make_user("county_staff", county_code="410402"))
    campaign = campaign_create(year=YEAR, actor=city_staff)
    assert campaign.title and campaign.opened_by == city_staff
    with pytest.raises(ValidationError):
        campaign_create(year=YEAR, actor=city_staff)


@pytest.mark.parametrize("start", list(CampaignStage))
@pytest.mark.parametrize("to", list(CampaignStage))
def test_transitions_table(campaign, city_staff, start, to):
    entry = _entry(campaign, city_staff, stage=start)
    before = CampaignEntry.objects.filter(pk=entry.pk).values().get()
    events = CampaignEvent.objects.count()
    qualifications = Qualification.objects.count()
    if to in CAMPAIGN_TRANSITIONS[start]:
        campaign_entry_transition(entry=entry, to=to, actor=city_staff, **MOVE_DATA[to])
        assert CampaignEntry.objects.get(pk=entry.pk).stage == to
        event = CampaignEvent.objects.latest("id")
        assert (event.from_state, event.to_state, event.actor) == (start, to, city_staff)
        assert CampaignEvent.objects.count() == events + 1
    else:
        with pytest.raises(ValidationError):
            campaign_entry_transition(entry=entry, to=to, actor=city_staff, **MOVE_DATA[to])
        assert CampaignEntry.objects.filter(pk=entry.pk).values().get() == before
        assert CampaignEvent.objects.count() == events
        assert Qualification.objects.count() == qualifications


def test_a_move_missing_its_data_changes_nothing(campaign, city_staff):
    entry = _entry(campaign, city_staff, stage=CampaignStage.SUBMITTED)
    with pytest.raises(ValidationError):
        campaign_entry_transition(entry=entry, to=CampaignStage.APPROVED, actor=city_staff, certificate_number="X")
    assert CampaignEntry.objects.get(pk=entry.pk).stage == CampaignStage.SUBMITTED
    assert not Qualification.objects.filter(enterprise=entry.enterprise).exists()


def test_event_is_append_only(campaign, city_staff):
    entry = _entry(campaign, city_staff)
    event = entry.events.get()
    with pytest.raises(ValueError):
        event.save()


def test_approval_creates_the_high_tech_qualification_with_the_rule_sets_validity(campaign, city_staff):
    entry = _entry(campaign, city_staff, stage=CampaignStage.APPROVED)
    qualification = Qualification.objects.get(enterprise=entry.enterprise, kind=QualificationKind.HIGH_TECH)
    years = ruleset_in_force().high_tech.certificate_years
    issued = MOVE_DATA[CampaignStage.APPROVED]["issued_on"]
    assert qualification.number == "GR202641000001"
    assert qualification.valid_from == issued
    assert qualification.valid_to == issued.replace(year=issued.year + years) - datetime.timedelta(days=1)
    assert CampaignEntry.objects.get(pk=entry.pk).qualification == qualification


def test_validity_follows_the_rule_set(campaign, city_staff, monkeypatch):
    ruleset = get_ruleset()
    longer = type(ruleset.high_tech)(**{**ruleset.high_tech.__dict__, "certificate_years": 5})
    monkeypatch.setattr(
        "cultivation.workflows.ruleset_in_force", lambda: type(ruleset)(**{**ruleset.__dict__, "high_tech": longer})
    )
    entry = _entry(campaign, city_staff, stage=CampaignStage.APPROVED)
    assert entry.qualification.valid_to == datetime.date(2031, 10, 31)


def test_candidates_outside_t2_need_the_override_which_is_recorded(campaign, city_staff):
    t2, t1 = factories.EnterpriseFactory.create_batch(2)
    _place(t2)
    _place(t1, "t1")
    with pytest.raises(ValidationError):
        campaign_add_candidates(campaign=campaign, enterprises=[t2, t1], actor=city_staff)
    assert not CampaignEntry.objects.exists()
    created = campaign_add_candidates(campaign=campaign, enterprises=[t2, t1], actor=city_staff, override=True)
    assert {(e.enterprise_id, e.override, e.tier_at_selection) for e in created} == {
        (t2.pk, False, "t2"),
        (t1.pk, True, "t1"),
    }
    assert CampaignEvent.objects.get(entry__enterprise=t1).data["override"] is True
    # Adding again skips firms already in the campaign.
    assert campaign_add_candidates(campaign=campaign, enterprises=[t2], actor=city_staff) == []


def test_approved_firm_moves_to_t3_on_the_next_run(campaign, city_staff, run_scoring):
    firm = factories.EnterpriseFactory(county=factories.county("410402"))
    add_years(firm, rd=Decimal(100000), st=0, invention_patents=0, utility_models=0)
    factories.QualificationFactory(
        enterprise=firm, kind=QualificationKind.TECH_SME, valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2027, 12, 31),
    )  # fmt: skip
    run_scoring(on=RUN_DAY)
    assert TierPlacement.objects.get(enterprise=firm).tier == "t2"
    entry = campaign_add_candidates(campaign=campaign, enterprises=[firm], actor=city_staff)[0]
    assert entry.readiness_at_selection is not None
    issued = RUN_DAY + datetime.timedelta(days=1)
    for step, data in (
        (CampaignStage.PRE_REVIEWED, {"result": "pass"}),
        (CampaignStage.SUBMITTED, {"submitted_on": RUN_DAY}),
        (CampaignStage.APPROVED, {"certificate_number": "GR2026", "issued_on": issued}),
    ):
        campaign_entry_transition(entry=entry, to=step, actor=city_staff, **data)
    later = run_scoring(on=RUN_DAY + datetime.timedelta(days=2))
    assert later.status == "published"
    assert TierPlacement.objects.get(enterprise=firm).tier == "t3"
    movement = TierMovement.objects.get(enterprise=firm, run=later)
    assert (movement.from_tier, movement.to_tier, movement.cause) == ("t2", "t3", MovementCause.HIGH_TECH_GAINED)


def test_funnel_and_pass_rate_by_county(campaign, city_staff, make_user):
    stages = {
        "410402": [CampaignStage.CANDIDATE, CampaignStage.PRE_REVIEWED, CampaignStage.SUBMITTED,
                   CampaignStage.APPROVED, CampaignStage.APPROVED, CampaignStage.APPROVED, CampaignStage.FAILED],
        "410482": [CampaignStage.APPROVED, CampaignStage.FAILED, CampaignStage.WITHDRAWN],
    }  # fmt: skip
    for county, wanted in stages.items():
        for stage in wanted:
            _entry(campaign, city_staff, county=county, stage=stage)
    rows, total = campaign_funnel(user=city_staff, campaign=campaign)
    by_county = {row.county_code: row for row in rows}
    assert by_county["410402"].counts == {
        "candidates": 7, "pre_reviewed": 6, "submitted": 5, "approved": 3, "failed": 1, "withdrawn": 0,
    }  # fmt: skip
    assert by_county["410402"].pass_rate == pytest.approx(0.75)
    assert by_county["410482"].counts["candidates"] == 2
    assert by_county["410482"].pass_rate == pytest.approx(0.5)
    assert total.counts["approved"] == 4 and total.pass_rate == pytest.approx(4 / 6)
    county_user = make_user("county_staff", county_code="410482")
    rows, total = campaign_funnel(user=county_user, campaign=campaign)
    assert [row.county_code for row in rows] == ["410482"]
    assert total.counts["approved"] == 1


def test_pass_rate_is_none_before_any_outcome(campaign, city_staff):
    _entry(campaign, city_staff, stage=CampaignStage.SUBMITTED)
    _rows, total = campaign_funnel(user=city_staff, campaign=campaign)
    assert total.pass_rate is None


def test_county_user_cannot_see_or_act_on_another_countys_entries(campaign, city_staff, make_user):
    away = _entry(campaign, city_staff, county="410482")
    home = _entry(campaign, city_staff, county="410402")
    county_user = make_user("county_staff", county_code="410402")
    assert entry_get(user=county_user, pk=home.pk) == home
    with pytest.raises(Http404):
        entry_get(user=county_user, pk=away.pk)
    with pytest.raises(PermissionDenied):
        campaign_entry_transition(entry=away, to=CampaignStage.WITHDRAWN, actor=county_user, reason="x")
    with pytest.raises(PermissionDenied):
        campaign_add_candidates(campaign=campaign, enterprises=[away.enterprise], actor=county_user)
    assert CampaignEntry.objects.get(pk=away.pk).stage == CampaignStage.CANDIDATE


# --- Pages -------------------------------------------------------------------------------------------------------


def test_pages_list_show_and_move_entries(client, campaign, city_staff):
    entry = _entry(campaign, city_staff, stage=CampaignStage.SUBMITTED)
    client.force_login(city_staff)
    assert client.get("/cultivation/campaigns/").status_code == 200
    page = client.get(f"/cultivation/campaigns/{YEAR}/")
    assert page.status_code == 200
    assert f'id="entry-{entry.pk}"' in page.content.decode()
    response = client.post(
        f"/cultivation/campaign-entries/{entry.pk}/transition/",
        {"to": "approved", "certificate_number": "GR1", "issued_on": "2026-11-01"},
    )
    assert response.status_code == 302
    assert CampaignEntry.objects.get(pk=entry.pk).stage == CampaignStage.APPROVED


def test_page_adds_firms_by_credit_code_only_with_the_override_outside_t2(client, campaign, make_user):
    home = factories.county("410402")
    t1_firm = factories.EnterpriseFactory(county=home)
    away = factories.EnterpriseFactory(county=factories.county("410482"))
    _place(t1_firm, "t1")
    _place(away)
    client.force_login(make_user("county_staff", county_code="410402"))
    url = f"/cultivation/campaigns/{YEAR}/candidates/"
    # Another county's firm is not found, and nothing is added with it.
    response = client.post(url, {"credit_codes": f"{t1_firm.credit_code}, {away.credit_code}"}, follow=True)
    assert away.credit_code in response.content.decode() and not CampaignEntry.objects.exists()
    client.post(url, {"credit_codes": t1_firm.credit_code.lower()})
    assert not CampaignEntry.objects.exists()
    client.post(url, {"credit_codes": f"{t1_firm.credit_code}\n", "override": "1"})
    entry = CampaignEntry.objects.get()
    assert (entry.enterprise_id, entry.override, entry.tier_at_selection) == (t1_firm.pk, True, "t1")


def test_county_user_gets_404_on_another_countys_entry_page_actions(client, campaign, city_staff, make_user):
    away = _entry(campaign, city_staff, county="410482")
    client.force_login(make_user("county_staff", county_code="410402"))
    response = client.post(f"/cultivation/campaign-entries/{away.pk}/transition/", {"to": "withdrawn", "reason": "x"})
    assert response.status_code == 404
    response = client.post(f"/cultivation/campaigns/{YEAR}/candidates/", {"enterprise": [away.enterprise_id]})
    assert response.status_code == 404
    page = client.get(f"/cultivation/campaigns/{YEAR}/").content.decode()
    assert f'id="entry-{away.pk}"' not in page
    assert client.get(f"/cultivation/campaigns/{YEAR}/?county=410482").status_code == 404
    assert CampaignEntry.objects.get(pk=away.pk).stage == CampaignStage.CANDIDATE


def test_campaign_page_query_count_is_fixed(client, campaign, city_staff, django_assert_num_queries):
    for _ in range(3):
        _entry(campaign, city_staff, stage=CampaignStage.SUBMITTED)
    client.force_login(city_staff)
    client.get(f"/cultivation/campaigns/{YEAR}/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(f"/cultivation/campaigns/{YEAR}/")
    for county in ("410402", "410482"):
        for _ in range(4):
            _entry(campaign, city_staff, county=county, stage=CampaignStage.FAILED)
    with django_assert_num_queries(len(few)):
        assert client.get(f"/cultivation/campaigns/{YEAR}/").status_code == 200


# --- API ---------------------------------------------------------------------------------------------------------


def test_api_lists_filters_moves_and_scopes(client, campaign, city_staff, make_user):
    home = _entry(campaign, city_staff, county="410402", stage=CampaignStage.SUBMITTED)
    away = _entry(campaign, city_staff, county="410482", stage=CampaignStage.APPROVED)
    client.force_login(city_staff)
    detail = client.get(f"/api/v1/campaigns/{YEAR}/").json()
    assert {row["county"] for row in detail["funnel"]} == {"410402", "410482"}
    assert detail["total"]["approved"] == 1
    county_user = make_user("county_staff", county_code="410402")
    client.force_login(county_user)
    listed = client.get(f"/api/v1/campaign-entries/?year={YEAR}").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [home.pk]
    assert client.get(f"/api/v1/campaign-entries/{away.pk}/").status_code == 404
    moved = client.post(
        f"/api/v1/campaign-entries/{away.pk}/transition/",
        {"to": "withdrawn", "reason": "x"},
        content_type="application/json",
    )
    assert moved.status_code == 404
    moved = client.post(
        f"/api/v1/campaign-entries/{home.pk}/transition/",
        {"to": "failed", "reason": "low R&D"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["stage"] == "failed"
    refused = client.post(
        f"/api/v1/campaign-entries/{home.pk}/transition/", {"to": "approved"}, content_type="application/json"
    )
    assert refused.status_code == 409  # recorded as failed meanwhile: it has moved on, said so
    assert "already moved to" in str(refused.json()) or "已变为" in str(refused.json())
    assert [row["county"] for row in client.get(f"/api/v1/campaigns/{YEAR}/").json()["funnel"]] == ["410402"]


def test_api_query_counts_are_fixed(client, campaign, city_staff, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _entry(campaign, city_staff, stage=CampaignStage.SUBMITTED)
    client.force_login(city_staff)
    urls = ["/api/v1/campaign-entries/", f"/api/v1/campaigns/{YEAR}/", "/api/v1/campaigns/"]
    counts = {}
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    for county in ("410402", "410482"):
        for _ in range(3):
            _entry(campaign, city_staff, county=county, stage=CampaignStage.APPROVED)
    for url in urls:
        with django_assert_num_queries(counts[url]):
            client.get(url)
