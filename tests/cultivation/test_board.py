"""The tier board, the key cultivation list (重点培育) and its export."""

import dataclasses
import datetime
import io

import openpyxl
import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cultivation.exports import KEY_LIST_HEADERS
from cultivation.models import CultivationSettings, TierMovement, TierPlacement
from cultivation.selectors import (
    READINESS_BANDS,
    board_counts,
    board_placements,
    board_tier_pages,
    key_list,
    movements_this_month,
    tier_counts,
)
from cultivation.services import pin_create, pin_end, place_from_run
from rulesets import get_ruleset
from scoring.models import Portrait, ScoringRun
from scoring.rules import TAG_BITS
from tests import factories
from tests.officers import factories as officer_factories

TODAY = timezone.localdate()
ONE_MONTH = datetime.timedelta(days=30)
HOME, AWAY = "410402", "410482"
BOARD = reverse("cultivation:board")
EXPORT = reverse("cultivation:key-list-export")


@pytest.fixture
def build_board(db, make_run, make_portrait):
    """`spec`: {county code: [(tier, readiness, extra portrait fields), …]}. One published run, placed."""

    def build(spec, *, on=TODAY):
        run = make_run(on)
        firms = {}
        for code, rows in spec.items():
            county = factories.county(code)
            for tier, readiness, *extra in rows:
                firm = factories.EnterpriseFactory(county=county)
                portrait = make_portrait(run, firm, tier)
                Portrait.objects.filter(pk=portrait.pk).update(readiness=readiness, **(extra[0] if extra else {}))
                firms.setdefault(code, []).append(firm)
        ScoringRun.objects.filter(pk=run.pk).update(status=ScoringRun.Status.PUBLISHED, finished_at=timezone.now())
        place_from_run(run=run)
        return run, firms

    return build


def tier_pages(*, user, county=None, pages=None, page_size=20, **filters):
    """The board's lists as the view builds them: totals from board_counts, pages from board_placements."""
    _counts, totals = board_counts(user=user, county=county, **filters)
    queryset = board_placements(user=user, county=county, **filters)
    return board_tier_pages(queryset, totals=totals, pages=pages, page_size=page_size)


def names(rows):
    return [row.enterprise.name for row in rows]


def test_counts_and_ranking_from_hand_made_portraits(build_board, make_user):
    _run, firms = build_board(
        {HOME: [("t1", 55), ("t1", 90), ("t1", 70), ("t2", 65), ("t3", 20), ("outside", 0)], AWAY: [("t1", 99)]}
    )
    user = make_user(Role.CITY_STAFF)
    xinhua = firms[HOME][0].county
    assert tier_counts(user=user, county=xinhua) == {"outside": 1, "t1": 3, "t2": 1, "t3": 1}
    assert tier_counts(user=user) == {"outside": 1, "t1": 4, "t2": 1, "t3": 1}
    pages = tier_pages(user=user, county=xinhua, page_size=2)
    t1, t2, t3 = pages
    assert (t1.total, t1.num_pages) == (3, 2)
    assert [p.readiness for p in t1.rows] == [90, 70]
    assert [p.readiness for p in t2.rows] == [65] and [p.readiness for p in t3.rows] == [20]
    second = tier_pages(user=user, county=xinhua, pages={"t1": 2}, page_size=2)[0]
    assert [p.readiness for p in second.rows] == [55] and second.first_rank == 3


def test_a_pinned_firm_is_listed_in_its_pinned_tier(build_board, make_user):
    _run, firms = build_board({HOME: [("t1", 80), ("t1", 60)]})
    staff = make_user(Role.CITY_STAFF)
    pin_create(enterprise=firms[HOME][0], tier="t2", reason="In review", ends_on=TODAY + ONE_MONTH, actor=staff)
    pages = tier_pages(user=staff)
    assert [p.readiness for p in pages[0].rows] == [60] and [p.readiness for p in pages[1].rows] == [80]
    assert (pages[0].total, pages[1].total) == (1, 1)


def live_counts(**filters):
    """Firms per tier counted from the placements themselves, to check the tallies against."""
    counts = {tier: 0 for tier in ("outside", "t1", "t2", "t3")}
    for placement in TierPlacement.objects.filter(**filters):
        counts[placement.tier] += 1
    return counts


def test_tallies_follow_placement_and_pins(build_board, make_user):
    _run, firms = build_board({HOME: [("t1", 80), ("t2", 60), ("outside", 0)], AWAY: [("t3", 70)]})
    staff = make_user(Role.CITY_STAFF)
    county_user = make_user(Role.COUNTY_STAFF, county_code=AWAY)
    home = firms[HOME][0].county

    def check():
        assert board_counts(user=staff)[0] == live_counts()
        assert board_counts(user=staff, county=home)[0] == live_counts(county=home)
        assert board_counts(user=county_user)[0] == live_counts(county__code=AWAY)

    check()
    assert board_counts(user=staff)[1] == {"t1": 1, "t2": 1, "t3": 1}
    pin = pin_create(enterprise=firms[HOME][0], tier="t3", reason="x", ends_on=TODAY + ONE_MONTH, actor=staff)
    check()
    assert board_counts(user=staff)[1] == {"t1": 0, "t2": 1, "t3": 2}
    # A firm no run has placed yet: the pin places it, counted but not listed (no readiness to rank by).
    newcomer = factories.EnterpriseFactory(county=home)
    pin_create(enterprise=newcomer, tier="t2", reason="New", ends_on=TODAY + ONE_MONTH, actor=staff)
    check()
    assert board_counts(user=staff)[1] == {"t1": 0, "t2": 1, "t3": 2}
    pin_end(pin=pin, actor=staff, reason="Done")
    pin_end(pin=newcomer.tier_pins.get(), actor=staff, reason="Done")
    check()
    assert board_counts(user=staff) == (live_counts(), {"t1": 1, "t2": 1, "t3": 1})
    # The filtered path counts live, and agrees.
    assert board_counts(user=staff, band="high")[0] == live_counts()


def test_filters_industry_tag_and_readiness_band(build_board, make_user):
    growth = TAG_BITS["high_growth"]
    _run, _firms = build_board(
        {
            HOME: [
                ("t1", 85, {"industry_division": "39", "tag_mask": growth}),
                ("t1", 70, {"industry_division": "39"}),
                ("t1", 40, {"industry_division": "26", "tag_mask": growth | TAG_BITS["rd_blank"]}),
            ]
        }
    )
    user = make_user(Role.CITY_STAFF)

    def readiness(**filters):
        return [p.readiness for p in tier_pages(user=user, **filters)[0].rows]

    assert readiness(industry="39") == [85, 70]
    counts, totals = board_counts(user=user, tag="high_growth", band="high")
    assert counts["t1"] == 3 and totals == {"t1": 1, "t2": 0, "t3": 0}
    assert readiness(tag="high_growth") == [85, 40]
    assert readiness(band="high") == [85] and readiness(band="mid") == [70] and readiness(band="low") == [40]
    assert set(READINESS_BANDS) == {"high", "mid", "low"}


def test_has_officer_filter(client, build_board, make_user):
    _run, firms = build_board({HOME: [("t1", 90), ("t1", 80), ("t2", 70)]})
    profile = officer_factories.officer(county_code=HOME)
    officer_factories.assign(firms[HOME][0], profile)
    officer_factories.assign(firms[HOME][2], profile)
    user = make_user(Role.CITY_STAFF)
    served = tier_pages(user=user, has_officer=True)
    assert [p.readiness for p in served[0].rows] == [90] and [p.readiness for p in served[1].rows] == [70]
    unserved = tier_pages(user=user, has_officer=False)
    assert [p.readiness for p in unserved[0].rows] == [80] and unserved[1].total == 0
    client.force_login(user)
    html = client.get(BOARD, {"officer": "no"}).content.decode()
    assert firms[HOME][1].credit_code in html and firms[HOME][0].credit_code not in html


def test_movements_this_month_up_and_down(build_board, make_user):
    _run, firms = build_board({HOME: [("t1", 50)], AWAY: [("t1", 50)]})
    home, away = firms[HOME][0], firms[AWAY][0]
    for firm, direction in ((home, 1), (home, 1), (home, -1), (away, -1)):
        TierMovement.objects.create(
            enterprise=firm, from_tier="t1", to_tier="t2", direction=direction, date=TODAY, cause="rules"
        )
    TierMovement.objects.create(
        enterprise=home, from_tier="t1", to_tier="t2", direction=1, date=TODAY.replace(day=1) - datetime.timedelta(1),
        cause="rules",
    )  # fmt: skip
    county_user = make_user(Role.COUNTY_STAFF, county_code=HOME)
    assert movements_this_month(user=county_user) == {"up": 2, "down": 1}
    assert movements_this_month(user=make_user(Role.CITY_STAFF)) == {"up": 2, "down": 2}


def test_county_user_sees_only_their_county(client, build_board, make_user):
    _run, firms = build_board({HOME: [("t1", 50)], AWAY: [("t1", 95), ("t2", 90)]})
    client.force_login(make_user(Role.COUNTY_STAFF, county_code=HOME))
    response = client.get(BOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert firms[HOME][0].credit_code in html
    assert all(firm.credit_code not in html for firm in firms[AWAY])
    assert 'id="county-switch"' not in html
    assert response.context["counts"]["t1"] == 1 and response.context["counts"]["t2"] == 0
    assert client.get(BOARD, {"county": AWAY}).status_code == 404
    assert client.get(BOARD, {"county": HOME}).status_code == 200
    assert client.get(EXPORT, {"county": AWAY}).status_code == 404


def test_city_staff_switch_counties(client, build_board, make_user):
    _run, firms = build_board({HOME: [("t1", 50)], AWAY: [("t1", 95)]})
    client.force_login(make_user(Role.CITY_STAFF))
    html = client.get(BOARD).content.decode()
    assert 'id="county-switch"' in html
    assert firms[HOME][0].credit_code in html and firms[AWAY][0].credit_code in html
    html = client.get(BOARD, {"county": AWAY}).content.decode()
    assert firms[AWAY][0].credit_code in html and firms[HOME][0].credit_code not in html
    assert client.get(BOARD, {"county": "999999"}).status_code == 404


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ENTERPRISE])
def test_other_roles_may_not_see_the_board(client, make_user, role, db):
    enterprise = factories.EnterpriseFactory() if role == Role.ENTERPRISE else None
    client.force_login(make_user(role, enterprise=enterprise))
    assert client.get(BOARD).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert reverse("cultivation:board") not in client.get(reverse("home")).content.decode()


def test_nav_link_for_board_roles(client, make_user, db):
    client.force_login(make_user(Role.LEADER))
    assert BOARD in client.get(reverse("home"), follow=True).content.decode()


def test_key_list_respects_n_and_order(build_board, make_user):
    _run, _firms = build_board(
        {HOME: [("t1", 10), ("t1", 90), ("t1", 50), ("t2", 30), ("t2", 60)], AWAY: [("t1", 70), ("t1", 80)]}
    )
    user = make_user(Role.CITY_STAFF)
    CultivationSettings.objects.create(key_list_size=2)
    rows = key_list(user=user)
    assert [(r.county.code, r.tier, r.key_rank, r.readiness) for r in rows] == [
        (HOME, "t1", 1, 90), (HOME, "t1", 2, 50), (HOME, "t2", 1, 60), (HOME, "t2", 2, 30),
        (AWAY, "t1", 1, 80), (AWAY, "t1", 2, 70),
    ]  # fmt: skip
    assert [r.readiness for r in key_list(user=user, size=1)] == [90, 60, 80]
    county_rows = key_list(user=make_user(Role.COUNTY_STAFF, county_code=AWAY))
    assert {r.county.code for r in county_rows} == {AWAY}


def test_key_list_page_tab(client, build_board, make_user):
    _run, firms = build_board({HOME: [("t1", 10), ("t1", 90)]})
    CultivationSettings.objects.create(key_list_size=1)
    client.force_login(make_user(Role.CITY_STAFF))
    response = client.get(BOARD, {"tab": "key"})
    html = response.content.decode()
    assert 'id="key-list"' in html and 'id="key-list-export"' in html
    assert firms[HOME][1].credit_code in html and firms[HOME][0].credit_code not in html


def read_xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_is_scoped_and_neutralised(client, build_board, make_user):
    _run, firms = build_board({HOME: [("t1", 90), ("t2", 80)], AWAY: [("t1", 99)]})
    home = firms[HOME][0]
    home.name = '=HYPERLINK("http://evil","x")'
    home.save()
    client.force_login(make_user(Role.COUNTY_STAFF, county_code=HOME))
    rows = read_xlsx(client.get(EXPORT))
    assert rows[0] == list(KEY_LIST_HEADERS)
    codes = {row[3] for row in rows[1:]}
    assert codes == {firm.credit_code for firm in firms[HOME]}
    first = rows[1]
    assert first[4] == "'" + home.name and first[2] == 1 and first[5] == 90
    # The portrait's own columns, from the run that placed the firm (make_portrait's values).
    assert first[1] == "T1 微成长" and first[6:9] == [40, 50, 4]
    client.force_login(make_user(Role.CITY_STAFF))
    assert len(read_xlsx(client.get(EXPORT))) == 4
    assert len(read_xlsx(client.get(EXPORT, {"county": AWAY}))) == 2


def board_spec(per_tier):
    return {code: [(tier, 10 + i) for tier in ("t1", "t2", "t3", "outside") for i in range(per_tier)]
            for code in (HOME, AWAY)}  # fmt: skip


@pytest.mark.parametrize("per_tier", [1, 30])
@pytest.mark.parametrize("role", [Role.CITY_STAFF, Role.COUNTY_STAFF])
def test_board_query_count_is_fixed(client, build_board, make_user, django_assert_num_queries, per_tier, role):
    build_board(board_spec(per_tier))
    user = make_user(role, county_code=HOME if role == Role.COUNTY_STAFF else None)
    client.force_login(user)
    # session, user, counties, run, movements, settings, tier counts with list totals, one page per tier
    expected = 10
    with django_assert_num_queries(expected):
        response = client.get(BOARD, {"industry": "", "county": HOME} if per_tier == 1 else {})
    assert response.status_code == 200
    with django_assert_num_queries(expected):
        client.get(BOARD, {"page_t1": "2", "band": "low"})


def test_only_the_city_admin_changes_the_key_list_size(make_user, db):
    model_admin = site._registry[CultivationSettings]
    request = RequestFactory().get("/")
    request.user = make_user(Role.CITY_ADMIN)
    assert model_admin.has_change_permission(request) and model_admin.has_add_permission(request)
    staff = make_user(Role.CITY_STAFF)
    staff.is_staff = True
    request.user = staff
    assert not model_admin.has_change_permission(request) and not model_admin.has_add_permission(request)
    assert CultivationSettings.key_list_size_in_force() == 20
    CultivationSettings.objects.create(key_list_size=5)
    CultivationSettings(key_list_size=7).save()
    assert CultivationSettings.objects.count() == 1 and CultivationSettings.key_list_size_in_force() == 7


def test_readiness_bands_follow_the_rule_set(build_board, make_user):
    _run, _firms = build_board({HOME: [("t1", 85), ("t1", 70), ("t1", 40)]})
    user = make_user(Role.CITY_STAFF)
    assert [p.readiness for p in tier_pages(user=user, band="high")[0].rows] == [85]
    stricter = dataclasses.replace(get_ruleset().readiness_bands, high_min=90, mid_min=70)
    assert tier_pages(user=user, band="high", bands=stricter)[0].total == 0
    assert [p.readiness for p in tier_pages(user=user, band="mid", bands=stricter)[0].rows] == [85, 70]


def test_the_key_list_size_defaults_to_the_rule_sets(monkeypatch, db):
    assert get_ruleset().cultivation.key_list_size == 20
    assert CultivationSettings.key_list_size_in_force() == 20 and CultivationSettings().key_list_size == 20
    ruleset = get_ruleset()
    other = dataclasses.replace(ruleset, cultivation=dataclasses.replace(ruleset.cultivation, key_list_size=7))
    monkeypatch.setattr("cultivation.models.get_ruleset", lambda: other)
    assert CultivationSettings.key_list_size_in_force() == 7 and CultivationSettings().key_list_size == 7
    CultivationSettings.objects.create(key_list_size=3)
    assert CultivationSettings.key_list_size_in_force() == 3
