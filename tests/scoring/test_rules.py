"""The rules on hand-built frames, every band edge hand-computed (DESIGN §3)."""

import datetime
import math

import numpy as np
import pandas as pd
import pytest

from rulesets import get_ruleset
from scoring import rules
from tests.scoring.builders import ON, firm, frame

RULES = get_ruleset(2026)


def scored(*firms):
    return rules.score(frame(*firms), RULES, ON)


def one(**latest):
    return scored(firm(**latest)).iloc[0]


# --- §3.1 tech-based SME --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("st_personnel", "points"),
    [(9, 0), (10, 4), (14, 4), (15, 8), (20, 12), (25, 16), (29, 16), (30, 20), (100, 20)],
)
def test_sme_st_points_at_band_edges(st_personnel, points):
    # 100 employees: st_personnel people are exactly st_personnel %.
    assert one(employees=100, st_personnel=st_personnel)["sme_st_points"] == points


@pytest.mark.parametrize(
    ("rd_expense", "points"),
    [
        ("599999.99", 0),  # just under 2% of 30 M
        ("600000", 10),  # exactly 2%
        ("900000", 20),  # 3%
        ("1200000", 30),  # 4%
        ("1500000", 40),  # 5%
        ("1799999.99", 40),
        ("1800000", 50),  # exactly 6%
    ],
)
def test_sme_rd_revenue_points_at_band_edges(rd_expense, points):
    # Costs of 28 M keep the costs ratio (≤ 6.4%) under its lowest band, so only the revenue ratio scores.
    row = one(revenue="30000000", total_costs="28000000", rd_expense=rd_expense)
    assert row["sme_rd_revenue_points"] == points
    assert row["sme_rd_costs_points"] == 0
    assert row["sme_rd_points"] == points


def test_sme_rd_takes_the_better_of_two_ratios():
    # R&D 1 M: 1% of revenue (0 points) but exactly 10% of costs (10 points).
    row = one(revenue="100000000", main_business_revenue="100000000", total_costs="10000000", rd_expense="1000000")
    assert (row["sme_rd_revenue_points"], row["sme_rd_costs_points"], row["sme_rd_points"]) == (0, 10, 10)


@pytest.mark.parametrize(
    ("ip", "points"),
    [
        ({"invention_patents": 1}, 30),
        ({"other_class1_ip": 1}, 30),
        ({"utility_models": 4}, 24),
        ({"utility_models": 2, "designs": 1, "software_copyrights": 1}, 24),
        ({"utility_models": 3}, 18),
        ({"designs": 2}, 12),
        ({"software_copyrights": 1}, 6),
        ({}, 0),
    ],
)
def test_sme_results_one_class1_beats_four_class2(ip, points):
    assert one(**ip)["sme_ip_points"] == points


def test_sme_passes_at_60_with_st_part():
    # S&T 10% (4) + R&D 4% (30) + 3 Class II (18) = 52: fails; with 4 Class II (24) = 58: fails; 6% R&D: 78.
    row = one(employees=100, st_personnel=10, rd_expense="1200000", utility_models=3)
    assert (row["sme_score"], row["sme_passes"]) == (52, False)
    row = one(employees=100, st_personnel=10, rd_expense="1500000", utility_models=3)
    assert (row["sme_score"], row["sme_passes"]) == (62, True)
    # Exactly 60: S&T 4 + R&D 50 + 1 Class II 6.
    row = one(employees=100, st_personnel=10, rd_expense="1800000", utility_models=1)
    assert (row["sme_score"], row["sme_passes"]) == (60, True)


def test_sme_fails_without_st_part_whatever_the_score():
    # S&T 9% (0) + R&D 6% (50) + Class I (30) = 80, but the S&T part is 0.
    row = one(employees=100, st_personnel=9, rd_expense="1800000", invention_patents=1)
    assert (row["sme_score"], row["sme_st_points"], row["sme_passes"]) == (80, 0, False)


def test_sme_direct_pass_through_valid_high_tech_certificate():
    certified = firm(qualifications=[("high_tech", datetime.date(2027, 12, 31))])
    plain = firm()
    result = scored(certified, plain)
    assert result["sme_score"].tolist() == [0, 0]
    assert result["sme_direct"].tolist() == [True, False]
    assert result["sme_passes"].tolist() == [True, False]


def test_sme_direct_pass_through_provincial_rd_platform():
    assert scored(firm(qualifications=[("rd_platform", datetime.date(2030, 1, 1))])).iloc[0]["sme_passes"]


@pytest.mark.parametrize(("employees", "eligible"), [(500, True), (501, False)])
def test_sme_firm_of_501_employees_is_not_eligible(employees, eligible):
    certified = firm(employees=employees, st_personnel=50, qualifications=[("high_tech", datetime.date(2027, 1, 1))])
    row = scored(certified).iloc[0]
    assert row["sme_eligible"] == eligible
    # Not even the direct pass helps a firm that is not eligible.
    assert row["sme_passes"] == eligible


@pytest.mark.parametrize(
    ("figures", "eligible"),
    [
        ({"revenue": "200000000"}, True),
        ({"revenue": "200000000.01"}, False),
        ({"total_assets": "200000000"}, True),
        ({"total_assets": "200000000.01"}, False),
    ],
)
def test_sme_revenue_and_assets_limits_are_inclusive(figures, eligible):
    assert one(**figures)["sme_eligible"] == eligible


def test_sme_gaps_quantified():
    # S&T 8 of 100 (0 points): 3 new S&T hires reach 10% (11/103 ≥ 10%, 10/102 < 10%).
    # R&D 2.1% of 30 M = 630,000 (10 points): 270,000 more reaches 3%.
    row = one(employees=100, st_personnel=8, rd_expense="630000")
    assert row["gap_sme_st_target"] == pytest.approx(0.10)
    assert row["gap_sme_st_people"] == 3
    assert row["gap_sme_rd_target"] == pytest.approx(0.03)
    assert row["gap_sme_rd_yuan"] == 270000
    assert row["gap_sme_class2"] == 1
    assert row["gap_sme_points"] == 60 - 10


# --- §3.2 high-tech -------------------------------------------------------------------------------------------


def three_years(amount, rd, **latest):
    """Three years of equal revenue and R&D (all domestic); `latest` overrides the last year."""
    same = {"revenue": amount, "main_business_revenue": amount, "rd_expense": rd, "rd_expense_domestic": rd}
    return [(2023, same), (2024, same), (2025, {**same, **latest})]


@pytest.mark.parametrize(
    ("latest_revenue", "threshold"),
    [
        ("49999999.99", 0.05),
        ("50000000", 0.05),  # exactly 50 M is the 5% band
        ("50000000.01", 0.04),
        ("200000000", 0.04),
        ("200000000.01", 0.03),
    ],
)
def test_high_tech_rd_band_by_latest_revenue(latest_revenue, threshold):
    row = scored(firm(years=three_years("40000000", "0", revenue=latest_revenue))).iloc[0]
    assert row["ht_rd_threshold"] == threshold


@pytest.mark.parametrize(("rd", "met"), [("2500000", 1.0), ("2499999.99", 0.0)])
def test_high_tech_rd_ratio_exactly_5_percent_at_50m(rd, met):
    # 3 × 50 M revenue, 3 × 2.5 M R&D: exactly 5%, and 50 M is the 5% band.
    years = [(year, {"revenue": "50000000", "rd_expense": "2500000", "rd_expense_domestic": "2500000"})
             for year in (2023, 2024)]  # fmt: skip
    years.append((2025, {"revenue": "50000000", "rd_expense": rd, "rd_expense_domestic": rd}))
    row = scored(firm(years=years)).iloc[0]
    assert row["ht_rd_ratio_met"] == met


def test_high_tech_rd_ratio_exactly_4_and_3_percent():
    four = three_years("100000000", "4000000")  # 100 M latest: 4% band
    three = three_years("300000000", "9000000")  # 300 M latest: 3% band
    result = scored(firm(years=four), firm(years=three))
    assert result["ht_rd_threshold"].tolist() == [0.04, 0.03]
    assert result["ht_rd_ratio_met"].tolist() == [1.0, 1.0]


def test_high_tech_young_firm_uses_its_actual_years():
    # Founded 2024: two years of data, R&D 5% of the two years' revenue.
    years = [(2024, {"revenue": "40000000", "rd_expense": "1000000", "rd_expense_domestic": "1000000"}),
             (2025, {"revenue": "40000000", "rd_expense": "3000000", "rd_expense_domestic": "3000000"})]  # fmt: skip
    row = scored(firm(years=years, founded=datetime.date(2024, 1, 10))).iloc[0]
    assert row["ht_rd_years"] == 2
    assert row["ht_rd_ratio_3y"] == pytest.approx(0.05)
    assert row["ht_rd_ratio_met"] == 1.0


def test_high_tech_domestic_rd_share_of_60_percent():
    years = three_years("40000000", "2000000", rd_expense_domestic="0")
    # 3-year R&D 6 M, domestic 4 M: 66.7%, met.
    row = scored(firm(years=years)).iloc[0]
    assert row["ht_domestic_share"] == pytest.approx(4 / 6)
    assert row["ht_rd_ratio_met"] == 1.0
    years = [(2023, {"rd_expense": "2000000", "rd_expense_domestic": "1000000"}),
             (2024, {"rd_expense": "2000000", "rd_expense_domestic": "1000000"}),
             (2025, {"rd_expense": "2000000", "rd_expense_domestic": "1600000"})]  # fmt: skip
    # 3.6 / 6 = exactly 60%: met (30 M revenue a year: 6.7% ≥ 5%).
    assert scored(firm(years=years)).iloc[0]["ht_rd_ratio_met"] == 1.0


@pytest.mark.parametrize(("st_personnel", "met"), [(10, 1.0), (9, 0.0)])
def test_high_tech_st_personnel_exactly_10_percent(st_personnel, met):
    assert one(employees=100, st_personnel=st_personnel)["ht_st_personnel_met"] == met


@pytest.mark.parametrize(("high_tech_revenue", "met"), [("18000000", 1.0), ("17999999.99", 0.0)])
def test_high_tech_revenue_share_exactly_60_percent(high_tech_revenue, met):
    assert one(revenue="30000000", high_tech_revenue=high_tech_revenue)["ht_high_tech_revenue_met"] == met


@pytest.mark.parametrize(
    ("ip", "met"),
    [({"invention_patents": 1}, 1.0), ({"utility_models": 4}, 0.0), ({"utility_models": 3, "designs": 2}, 1.0)],
)
def test_high_tech_core_ip_one_class1_or_five_class2(ip, met):
    assert one(**ip)["ht_core_ip_met"] == met


def test_high_tech_registered_one_full_year():
    on_anniversary = firm(founded=ON.replace(year=ON.year - 1))
    day_before = firm(founded=ON.replace(year=ON.year - 1) + datetime.timedelta(days=1))
    unknown = firm(founded=None)
    result = scored(on_anniversary, day_before, unknown)
    assert result["ht_registered_met"].tolist()[:2] == [1.0, 0.0]
    assert math.isnan(result["ht_registered_met"].iloc[2])
    assert result["gap_ht_registered_days"].iloc[1] == 1


def test_high_tech_field_unknown_and_incident_always_unknown():
    result = scored(firm(field="new_materials"), firm(field=""))
    assert result["ht_field_met"].iloc[0] == 1.0
    assert math.isnan(result["ht_field_met"].iloc[1])
    assert result["ht_no_incident_met"].isna().all()


def test_high_tech_gaps_quantified():
    # 3 × 200 M revenue (latest 250 M: 3% band); 3-year R&D 12.6 M = 2.1%: 18 M needed, 5.4 M more.
    years = [(2023, {"revenue": "200000000", "rd_expense": "4200000", "rd_expense_domestic": "4200000"}),
             (2024, {"revenue": "150000000", "rd_expense": "4200000", "rd_expense_domestic": "4200000"}),
             (2025, {"revenue": "250000000", "rd_expense": "4200000", "rd_expense_domestic": "4200000",
                     "employees": 100, "st_personnel": 8, "high_tech_revenue": "100000000"})]  # fmt: skip
    row = scored(firm(years=years)).iloc[0]
    assert row["ht_rd_ratio_3y"] == pytest.approx(0.021)
    assert row["gap_ht_rd_yuan"] == 5400000
    assert row["gap_ht_st_people"] == 3
    assert row["gap_ht_class2"] == 5  # no Class I: 1 invention patent or 5 Class II
    assert row["gap_ht_high_tech_revenue_yuan"] == 50000000  # 60% of 250 M is 150 M; 100 M held


def capability_firm(net_assets_latest="20000000"):
    """Estimate 70.0 with flat net assets: IP 5 Class II (5–6: 5.5) + IP experts 16.5 + conversions 5 a year
    (25–30: 27.5) + sales growth exactly 15% (5–6: 5.5) + net-asset growth 0 (0) + R&D organisation 15."""
    base = {"results_converted": 5, "rd_expense": "1", "rd_expense_domestic": "1", "utility_models": 5}
    return firm(
        years=[
            (2023, {**base, "revenue": "100000000", "main_business_revenue": "100000000"}),
            (2024, {**base, "revenue": "100000000", "main_business_revenue": "100000000"}),
            (2025, {**base, "revenue": "130000000", "main_business_revenue": "130000000",
                    "total_assets": "40000000", "total_liabilities": str(40000000 - int(net_assets_latest))}),
        ]
    )  # fmt: skip


def test_capability_70_fails_and_71_passes():
    assert rules.capability_passes(pd.Series([70.0, 70.5, 71.0]), RULES).tolist() == [False, True, True]
    # Net assets 20 M → 20 M → 20.2 M: growth 0.5% > 0 scores 1–2 (1.5): 71.5.
    result = scored(capability_firm(), capability_firm(net_assets_latest="20200000"))
    assert result["cap_sales_growth"].iloc[0] == 0.15
    assert result["cap_estimate"].tolist() == [70.0, 71.5]
    assert result["cap_passes"].tolist() == [False, True]
    assert result["ht_capability_met"].tolist() == [0.0, 1.0]
    assert result["gap_ht_capability_points"].iloc[0] == 0.0
    # The range: computed parts at their lowest and experts at 0, up to everything at its highest.
    assert result["cap_low"].iloc[0] == 5 + 25 + 5
    assert result["cap_high"].iloc[0] == 6 + 22 + 30 + 6 + 20


# --- growth ---------------------------------------------------------------------------------------------------


def test_growth_official_formula():
    rate = rules.growth_rate(pd.Series([100.0]), pd.Series([110.0]), pd.Series([121.0]))
    assert rate.iloc[0] == 0.1


def test_growth_with_zero_first_year_uses_last_two_years():
    rate = rules.growth_rate(pd.Series([0.0]), pd.Series([100.0]), pd.Series([120.0]))
    assert rate.iloc[0] == 0.2


def test_growth_with_zero_middle_year_scores_zero():
    rate = rules.growth_rate(pd.Series([100.0]), pd.Series([0.0]), pd.Series([120.0]))
    assert np.isnan(rate.iloc[0])
    years = [(2023, {"revenue": "10000000"}), (2024, {"revenue": "0"}), (2025, {"revenue": "50000000"})]
    row = scored(firm(years=years)).iloc[0]
    assert (row["cap_sales_low"], row["cap_sales_high"]) == (0, 0)


def test_growth_with_zero_first_year_scores_the_two_year_band():
    # 0 → 10 M → 14 M: 40% over the last two years: 9–10.
    years = [(2023, {"revenue": "0"}), (2024, {"revenue": "10000000"}), (2025, {"revenue": "14000000"})]
    row = scored(firm(years=years)).iloc[0]
    assert row["cap_sales_growth"] == 0.4
    assert (row["cap_sales_low"], row["cap_sales_high"]) == (9, 10)


# --- §3.3 upper rungs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("latest", "candidate"), [("14400000", True), ("14399999.99", False)])
def test_gazelle_cagr_exactly_20_percent(latest, candidate):
    years = [(2023, {"revenue": "10000000"}), (2024, {"revenue": "12000000"}), (2025, {"revenue": latest})]
    row = scored(firm(years=years, qualifications=[("high_tech", datetime.date(2028, 1, 1))])).iloc[0]
    assert row["gazelle_candidate"] == candidate


def test_gazelle_needs_a_valid_certificate():
    years = [(2023, {"revenue": "10000000"}), (2024, {"revenue": "12000000"}), (2025, {"revenue": "20000000"})]
    assert not scored(firm(years=years)).iloc[0]["gazelle_candidate"]


@pytest.mark.parametrize(
    ("figures", "rd_ok"),
    [
        ({"revenue": "30000000", "rd_expense": "1000000"}, True),  # 1 M, 3.3%
        ({"revenue": "30000000", "rd_expense": "999999.99"}, False),
        ({"revenue": "40000000", "rd_expense": "1200000"}, True),  # exactly 3%
        ({"revenue": "40000000", "rd_expense": "1199999.99"}, False),
    ],
)
def test_srdi_rd_at_least_1m_and_3_percent(figures, rd_ok):
    assert one(main_business_revenue=figures["revenue"], **figures)["srdi_rd_ok"] == rd_ok


@pytest.mark.parametrize(("liabilities", "points"), [("22000000", 10), ("22000000.01", 5), ("30000000", 5),
                                                     ("30000000.01", 0)])  # fmt: skip
def test_innovative_sme_debt_ratio_edges(liabilities, points):
    # Assets 40 M: 55% is 22 M, 75% is 30 M (upper bounds inclusive).
    assert one(total_assets="40000000", total_liabilities=liabilities)["isme_debt_points"] == points


def test_innovative_sme_score_sums_its_parts():
    # IP Class I 10, R&D 5% 20, main-business growth 15% 20, debt 50% 10, field 10, main business 70% 20 = 90.
    years = [(2023, {}), (2024, {"revenue": "20000000", "main_business_revenue": "14000000"}),
             (2025, {"revenue": "23000000", "main_business_revenue": "16100000", "rd_expense": "1150000",
                     "invention_patents": 1})]  # fmt: skip
    row = scored(firm(years=years, field="new_materials")).iloc[0]
    parts = ["isme_ip_points", "isme_rd_points", "isme_growth_points", "isme_debt_points", "isme_field_points",
             "isme_main_points"]  # fmt: skip
    assert [row[part] for part in parts] == [10, 20, 20, 10, 10, 20]
    assert row["isme_score"] == 90
    assert row["isme_passes"]


# --- tiers, size, tags ----------------------------------------------------------------------------------------


def test_tier_placement():
    result = scored(
        firm(),  # no signal
        firm(st_personnel=2),  # signal, SME-eligible, not registered, fails the model
        firm(qualifications=[("tech_sme", datetime.date(2026, 12, 31))]),
        firm(employees=100, st_personnel=30, rd_expense="1800000", invention_patents=1),  # passes the SME model
        firm(employees=900, st_personnel=100),  # signal but too big to be an SME
        firm(qualifications=[("high_tech", datetime.date(2027, 1, 1))]),
    )
    assert result["tier"].tolist() == ["outside", "t1", "t2", "t2", "t2", "t3"]


@pytest.mark.parametrize(
    ("employees", "revenue", "size"),
    [(1000, "400000000", "large"), (999, "400000000", "medium"), (300, "20000000", "medium"),
     (300, "19999999.99", "small"), (20, "3000000", "small"), (19, "3000000", "micro")],
)  # fmt: skip
def test_size_class_needs_both_bounds(employees, revenue, size):
    assert one(employees=employees, revenue=revenue)["size_class"] == size


def test_above_scale_at_exactly_20m():
    assert scored(firm(revenue="20000000"), firm(revenue="19999999.99"))["above_scale"].tolist() == [True, False]


def test_tags():
    result = scored(
        firm(st_personnel=2),  # no R&D, no IP, in the pool
        firm(revenue="19000000"),  # 95% of the above-scale revenue: near
        firm(years=[(2023, {"revenue": "10000000"}), (2024, {"revenue": "12000000"}), (2025, {"revenue": "15000000"})]),
        firm(
            invention_patents=1,
            st_personnel=10,
            rd_expense="900000",
            qualifications=[("high_tech", datetime.date(2027, 1, 31))],
        ),
    )
    codes = [rules.tag_codes(mask) for mask in result["tag_mask"]]
    assert codes[0] == ["rd_blank", "ip_weak"]
    assert "near_threshold" in codes[1]
    assert "high_growth" in codes[2]  # ½(1.2 + 1.25) − 1 = 22.5%
    # Certificate ending within a year; R&D 1% over three years breaks the certified firm's R&D condition.
    assert {"certificate_expiring", "audit_risk"} <= set(codes[3])


def test_rules_have_no_firm_loop_and_keep_the_index():
    firms = [firm(st_personnel=n % 20, rd_expense=str(10000 * n)) for n in range(50)]
    result = scored(*firms)
    assert list(result.index) == list(range(1, 51))
    assert result["sme_st_points"].notna().all()
