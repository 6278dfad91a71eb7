"""Every headline figure of the dashboard against the small city counted by hand (tests/dashboards/conftest.py)."""

from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import Role
from dashboards.figures import FIRM_SETS
from dashboards.models import CountyFigures, FirmFigure, PointKind
from dashboards.selectors import dashboard, dashboard_counties, figure_firms
from dashboards.services import refresh_dashboard
from tests.dashboards.conftest import YEAR


def _city(user):
    return dashboard(user=user, county=None, counties=dashboard_counties(user=user))


def _values(result) -> dict:
    return {item.figure.key: item.value for item in result.headline}


def _year_ago(result) -> dict:
    return {item.figure.key: item.year_ago for item in result.headline}


def test_headline_figures_match_the_hand_count(refreshed, make_user):
    result = _city(make_user(Role.LEADER))
    assert _values(result) == {
        "innovative": 6,  # x1 x2 x3, r1 r2 r4
        "tech_sme": 3,  # x2 x3 r2
        "high_tech": 2,  # x1 r1
        "gazelle": 1,  # x1
        "srdi": 2,  # x3 (provincial), r2 (national)
        "high_tech_share": Decimal(2) / Decimal(6),  # x1 r1 of x1 x3 x4 x6 r1 r2
        "rd_coverage": Decimal(4) / Decimal(6),  # x1 x3 r1 r2
        "officer_coverage": Decimal(3) / Decimal(6),  # x1 x2 r1 of the six innovative
        "vouchers_granted": Decimal("120000.00"),  # 30,000 paid + 50,000 approved + 40,000 in notice
        "vouchers_paid": Decimal("30000.00"),
        "campaign_pass_rate": Decimal(2) / Decimal(3),  # two approved, one failed (one still submitted)
    }


def test_same_day_last_year_and_change(refreshed, make_user):
    result = _city(make_user(Role.LEADER))
    assert _year_ago(result) == {
        "innovative": 4,  # x1 x3 x4 r4
        "tech_sme": 0,
        "high_tech": 2,  # x1 x4
        "gazelle": 0,
        "srdi": 1,  # x3
        # The registry then held the figures of the year before last: x6 alone above scale (with R&D, not high-tech).
        "high_tech_share": Decimal(0),
        "rd_coverage": Decimal(1),
        "officer_coverage": Decimal(1) / Decimal(4),  # x3's officer then, of x1 x3 x4 r4
        "vouchers_granted": Decimal(0),  # no claims of last year
        "vouchers_paid": Decimal(0),
        "campaign_pass_rate": None,  # no campaign last year
    }
    changes = {item.figure.key: item.change for item in result.headline}
    assert changes["innovative"] == 2 and changes["tech_sme"] == 3 and changes["high_tech"] == 0
    assert changes["officer_coverage"] == Decimal(3) / Decimal(6) - Decimal(1) / Decimal(4)
    assert changes["campaign_pass_rate"] is None


def test_a_year_ago_the_shares_read_the_yearly_figures_known_then(refreshed, make_user):
    """Now the shares read last year's figures; the same day a year ago, the year before last's (x6 alone above
    scale then, with R&D; x1 below scale): the changes are not zero. Gazelle: x1's since 100 days."""
    result = _city(make_user(Role.LEADER))
    items = {item.figure.key: item for item in result.headline}
    assert items["rd_coverage"].change == Decimal(4) / Decimal(6) - Decimal(1)  # x1 x3 r1 r2 of six; x6 of x6
    assert items["high_tech_share"].change == Decimal(2) / Decimal(6)  # x1 r1 of six; none of x6
    assert items["gazelle"].change == 1
    rows = {row.county.code: row for row in result.rows}
    xinhua, ruzhou = rows["410402"], rows["410482"]
    assert xinhua.changes["rd_coverage"] == Decimal(2) / Decimal(4) - Decimal(1)  # x1 x3 of x1 x3 x4 x6; x6 of x6
    assert ruzhou.changes["rd_coverage"] is None  # no firm of 汝州市 was above scale then
    assert xinhua.changes["gazelle"] == 1 and ruzhou.changes["gazelle"] == 0


def test_targets_default_to_the_rule_set_and_money_reads_against_the_budget(refreshed, make_user):
    result = _city(make_user(Role.LEADER))
    items = {item.figure.key: item for item in result.headline}
    assert result.targets.is_default
    assert items["innovative"].target == 1500 and items["innovative"].progress == Decimal(6) / Decimal(1500)
    assert items["rd_coverage"].target == Decimal(1)
    assert items["officer_coverage"].target == Decimal(1)
    assert items["tech_sme"].target is None and items["tech_sme"].progress is None
    assert items["vouchers_granted"].benchmark == Decimal("1000000")
    assert items["vouchers_granted"].progress == Decimal("0.12")


def test_county_rows_ranks_and_changes(refreshed, make_user):
    result = _city(make_user(Role.LEADER))
    rows = {row.county.code: row for row in result.rows}
    assert len(rows) == 12  # every county, with zeros where nothing happens
    xinhua, ruzhou = rows["410402"], rows["410482"]
    assert xinhua.values["innovative"] == 3 and ruzhou.values["innovative"] == 3
    assert xinhua.values["high_tech_share"] == Decimal(1) / Decimal(4)  # x1 of x1 x3 x4 x6
    assert ruzhou.values["high_tech_share"] == Decimal(1) / Decimal(2)  # r1 of r1 r2
    assert xinhua.values["rd_coverage"] == Decimal(2) / Decimal(4) and ruzhou.values["rd_coverage"] == 1
    assert xinhua.values["officer_coverage"] == Decimal(2) / Decimal(3)
    assert ruzhou.values["officer_coverage"] == Decimal(1) / Decimal(3)
    assert xinhua.values["vouchers_granted"] == Decimal("80000") and ruzhou.values["vouchers_granted"] == 40000
    assert xinhua.values["campaign_pass_rate"] == Decimal("0.5") and ruzhou.values["campaign_pass_rate"] == 1
    # Ties share a rank; counties without a value have none.
    assert (
        xinhua.ranks["innovative"] == 1 and ruzhou.ranks["innovative"] == 1 and rows["410403"].ranks["innovative"] == 3
    )
    assert ruzhou.ranks["high_tech_share"] == 1 and xinhua.ranks["high_tech_share"] == 2
    assert rows["410403"].ranks["high_tech_share"] is None
    assert xinhua.changes["innovative"] == 0 and ruzhou.changes["innovative"] == 2
    assert xinhua.tiers == {"outside": 2, "t1": 2, "t2": 1, "t3": 1}


def test_trends_by_year(refreshed, make_user):
    with translation.override("en"):
        result = _city(make_user(Role.LEADER))
    assert result.trend_labels[-2:] == [str(YEAR - 1), f"{YEAR} (now)"]
    assert len(result.trend_labels) == 5
    innovative = result.trends["innovative"]
    assert innovative[-1] == 6
    # At the end of last year the registry held the figures of the year before last (a year's come in once it is
    # over): x6 alone is above scale (30 M, with R&D), not high-tech.
    position = result.trend_labels.index(str(YEAR - 1))
    assert result.trends["rd_coverage"][position] == 1
    assert result.trends["high_tech_share"][position] == 0
    # Before any yearly figures there is no share to show.
    assert result.trends["high_tech_share"][0] is None
    assert result.trends["rd_coverage"][result.trend_labels.index(str(YEAR - 2))] is None


def test_panels(refreshed, make_user, small_city):
    result = _city(make_user(Role.LEADER))
    assert result.tiers == {"outside": 3, "t1": 2, "t2": 4, "t3": 1}
    assert result.score_distribution["t1"][1] == 2  # 15 and 17.5
    assert result.score_distribution["t2"][6] == 1 and result.score_distribution["t2"][0] == 1  # 65, 5
    assert result.score_distribution["t3"][9] == 1  # 100 closes the last bin
    assert sum(sum(firms) for firms in result.score_distribution.values()) == 5  # r3 has no readiness
    moves = dict(zip(result.months, zip(result.moves_up, result.moves_down, strict=True), strict=True))
    assert len(result.months) == 12
    assert moves[small_city["this_month"]] == (1, 0)  # a first placement is no move
    assert moves[small_city["previous_month"]] == (1, 1)
    assert sum(result.moves_up) == 2  # r1's move 13 months ago is out of the window
    spend = {code: amounts for code, _name, amounts in result.voucher_spend}
    assert spend == {"410402": {"equipment": Decimal("80000.00")}, "410482": {"equipment": Decimal("40000.00")}}
    assert result.voucher_budget == Decimal("1000000")


@pytest.mark.parametrize(
    ("key", "names"),
    [
        ("innovative", {"x1", "x2", "x3", "r1", "r2", "r4"}),
        ("tech_sme", {"x2", "x3", "r2"}),
        ("high_tech", {"x1", "r1"}),
        ("gazelle", {"x1"}),
        ("srdi", {"x3", "r2"}),
        ("above_scale", {"x1", "x3", "x4", "x6", "r1", "r2"}),
        ("above_scale_high_tech", {"x1", "r1"}),
        ("above_scale_not_high_tech", {"x3", "x4", "x6", "r2"}),
        ("above_scale_rd", {"x1", "x3", "r1", "r2"}),
        ("above_scale_no_rd", {"x4", "x6"}),
        ("covered", {"x1", "x2", "r1"}),
        ("uncovered", {"x3", "r2", "r4"}),
    ],
)
def test_drill_down_lists_exactly_the_counted_firms(refreshed, make_user, key, names):
    firms = {firm.pk: name for name, firm in refreshed["firms"].items()}
    rows = figure_firms(user=make_user(Role.LEADER), firm_set=FIRM_SETS[key], county=None, refresh=refreshed["refresh"])
    assert {firms[row.enterprise_id] for row in rows} == names


def test_a_refresh_replaces_the_one_before_last(small_city):
    first = refresh_dashboard()
    second = refresh_dashboard()
    third = refresh_dashboard()
    kept = set(CountyFigures.objects.values_list("point__refresh_id", flat=True))
    assert kept == {second.pk, third.pk}
    assert not FirmFigure.objects.filter(refresh_id=first.pk).exists()
    assert CountyFigures.objects.filter(point__refresh=third, point__kind=PointKind.CURRENT).count() == 12
