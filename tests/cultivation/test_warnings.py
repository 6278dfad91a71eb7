import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from cultivation.models import CultivationWarning, WarningEvent
from cultivation.services import place_from_run
from cultivation.warning_rules import (
    CERTIFICATE_EXPIRING,
    CERTIFIED_BREAKS_CONDITION,
    READINESS_DROP,
    SME_NOT_REREGISTERED,
)
from cultivation.warnings import warnings_from_run
from cultivation.workflows import warning_transition
from enterprises.models import QualificationKind
from ip.warnings import IP_FALLING
from rulesets import get_ruleset
from scoring.models import Portrait
from scoring.rules import TAG_BITS
from tests import factories

DAY1 = datetime.date(2026, 6, 1)
DAY2 = datetime.date(2026, 6, 2)
RULES = get_ruleset(2026)
EXPIRING_DAYS = RULES.tags.certificate_expiring_days
DROP = float(RULES.warnings.readiness_drop_points)


def portrait(run, firm, *, tier="t2", readiness=50.0, tag_mask=0, sme_eligible=True):
    return Portrait.objects.create(
        run=run, enterprise=firm, county_id=firm.county_id, tier=tier, readiness=readiness, sme_score=40,
        sme_eligible=sme_eligible, sme_passes=False, capability_estimate=50, capability_low=40, capability_high=60,
        conditions_met=4, innovative_sme_score=40, gazelle_candidate=False, srdi_candidate=False, above_scale=False,
        innovative=True, tag_mask=tag_mask,
    )  # fmt: skip


def publish(run):
    """What the nightly pipeline's publication does after ranking: placement, then warnings."""
    place_from_run(run=run)
    return warnings_from_run(run=run)


def live(kind=None):
    queryset = CultivationWarning.objects.filter(state__in=["open", "acknowledged"])
    if kind:
        queryset = queryset.filter(kind=kind)
    return set(queryset.values_list("enterprise_id", flat=True))


def certificate(firm, ends_on):
    factories.QualificationFactory(
        enterprise=firm, kind=QualificationKind.HIGH_TECH, valid_from=ends_on - datetime.timedelta(days=1000),
        valid_to=ends_on,
    )  # fmt: skip


def test_certificate_expiring_within_the_rule_sets_days(make_run):
    inside, outside, renewed = factories.EnterpriseFactory.create_batch(3)
    certificate(inside, DAY1 + datetime.timedelta(days=EXPIRING_DAYS))
    certificate(outside, DAY1 + datetime.timedelta(days=EXPIRING_DAYS + 1))
    certificate(renewed, DAY1 + datetime.timedelta(days=30))
    factories.QualificationFactory(
        enterprise=renewed, kind=QualificationKind.HIGH_TECH, valid_from=DAY1 + datetime.timedelta(days=31),
        valid_to=DAY1 + datetime.timedelta(days=1100),
    )  # fmt: skip
    run = make_run(DAY1)
    for firm in (inside, outside, renewed):
        portrait(run, firm, tier="t3")
    assert publish(run)["opened"] == 1
    warning = CultivationWarning.objects.get()
    assert (warning.enterprise, warning.kind, warning.severity, warning.state) == (
        inside,
        CERTIFICATE_EXPIRING.kind,
        "medium",
        "open",
    )
    assert warning.values["value"] == EXPIRING_DAYS and warning.values["threshold"] == EXPIRING_DAYS
    assert warning.first_seen_run == run == warning.last_seen_run


def test_certified_firm_breaking_a_condition(make_run):
    risky, fine = factories.EnterpriseFactory.create_batch(2)
    run = make_run(DAY1)
    portrait(run, risky, tier="t3", tag_mask=TAG_BITS["audit_risk"] | TAG_BITS["ip_weak"])
    portrait(run, fine, tier="t3", tag_mask=TAG_BITS["ip_weak"])
    publish(run)
    assert live(CERTIFIED_BREAKS_CONDITION.kind) == {risky.pk}
    assert CultivationWarning.objects.get().severity == "high"


def test_tech_sme_registered_last_year_not_this_year(make_run):
    lapsed, renewed, outgrown, never = factories.EnterpriseFactory.create_batch(4)
    for firm in (lapsed, renewed, outgrown):
        factories.QualificationFactory(
            enterprise=firm, valid_from=datetime.date(2025, 5, 1), valid_to=datetime.date(2025, 12, 31)
        )
    factories.QualificationFactory(
        enterprise=renewed, valid_from=datetime.date(2026, 4, 1), valid_to=datetime.date(2026, 12, 31)
    )
    run = make_run(DAY1)
    for firm in (lapsed, renewed, never):
        portrait(run, firm, tier="t1")
    portrait(run, outgrown, tier="t2", sme_eligible=False)
    publish(run)
    assert live() == live(SME_NOT_REREGISTERED.kind) == {lapsed.pk}


def test_readiness_drop_against_the_previous_run_and_auto_resolve(make_run):
    sharp, slight, moved = factories.EnterpriseFactory.create_batch(3)
    yesterday, today, tomorrow = make_run(DAY1), make_run(DAY2), make_run(DAY2 + datetime.timedelta(days=1))
    for firm in (sharp, slight, moved):
        portrait(yesterday, firm, readiness=80)
    portrait(today, sharp, readiness=80 - DROP)
    portrait(today, slight, readiness=80 - DROP + 0.01)
    portrait(today, moved, tier="t1", readiness=10)  # another tier, another scale: not a drop
    publish(yesterday)
    assert not CultivationWarning.objects.exists()
    publish(today)
    warning = CultivationWarning.objects.get()
    assert warning.enterprise == sharp and warning.kind == READINESS_DROP.kind
    assert (warning.values["value"], warning.values["previous"], warning.severity) == (80 - DROP, 80, "medium")
    # Next run: readiness holds, the condition has cleared.
    for firm in (sharp, slight):
        portrait(tomorrow, firm, readiness=80 - DROP)
    assert publish(tomorrow) == {"opened": 0, "continued": 0, "auto_resolved": 1}
    warning.refresh_from_db()
    assert (warning.state, warning.auto_resolved_run, warning.last_seen_run) == ("auto_resolved", tomorrow, today)
    event = WarningEvent.objects.get()
    assert (event.from_state, event.to_state, event.actor, event.run) == ("open", "auto_resolved", None, tomorrow)


def test_invention_patents_falling_against_the_previous_year(make_run):
    falling, steady, gap_year = factories.EnterpriseFactory.create_batch(3)
    factories.IndicatorFactory(enterprise=falling, year=2024, invention_patents=3)
    factories.IndicatorFactory(enterprise=falling, year=2025, invention_patents=3 - RULES.warnings.ip_falling_min)
    factories.IndicatorFactory(enterprise=steady, year=2024, invention_patents=3)
    factories.IndicatorFactory(enterprise=steady, year=2025, invention_patents=3)
    factories.IndicatorFactory(enterprise=gap_year, year=2023, invention_patents=3)
    factories.IndicatorFactory(enterprise=gap_year, year=2025, invention_patents=0)
    run = make_run(DAY1)
    for firm in (falling, steady, gap_year):
        portrait(run, firm)
    publish(run)
    warning = CultivationWarning.objects.get()
    assert warning.enterprise == falling and warning.kind == IP_FALLING.kind
    assert (warning.values["value"], warning.values["previous"], warning.values["year"]) == (2, 3, 2025)


def test_condition_still_holding_carries_forward_and_publishing_twice_adds_nothing(make_run):
    firm = factories.EnterpriseFactory()
    certificate(firm, DAY1 + datetime.timedelta(days=60))
    first, second = make_run(DAY1), make_run(DAY2)
    portrait(first, firm, tier="t3")
    portrait(second, firm, tier="t3")
    assert publish(first)["opened"] == 1
    assert publish(first) == {"opened": 0, "continued": 1, "auto_resolved": 0}
    assert publish(second) == {"opened": 0, "continued": 1, "auto_resolved": 0}
    warning = CultivationWarning.objects.get()
    assert (warning.first_seen_run, warning.last_seen_run, warning.severity) == (first, second, "high")


def test_auto_resolve_when_the_certificate_is_renewed(make_run):
    firm = factories.EnterpriseFactory()
    certificate(firm, DAY1 + datetime.timedelta(days=60))
    first, second = make_run(DAY1), make_run(DAY2)
    portrait(first, firm, tier="t3")
    portrait(second, firm, tier="t3")
    publish(first)
    factories.QualificationFactory(
        enterprise=firm, kind=QualificationKind.HIGH_TECH, valid_from=DAY1 + datetime.timedelta(days=61),
        valid_to=DAY1 + datetime.timedelta(days=1200),
    )  # fmt: skip
    assert publish(second)["auto_resolved"] == 1
    assert CultivationWarning.objects.get().state == "auto_resolved"


def test_transitions_follow_the_table(make_run, make_user):
    firm = factories.EnterpriseFactory()
    certificate(firm, DAY1 + datetime.timedelta(days=60))
    run = make_run(DAY1)
    portrait(run, firm, tier="t3")
    publish(run)
    staff = make_user(Role.COUNTY_STAFF, county_code="410402")
    warning = CultivationWarning.objects.get()
    warning_transition(warning=warning, action="acknowledge", actor=staff)
    with pytest.raises(ValidationError):
        warning_transition(warning=warning, action="acknowledge", actor=staff)
    warning_transition(warning=warning, action="resolve", actor=staff, note="Renewal filed")
    warning.refresh_from_db()
    assert (warning.state, warning.acknowledged_by, warning.resolved_by) == ("resolved", staff, staff)
    for action in ("resolve", "acknowledge", "reopen"):
        with pytest.raises(ValidationError):
            warning_transition(warning=warning, action=action, actor=staff)
    assert list(WarningEvent.objects.order_by("id").values_list("from_state", "to_state", "note")) == [
        ("open", "acknowledged", ""),
        ("acknowledged", "resolved", "Renewal filed"),
    ]
    # Resolved by staff while the condition holds: not raised again by the next publication of the run.
    assert publish(run) == {"opened": 0, "continued": 1, "auto_resolved": 0}
    assert CultivationWarning.objects.count() == 1


def test_publishing_a_scored_run_raises_warnings(city, run_scoring):
    """The step in the nightly pipeline's publication (pipeline.nightly): the city fixture's two certificates end
    within the rule set's days of a run on 2027-06-30."""
    run = run_scoring(on=datetime.date(2027, 6, 30))
    assert run.status == "published"
    assert live(CERTIFICATE_EXPIRING.kind) == {city["home"][0].pk, city["away"][0].pk}


# ---------------------------------------------------------------------------------------------------------------
# Pages and API

# Session, user, counties of the switcher, count, page of rows (firm, county, run joined).
PAGE_QUERIES = 5
# Session, user, count, page of rows.
API_QUERIES = 4


@pytest.fixture
def warned(county_firms, make_run):
    """An expiring certificate in each county; the other county's warning is created first."""
    run = make_run(DAY1)
    for firm in county_firms["away"] + county_firms["home"]:
        certificate(firm, DAY1 + datetime.timedelta(days=200))
        portrait(run, firm, tier="t3")
    publish(run)
    away = list(CultivationWarning.objects.filter(enterprise__in=county_firms["away"]))
    assert len(away) == 2
    return {**county_firms, "away_warning": away[0]}


def rows(response):
    return {warning.enterprise_id for warning in response.context["page"].object_list}


def test_county_user_cannot_see_or_act_on_another_countys_warnings(client, make_user, warned):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    home = {firm.pk for firm in warned["home"]}
    url = reverse("cultivation:warnings")
    assert rows(client.get(url)) == home
    assert rows(client.get(url, {"county": "410482"})) == home  # not a county of theirs: ignored
    other = warned["away_warning"]
    for action in ("acknowledge", "resolve"):
        response = client.post(reverse("cultivation:warning-transition", args=[other.pk, action]))
        assert response.status_code == 404
        assert client.post(f"/api/v1/warnings/{other.pk}/{action}/").status_code == 404
    assert client.get(f"/api/v1/warnings/{other.pk}/").status_code == 404
    assert {row["id"] for row in client.get("/api/v1/warnings/").json()["results"]} == set(
        CultivationWarning.objects.filter(enterprise__in=warned["home"]).values_list("pk", flat=True)
    )
    other.refresh_from_db()
    assert other.state == "open"
    assert not WarningEvent.objects.exists()


def test_city_staff_switch_county_filter_and_act_through_the_page(client, make_user, warned):
    client.force_login(make_user(Role.CITY_STAFF))
    url = reverse("cultivation:warnings")
    response = client.get(url)
    assert len(rows(response)) == 4 and "/acknowledge/" in response.content.decode()
    assert rows(client.get(url, {"county": "410482"})) == {firm.pk for firm in warned["away"]}
    assert rows(client.get(url, {"kind": "readiness_drop"})) == set()
    assert len(rows(client.get(url, {"severity": "medium", "kind": "certificate_expiring"}))) == 4
    warning = warned["away_warning"]
    response = client.post(
        reverse("cultivation:warning-transition", args=[warning.pk, "acknowledge"]), {"next": url + "?county=410482"}
    )
    assert response.status_code == 302 and response["Location"] == url + "?county=410482"
    client.post(reverse("cultivation:warning-transition", args=[warning.pk, "resolve"]))
    warning.refresh_from_db()
    assert warning.state == "resolved"
    assert len(rows(client.get(url))) == 3  # default: open and acknowledged
    assert rows(client.get(url, {"state": "resolved"})) == {warning.enterprise_id}
    # Refused by the table: stays resolved, a message says why.
    client.post(reverse("cultivation:warning-transition", args=[warning.pk, "acknowledge"]))
    warning.refresh_from_db()
    assert warning.state == "resolved"


def test_leader_sees_warnings_but_cannot_act(client, make_user, warned):
    client.force_login(make_user(Role.LEADER))
    response = client.get(reverse("cultivation:warnings"))
    assert len(rows(response)) == 4 and "/acknowledge/" not in response.content.decode()
    warning = warned["away_warning"]
    assert client.post(reverse("cultivation:warning-transition", args=[warning.pk, "resolve"])).status_code == 403
    assert client.post(f"/api/v1/warnings/{warning.pk}/resolve/").status_code == 403


def test_home_page_counts_open_warnings_in_scope(client, make_user, warned):
    county_staff = make_user(Role.COUNTY_STAFF, county_code="410402")
    warning_transition(
        warning=CultivationWarning.objects.filter(enterprise=warned["home"][0]).get(),
        action="acknowledge",
        actor=county_staff,
    )
    client.force_login(county_staff)
    assert client.get(reverse("home")).context["open_warnings"] == 1
    client.force_login(make_user(Role.CITY_STAFF))
    response = client.get(reverse("home"))
    assert response.context["open_warnings"] == 3
    assert 'id="stat-open-warnings"' in response.content.decode()


def test_api_filters_and_transitions(client, make_user, warned):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    warning = CultivationWarning.objects.filter(enterprise=warned["home"][0]).get()
    response = client.post(f"/api/v1/warnings/{warning.pk}/acknowledge/", {"note": "Calling them"})
    assert response.status_code == 200 and response.json()["state"] == "acknowledged"
    assert client.get("/api/v1/warnings/", {"state": "acknowledged"}).json()["count"] == 1
    assert client.get("/api/v1/warnings/", {"kind": "ip_falling"}).json()["count"] == 0
    assert client.get("/api/v1/warnings/", {"severity": "nope"}).status_code == 400
    assert client.post(f"/api/v1/warnings/{warning.pk}/resolve/").json()["state"] == "resolved"
    assert client.post(f"/api/v1/warnings/{warning.pk}/resolve/").status_code == 409  # resolved already
    assert client.get("/api/v1/warnings/").json()["count"] == 1


@pytest.fixture
def many_warnings(make_run):
    county = factories.county("410402")
    run = make_run(DAY1)
    for firm in factories.EnterpriseFactory.create_batch(60, county=county):
        certificate(firm, DAY1 + datetime.timedelta(days=100))
        portrait(run, firm, tier="t3", tag_mask=TAG_BITS["audit_risk"])
    publish(run)


@pytest.mark.parametrize("role", [Role.COUNTY_STAFF, Role.CITY_STAFF])
def test_page_query_count_is_fixed(client, make_user, many_warnings, django_assert_num_queries, role):
    client.force_login(make_user(role, county_code="410402" if role == Role.COUNTY_STAFF else None))
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(reverse("cultivation:warnings"))
    assert len(response.context["page"].object_list) == 50


def test_api_query_count_is_fixed(client, make_user, many_warnings, django_assert_num_queries):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    with django_assert_num_queries(API_QUERIES):
        response = client.get("/api/v1/warnings/", {"page_size": 100})
    assert len(response.json()["results"]) == 100


def test_a_firm_the_run_did_not_score_keeps_its_warning(make_run):
    scored, unscored = factories.EnterpriseFactory.create_batch(2)
    for firm in (scored, unscored):
        certificate(firm, DAY1 + datetime.timedelta(days=60))
    first, second = make_run(DAY1), make_run(DAY2)
    for firm in (scored, unscored):
        portrait(first, firm, tier="t3")
    portrait(second, scored, tier="t3")
    publish(first)
    assert publish(second) == {"opened": 0, "continued": 1, "auto_resolved": 0}
    assert live(CERTIFICATE_EXPIRING.kind) == {scored.pk, unscored.pk}


def test_broken_conditions_are_named_from_the_portrait_detail(city, run_scoring):
    """A real run: the city fixture's first firm is certified but has no R&D and no S&T staff."""
    run = run_scoring()
    firm = city["home"][0]
    assert Portrait.objects.get(run=run, enterprise=firm).tag_mask & TAG_BITS["audit_risk"]
    warning = CultivationWarning.objects.get(enterprise=firm, kind=CERTIFIED_BREAKS_CONDITION.kind)
    assert {"st_personnel", "rd_ratio"} <= set(warning.values["value"])
