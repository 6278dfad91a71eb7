"""Boundary cases of the official texts, computed by hand from the texts (rulesets/SOURCES.md), not from the code.

Each case is a firm stored in the registry with its indicators, qualifications and achievements; a real scoring run
scores them all, and each case is then read back through the portrait API (`/api/v1/portraits/<code>/`), whose
`details` carry every value the rules derived and whose `explained` carries the words.

Paragraphs covered: 63号 附件1 一、公告条件 (the score, the three part minimums, direct routes (一)–(四)) and
二、评价指标 1–6; 63号 附件2 一、认定条件 (一)–(四) with direct routes 1–4, and 二、评价指标 1–3, 5–8, 10–13 (4 and 9
are ranges); 115号 第六条 direct routes (1)–(4); the anniversary rule (core.dates, 民法典 第二百零二条) at a leap day
and a year end; the 2025 version recomputed.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from enterprises.models import Achievement, QualificationKind
from scoring.models import Portrait, ScoringSettings
from tests import factories

RUN_DAY = datetime.date(2026, 6, 30)
M = Decimal("1000000")

# The latest two years of a plain firm: every figure explicit; a case overrides only what it is about.
PLAIN_2024 = {
    "employees": 100,
    "st_personnel": 0,
    "revenue": 10 * M,
    "main_business_revenue": 10 * M,
    "total_costs": 9 * M,
    "rd_expense": Decimal(0),
    "high_tech_revenue": Decimal(0),
    "total_assets": 10 * M,
    "total_liabilities": 8 * M,
    "invention_patents": 0,
    "utility_models": 0,
}


def make_firm(
    *,
    founded=datetime.date(2015, 1, 1),
    field="",
    y2024=None,
    y2025=None,
    y2023=None,
    qualifications=(),
    achievements=(),
    last_year=2025,
):
    firm = factories.EnterpriseFactory(founded_on=founded, high_tech_field=field)
    years = {last_year - 2: y2023, last_year - 1: y2024, last_year: y2025}
    for year, overrides in years.items():
        values = {**PLAIN_2024, **(overrides or {})}
        values["rd_expense_domestic"] = values["rd_expense"]
        factories.IndicatorFactory(enterprise=firm, year=year, **values)
    for kind in qualifications:
        factories.QualificationFactory(
            enterprise=firm, kind=kind, valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2030, 1, 1)
        )
    for number, spec in enumerate(achievements):
        Achievement.objects.create(enterprise=firm, title=spec.pop("title", f"成果{number}"), **spec)
    return firm


# Values kept as portrait columns rather than in the details, by the API's names.
COLUMNS = {"isme_score": "innovative_sme_score", "isme_passes": "innovative_sme_passes"}


def check_cases(client, cases, firms, *, explained=None):
    """Every case's expected detail values, read through the portrait API. Returns the API bodies by case."""
    bodies = {}
    for name, expected in cases.items():
        response = client.get(f"/api/v1/portraits/{firms[name].credit_code}/")
        assert response.status_code == 200, name
        body = response.json()
        bodies[name] = body
        for key, value in expected.items():
            actual = body["details"][key] if key in body["details"] else body[COLUMNS.get(key, key)]
            assert actual == value, f"{name}: {key} is {actual!r}, expected {value!r}"
    return bodies


@pytest.fixture
def staff(client, make_user):
    client.force_login(make_user(Role.CITY_STAFF))
    return client


def ach(kind, achieved_on, **fields):
    return {"kind": kind, "achieved_on": achieved_on, **fields}


# ---------------------------------------------------------------------------------------------------------------
# 创新型中小企业 (63号 附件1)

# A firm that passes every part comfortably but for what a case changes: Class II IP (5), R&D 3% (15): innovation 20;
# main-business growth 15% (20) and debt 50% (10): growth 30; a field (10) and main business 70% (20): 30. Total 80.
GOOD_2024 = {"revenue": 10 * M, "main_business_revenue": 7 * M}
GOOD_2025 = {
    "revenue": Decimal("11500000"),
    "main_business_revenue": Decimal("8050000"),
    "rd_expense": Decimal("345000"),
    "utility_models": 1,
    "total_assets": 10 * M,
    "total_liabilities": 5 * M,
}


def good(**latest):
    return {**GOOD_2025, **latest}


ISME_CASES = {
    # name: (firm spec, expected values)
    # 二、2. R&D / revenue: 5%以上 20, 3%-5% 15, 2%-3% 10, 1%-2% 5, 1%以下 0 (revenue 11.5 M).
    "rd_5pct": ({"y2025": good(rd_expense=Decimal("575000"))}, {"isme_rd_points": 20}),
    "rd_under_5pct": ({"y2025": good(rd_expense=Decimal("574999.99"))}, {"isme_rd_points": 15}),
    "rd_3pct": ({"y2025": good(rd_expense=Decimal("345000"))}, {"isme_rd_points": 15}),
    "rd_under_3pct": ({"y2025": good(rd_expense=Decimal("344999.99"))}, {"isme_rd_points": 10}),
    "rd_2pct": ({"y2025": good(rd_expense=Decimal("230000"))}, {"isme_rd_points": 10}),
    "rd_1pct": ({"y2025": good(rd_expense=Decimal("115000"))}, {"isme_rd_points": 5}),
    "rd_under_1pct": ({"y2025": good(rd_expense=Decimal("114999.99"))}, {"isme_rd_points": 0}),
    # 二、3. 主营业务收入增长率 (main business 7 M the year before): 15% 20, 10% 15, 5% 10, 0% 5, below 0.
    # Total revenue is kept flat, so only main-business growth can score.
    "growth_15pct": (
        {
            "y2024": GOOD_2024,
            "y2025": good(revenue=10 * M, main_business_revenue=Decimal("8050000"), rd_expense=Decimal("300000")),
        },
        {"isme_growth_points": 20},
    ),
    "growth_under_15pct": (
        {
            "y2024": GOOD_2024,
            "y2025": good(revenue=10 * M, main_business_revenue=Decimal("8049999.99"), rd_expense=Decimal("300000")),
        },
        {"isme_growth_points": 15},
    ),
    "growth_10pct": (
        {
            "y2024": GOOD_2024,
            "y2025": good(revenue=10 * M, main_business_revenue=Decimal("7700000"), rd_expense=Decimal("300000")),
        },
        {"isme_growth_points": 15},
    ),
    "growth_5pct": (
        {
            "y2024": GOOD_2024,
            "y2025": good(revenue=10 * M, main_business_revenue=Decimal("7350000"), rd_expense=Decimal("300000")),
        },
        {"isme_growth_points": 10},
    ),
    "growth_0pct": (
        {"y2024": GOOD_2024, "y2025": good(revenue=10 * M, main_business_revenue=7 * M, rd_expense=Decimal("300000"))},
        {"isme_growth_points": 5},
    ),
    "growth_negative": (
        {
            "y2024": GOOD_2024,
            "y2025": good(revenue=10 * M, main_business_revenue=Decimal("6999999.99"), rd_expense=Decimal("300000")),
        },
        {"isme_growth_points": 0},
    ),
    # Total revenue grows 15% while the main business does not: the standard reads the main business (5 points).
    "growth_total_not_main": (
        {"y2024": GOOD_2024, "y2025": good(main_business_revenue=7 * M)},
        {"isme_growth_points": 5},
    ),
    # 二、4. 资产负债率 (assets 10 M): 55%以下 10, 55%-75% 5, 75%以上 0.
    "debt_55pct": ({"y2025": good(total_liabilities=Decimal("5500000"))}, {"isme_debt_points": 10}),
    "debt_over_55pct": ({"y2025": good(total_liabilities=Decimal("5500000.01"))}, {"isme_debt_points": 5}),
    "debt_75pct": ({"y2025": good(total_liabilities=Decimal("7500000"))}, {"isme_debt_points": 5}),
    "debt_over_75pct": ({"y2025": good(total_liabilities=Decimal("7500000.01"))}, {"isme_debt_points": 0}),
    # 二、5. 主导产品所属领域: 战略性新兴产业 10, 其他领域 5.
    "field_listed": ({"field": "new_materials"}, {"isme_field_points": 10}),
    "field_other": ({"field": ""}, {"isme_field_points": 5}),
    # 二、6. 主营业务收入占比 (revenue 11.5 M): 70% 20, 60% 15, 55% 10, 50% 5, below 0.
    "main_70pct": ({"y2025": good(main_business_revenue=Decimal("8050000"))}, {"isme_main_points": 20}),
    "main_60pct": ({"y2025": good(main_business_revenue=Decimal("6900000"))}, {"isme_main_points": 15}),
    "main_55pct": ({"y2025": good(main_business_revenue=Decimal("6325000"))}, {"isme_main_points": 10}),
    "main_50pct": ({"y2025": good(main_business_revenue=Decimal("5750000"))}, {"isme_main_points": 5}),
    "main_under_50pct": ({"y2025": good(main_business_revenue=Decimal("5749999.99"))}, {"isme_main_points": 0}),
    # 二、1. IP: Class I 10 (up to 20 if high-value), Class II 5, none 0.
    "ip_class1": ({"y2025": good(invention_patents=1)}, {"isme_ip_points": 10, "isme_ip_high": 20}),
    "ip_class2": ({"y2025": good()}, {"isme_ip_points": 5, "isme_ip_high": 5}),
    "ip_none": ({"y2025": good(utility_models=0)}, {"isme_ip_points": 0}),
    # 一、公告条件: ≥ 60 with innovation ≥ 20, growth ≥ 15, specialisation ≥ 15.
    "innovation_at_20": (
        {"field": "new_materials", "y2024": GOOD_2024, "y2025": good()},
        {"isme_innovation": 20, "isme_score": 80, "isme_by_score": True, "isme_passes": True},
    ),
    "innovation_19_short": (
        {"field": "new_materials", "y2024": GOOD_2024, "y2025": good(utility_models=0)},
        {
            "isme_innovation": 15,
            "isme_score": 75,
            "isme_by_score": False,
            "isme_passes": False,
            "gap_isme_innovation": 5,
            "gap_isme_points": 0,
        },
    ),
    "growth_at_15": (
        {
            "field": "new_materials",
            "y2024": GOOD_2024,
            "y2025": good(
                main_business_revenue=Decimal("7350000"),
                revenue=Decimal("10500000"),
                rd_expense=Decimal("315000"),
                total_liabilities=Decimal("6000000"),
            ),
        },
        {"isme_growth": 15, "isme_passes": True},
    ),
    "growth_10_short": (
        {
            "field": "new_materials",
            "y2024": GOOD_2024,
            "y2025": good(
                main_business_revenue=7 * M,
                revenue=10 * M,
                rd_expense=Decimal("300000"),
                total_liabilities=Decimal("6000000"),
            ),
        },
        {"isme_growth": 10, "isme_passes": False, "gap_isme_growth": 5},
    ),
    "specialisation_at_15": (
        {
            "y2024": {**GOOD_2024, "main_business_revenue": Decimal("5500000")},
            "y2025": good(main_business_revenue=Decimal("6325000")),
        },
        {"isme_specialisation": 15, "isme_passes": True},
    ),
    "specialisation_10_short": (
        {
            "y2024": {**GOOD_2024, "main_business_revenue": Decimal("5000000")},
            "y2025": good(main_business_revenue=Decimal("5750000")),
        },
        {"isme_specialisation": 10, "isme_passes": False, "gap_isme_specialisation": 5},
    ),
    # 一、(一)–(四): a weak firm (score under 60) passes by a route; the route shown is the first met.
    "route_award_provincial_3y": (
        {"achievements": [ach("award", datetime.date(2023, 7, 1), level="provincial", rank=9)]},
        {"isme_route": 1, "isme_passes": True, "isme_by_score": False},
    ),
    "route_award_3y_passed": (
        {"achievements": [ach("award", datetime.date(2023, 6, 30), level="provincial", rank=1)]},
        {"isme_route": 0, "isme_passes": False},
    ),
    "route_award_municipal": (
        {"achievements": [ach("award", datetime.date(2025, 1, 1), level="municipal", rank=1)]},
        {"isme_route": 0},
    ),
    "route_high_tech": ({"qualifications": [QualificationKind.HIGH_TECH]}, {"isme_route": 2, "isme_passes": True}),
    "route_honour_valid": (
        {"achievements": [ach("honour", datetime.date(2024, 1, 1), valid_to=datetime.date(2026, 6, 30))]},
        {"isme_route": 2},
    ),
    "route_honour_expired": (
        {"achievements": [ach("honour", datetime.date(2023, 1, 1), valid_to=datetime.date(2026, 6, 29))]},
        {"isme_route": 0},
    ),
    "route_rd_institution_provincial": (
        {"achievements": [ach("rd_institution", datetime.date(2020, 1, 1), level="provincial")]},
        {"isme_route": 3},
    ),
    "route_rd_institution_municipal": (
        {"achievements": [ach("rd_institution", datetime.date(2020, 1, 1), level="municipal")]},
        {"isme_route": 0},
    ),
    "route_equity_5m": (
        {
            "achievements": [
                ach("equity", datetime.date(2024, 1, 1), amount=Decimal("3000000")),
                ach("equity", datetime.date(2025, 1, 1), amount=Decimal("2000000")),
            ]
        },
        {"isme_route": 4, "isme_passes": True},
    ),
    "route_equity_short": (
        {"achievements": [ach("equity", datetime.date(2025, 1, 1), amount=Decimal("4999999.99"))]},
        {"isme_route": 0},
    ),
}


def test_innovative_sme_cases_through_a_run_and_the_api(staff, run_scoring):
    firms = {}
    for name, (spec, _expected) in ISME_CASES.items():
        spec = {**spec, "achievements": [dict(a) for a in spec.get("achievements", ())]}
        firms[name] = make_firm(**spec)
    run_scoring()
    bodies = check_cases(staff, {name: expected for name, (_spec, expected) in ISME_CASES.items()}, firms)
    # The words: a part short of its minimum, and the route by which a weak firm passes.
    short = bodies["innovation_19_short"]["explained"]["innovative_sme"]
    assert short["passes"] is False
    assert len(short["gaps"]) == 1 and "5" in short["gaps"][0]
    assert [part["met"] for part in short["parts"]] == [False, True, True]
    routed = bodies["route_equity_5m"]["explained"]["innovative_sme"]
    assert routed["passes"] is True and routed["by_score"] is False and routed["route"]


# ---------------------------------------------------------------------------------------------------------------
# 专精特新中小企业 (63号 附件2)

# A firm meeting 一、(一)–(三): founded long ago, revenue 20 M, R&D 1.2 M (6%).
SRDI_2025 = {
    "revenue": 20 * M,
    "main_business_revenue": 20 * M,
    "rd_expense": Decimal("1200000"),
    "total_assets": 10 * M,
    "total_liabilities": 5 * M,
}


def srdi(**latest):
    return {**SRDI_2025, **latest}


# Strongest provable firm: main 80% (5), main growth 10% (10), 10 years (5); digital grade 3 (5), two quality items
# (5), debt 50% (5); Class I IP (6), R&D 5 M (10), national institution (10) = 61. The unknown parts can add the
# field (5), the net margin (10), the province's indicators (15), high-value IP (4) and R&D staff (0: no S&T staff):
# 95 at most.
STRONG = {
    "founded": datetime.date(2016, 6, 30),
    "y2023": {"main_business_revenue": 10 * M},
    "y2024": {"main_business_revenue": 11 * M, "revenue": 12 * M},
    "y2025": srdi(
        revenue=Decimal("15125000"), main_business_revenue=Decimal("12100000"), rd_expense=5 * M, invention_patents=1
    ),
    "achievements": [
        ach("digital_level", datetime.date(2025, 1, 1), grade=3),
        ach("quality_certification", datetime.date(2024, 1, 1), valid_to=datetime.date(2027, 1, 1)),
        ach("brand", datetime.date(2020, 1, 1)),
        ach("rd_institution", datetime.date(2021, 1, 1), level="national"),
    ],
}

SRDI_CASES = {
    # 一、(一) 从事特定细分市场时间达到2年以上 (years since founding): 2024-06-30 reached on 2026-06-30.
    "niche_2_years": (
        {"founded": datetime.date(2024, 6, 30), "y2025": srdi()},
        {"srdi_years_ok": True, "srdi_niche_years": 2, "srdi_niche_points": 1},
    ),
    "niche_a_day_short": (
        {"founded": datetime.date(2024, 7, 1), "y2025": srdi()},
        {"srdi_years_ok": False, "gap_srdi_years_days": 1, "srdi_niche_points": 0},
    ),
    # 二、3. 每满2年得1分，最高5分.
    "niche_10_years": ({"founded": datetime.date(2016, 6, 30), "y2025": srdi()}, {"srdi_niche_points": 5}),
    "niche_9_years": ({"founded": datetime.date(2016, 7, 1), "y2025": srdi()}, {"srdi_niche_points": 4}),
    # 一、(二) 研发费用不低于100万元且占比不低于3%.
    "rd_1m": ({"y2025": srdi(rd_expense=1 * M)}, {"srdi_rd_ok": True}),
    "rd_under_1m": ({"y2025": srdi(rd_expense=Decimal("999999.99"))}, {"srdi_rd_ok": False, "gap_srdi_rd_yuan": 1}),
    "rd_ratio_3pct": (
        {"y2025": srdi(revenue=50 * M, main_business_revenue=50 * M, rd_expense=Decimal("1500000"))},
        {"srdi_rd_ok": True},
    ),
    "rd_ratio_under_3pct": (
        {"y2025": srdi(revenue=50 * M, main_business_revenue=50 * M, rd_expense=Decimal("1499999.99"))},
        {"srdi_rd_ok": False},
    ),
    # 一、(三) 营业收入1000万元以上, or under it 近2年股权融资2000万元以上.
    "revenue_10m": (
        {"y2025": srdi(revenue=10 * M, main_business_revenue=10 * M, rd_expense=1 * M)},
        {"srdi_revenue_ok": True, "srdi_scale_ok": True},
    ),
    "revenue_under_10m_equity_20m": (
        {
            "y2025": srdi(revenue=Decimal("9999999.99"), main_business_revenue=Decimal("9999999.99"), rd_expense=1 * M),
            "achievements": [ach("equity", datetime.date(2024, 7, 1), amount=20 * M)],
        },
        {"srdi_revenue_ok": False, "srdi_equity_ok": True, "srdi_scale_ok": True},
    ),
    "revenue_under_10m_equity_short": (
        {
            "y2025": srdi(revenue=Decimal("9999999.99"), main_business_revenue=Decimal("9999999.99"), rd_expense=1 * M),
            "achievements": [ach("equity", datetime.date(2024, 6, 30), amount=20 * M)],
        },
        {"srdi_equity_ok": False, "srdi_scale_ok": False},
    ),
    # 二、1. 主营业务收入占比: 80% 5, 70% 3, 60% 1, below 0 (revenue 20 M).
    "main_80pct": ({"y2025": srdi(main_business_revenue=16 * M)}, {"srdi_main_points": 5}),
    "main_70pct": ({"y2025": srdi(main_business_revenue=14 * M)}, {"srdi_main_points": 3}),
    "main_60pct": ({"y2025": srdi(main_business_revenue=12 * M)}, {"srdi_main_points": 1}),
    "main_under_60pct": ({"y2025": srdi(main_business_revenue=Decimal("11999999.99"))}, {"srdi_main_points": 0}),
    # 二、2. 近2年主营业务收入平均增长率 ½(V2/V1 + V3/V2) − 1: 10% 10, 8% 8, 0% 2, below 0.
    "growth_10pct": (
        {
            "y2023": {"main_business_revenue": 10 * M},
            "y2024": {"main_business_revenue": 11 * M, "revenue": 12 * M},
            "y2025": srdi(main_business_revenue=Decimal("12100000")),
        },
        {"srdi_growth_points": 10},
    ),
    "growth_8pct": (
        {
            "y2023": {"main_business_revenue": 10 * M},
            "y2024": {"main_business_revenue": Decimal("10800000"), "revenue": 12 * M},
            "y2025": srdi(main_business_revenue=Decimal("11664000")),
        },
        {"srdi_growth_points": 8},
    ),
    "growth_0pct": (
        {
            "y2023": {"main_business_revenue": 10 * M},
            "y2024": {"main_business_revenue": 10 * M},
            "y2025": srdi(main_business_revenue=10 * M),
        },
        {"srdi_growth_points": 2},
    ),
    # 二、8. 资产负债率 (assets 10 M): 50%以下 5, 50%-60% 3, 60%-70% 1, 70%以上 0.
    "debt_50pct": ({"y2025": srdi(total_liabilities=5 * M)}, {"srdi_debt_points": 5}),
    "debt_60pct": ({"y2025": srdi(total_liabilities=6 * M)}, {"srdi_debt_points": 3}),
    "debt_70pct": ({"y2025": srdi(total_liabilities=7 * M)}, {"srdi_debt_points": 1}),
    "debt_over_70pct": ({"y2025": srdi(total_liabilities=Decimal("7000000.01"))}, {"srdi_debt_points": 0}),
    # 二、10. IP: Class I 6 (up to 10), Class II 2.
    "ip_class1": ({"y2025": srdi(invention_patents=1)}, {"srdi_ip_low": 6, "srdi_ip_high": 10}),
    "ip_class2": ({"y2025": srdi(utility_models=3)}, {"srdi_ip_low": 2, "srdi_ip_high": 2}),
    # 二、11. R&D: the better of amount and ratio: 500万 or 10% 10; 400万 or 8% 8; 100万 or 3% 2.
    "rd_5m": (
        {"y2025": srdi(revenue=100 * M, main_business_revenue=100 * M, rd_expense=5 * M)},
        {"srdi_rd_points": 10},
    ),
    "rd_ratio_10pct": (
        {"y2025": srdi(revenue=12 * M, main_business_revenue=12 * M, rd_expense=Decimal("1200000"))},
        {"srdi_rd_points": 10},
    ),
    "rd_under_5m": (
        {"y2025": srdi(revenue=100 * M, main_business_revenue=100 * M, rd_expense=Decimal("4999999.99"))},
        {"srdi_rd_points": 8},
    ),
    "rd_1m_low_ratio": (
        {"y2025": srdi(revenue=100 * M, main_business_revenue=100 * M, rd_expense=1 * M)},
        {"srdi_rd_points": 2},
    ),
    # 二、12. R&D staff share: not recorded; S&T staff bound it (20% of 100: up to 5).
    "rd_staff_bound": ({"y2025": srdi(st_personnel=20)}, {"srdi_rd_staff_high": 5}),
    # 二、13. R&D institution: national 10, provincial 8, municipal 4, below 2; a provincial platform 8.
    "institution_national": (
        {"achievements": [ach("rd_institution", datetime.date(2020, 1, 1), level="national")], "y2025": srdi()},
        {"srdi_institution_points": 10},
    ),
    "institution_municipal": (
        {"achievements": [ach("rd_institution", datetime.date(2020, 1, 1), level="municipal")], "y2025": srdi()},
        {"srdi_institution_points": 4},
    ),
    "institution_local": (
        {"achievements": [ach("rd_institution", datetime.date(2020, 1, 1), level="local")], "y2025": srdi()},
        {"srdi_institution_points": 2},
    ),
    "institution_platform": (
        {"qualifications": [QualificationKind.RD_PLATFORM], "y2025": srdi()},
        {"srdi_institution_points": 8},
    ),
    # 二、5. 数字化水平: 三级以上 5, 二级 3, 一级 0; unrecorded: 0–5.
    "digital_3": (
        {"achievements": [ach("digital_level", datetime.date(2025, 1, 1), grade=3)], "y2025": srdi()},
        {"srdi_digital_low": 5, "srdi_digital_high": 5},
    ),
    "digital_2": (
        {"achievements": [ach("digital_level", datetime.date(2025, 1, 1), grade=2)], "y2025": srdi()},
        {"srdi_digital_low": 3, "srdi_digital_high": 3},
    ),
    "digital_1": (
        {"achievements": [ach("digital_level", datetime.date(2025, 1, 1), grade=1)], "y2025": srdi()},
        {"srdi_digital_low": 0, "srdi_digital_high": 0},
    ),
    "digital_unknown": ({"y2025": srdi()}, {"srdi_digital_low": 0, "srdi_digital_high": 5}),
    # 二、6. 质量管理水平: 3 a recorded item, at most 5.
    "quality_one": (
        {"achievements": [ach("brand", datetime.date(2020, 1, 1))], "y2025": srdi()},
        {"srdi_quality_low": 3},
    ),
    "quality_two_capped": (
        {
            "achievements": [
                ach("brand", datetime.date(2020, 1, 1)),
                ach("standard", datetime.date(2019, 1, 1), level="group", role="participated"),
            ],
            "y2025": srdi(),
        },
        {"srdi_quality_low": 5},
    ),
    # 一、(四) 评价得分达到60分以上: the proven score.
    "score_61": (STRONG, {"srdi_score": 61, "srdi_score_high": 95, "srdi_score_ok": True, "srdi_candidate": True}),
    "score_59": (
        {
            **STRONG,
            "achievements": [
                *STRONG["achievements"][:3],
                ach("rd_institution", datetime.date(2021, 1, 1), level="provincial"),
            ],
        },
        {"srdi_score": 59, "srdi_score_ok": False, "srdi_candidate": False, "gap_srdi_points": 1},
    ),
    # 一、(四) 1–4: routes for a firm whose proven score is low.
    "route_provincial_award_rank3": (
        {"y2025": srdi(), "achievements": [ach("award", datetime.date(2024, 1, 1), level="provincial", rank=3)]},
        {"srdi_route": 1, "srdi_candidate": True},
    ),
    "route_provincial_award_rank4": (
        {"y2025": srdi(), "achievements": [ach("award", datetime.date(2024, 1, 1), level="provincial", rank=4)]},
        {"srdi_route": 0, "srdi_candidate": False},
    ),
    "route_national_award_rank5": (
        {"y2025": srdi(), "achievements": [ach("award", datetime.date(2024, 1, 1), level="national", rank=5)]},
        {"srdi_route": 1},
    ),
    "route_rd_mean_10m": (
        {
            "y2024": {"rd_expense": 12 * M, "revenue": 100 * M},
            "y2025": srdi(rd_expense=8 * M, revenue=100 * M, main_business_revenue=100 * M),
        },
        {"srdi_route": 2, "srdi_candidate": True},
    ),
    "route_rd_mean_short": (
        {
            "y2024": {"rd_expense": Decimal("11999999.99"), "revenue": 100 * M},
            "y2025": srdi(rd_expense=8 * M, revenue=100 * M, main_business_revenue=100 * M),
        },
        {"srdi_route": 0},
    ),
    "route_equity_60m": (
        {"y2025": srdi(), "achievements": [ach("equity", datetime.date(2025, 6, 1), amount=60 * M)]},
        {"srdi_route": 3},
    ),
    "route_makers_500": (
        {"y2025": srdi(), "achievements": [ach("makers_china", datetime.date(2024, 9, 1), rank=500)]},
        {"srdi_route": 4},
    ),
    "route_makers_501": (
        {"y2025": srdi(), "achievements": [ach("makers_china", datetime.date(2024, 9, 1), rank=501)]},
        {"srdi_route": 0},
    ),
}


def test_srdi_cases_through_a_run_and_the_api(staff, run_scoring):
    firms = {}
    for name, (spec, _expected) in SRDI_CASES.items():
        spec = {**spec, "achievements": [dict(a) for a in spec.get("achievements", ())]}
        firms[name] = make_firm(**spec)
    run_scoring()
    bodies = check_cases(staff, {name: expected for name, (_spec, expected) in SRDI_CASES.items()}, firms)
    strong = bodies["score_61"]["explained"]["srdi"]
    assert strong["candidate"] is True and strong["score"] == 61
    assert [part["estimated"] for part in strong["parts"]] == [True, True, True, True]
    # The parts the page shows add up to the stored totals: specialisation 20–25, refinement 15–25, distinctiveness
    # 0–15, innovation 26–30.
    assert [(part["low"], part["high"]) for part in strong["parts"]] == [(20, 25), (15, 25), (0, 15), (26, 30)]
    weak = bodies["score_59"]["explained"]["srdi"]
    assert weak["candidate"] is False and any("59" in gap for gap in weak["gaps"])
    assert bodies["route_makers_500"]["explained"]["srdi"]["route"]
    # The firm's page shows the same: the innovative-SME parts and the 专精特新 parts with their estimated ranges.
    page = staff.get(reverse("enterprises:detail", args=[firms["score_61"].credit_code])).content.decode()
    assert 'id="innovative-sme-parts"' in page and 'id="srdi-parts"' in page
    assert "20–25 / 25" in page and "26–30 / 35" in page


# ---------------------------------------------------------------------------------------------------------------
# 科技型中小企业 direct routes (115号 第六条)

# Eligible (100 staff, 10 M revenue and assets) but scoring 0: only a route can pass it.
SME_CASES = {
    "award_national_rank3": (
        {"achievements": [ach("award", datetime.date(2022, 1, 1), level="national", rank=3)]},
        {"sme_route": 2, "sme_passes": True},
    ),
    "award_national_rank4": (
        {"achievements": [ach("award", datetime.date(2022, 1, 1), level="national", rank=4)]},
        {"sme_route": 0, "sme_passes": False},
    ),
    "award_provincial_rank1": (
        {"achievements": [ach("award", datetime.date(2022, 1, 1), level="provincial", rank=1)]},
        {"sme_route": 0},
    ),
    "award_five_years_ago": (
        {"achievements": [ach("award", datetime.date(2021, 6, 30), level="national", rank=1)]},
        {"sme_route": 0},
    ),
    "award_within_five_years": (
        {"achievements": [ach("award", datetime.date(2021, 7, 1), level="national", rank=1)]},
        {"sme_route": 2},
    ),
    "standard_led_industry": (
        {"achievements": [ach("standard", datetime.date(2023, 1, 1), level="industry", role="led")]},
        {"sme_route": 4, "sme_passes": True},
    ),
    "standard_led_international": (
        {"achievements": [ach("standard", datetime.date(2023, 1, 1), level="international", role="led")]},
        {"sme_route": 4},
    ),
    "standard_participated": (
        {"achievements": [ach("standard", datetime.date(2023, 1, 1), level="national", role="participated")]},
        {"sme_route": 0},
    ),
    "standard_led_group": (
        {"achievements": [ach("standard", datetime.date(2023, 1, 1), level="group", role="led")]},
        {"sme_route": 0},
    ),
    "rd_institution_provincial": (
        {"achievements": [ach("rd_institution", datetime.date(2020, 1, 1), level="provincial")]},
        {"sme_route": 3},
    ),
    "high_tech_first": (
        {
            "qualifications": [QualificationKind.HIGH_TECH],
            "achievements": [ach("standard", datetime.date(2023, 1, 1), level="national", role="led")],
        },
        {"sme_route": 1},
    ),
}


def test_tech_sme_routes_through_a_run_and_the_api(staff, run_scoring):
    firms = {}
    for name, (spec, _expected) in SME_CASES.items():
        spec = {**spec, "achievements": [dict(a) for a in spec.get("achievements", ())]}
        firms[name] = make_firm(**spec)
    run_scoring()
    bodies = check_cases(staff, {name: expected for name, (_spec, expected) in SME_CASES.items()}, firms)
    assert bodies["standard_led_industry"]["explained"]["sme"]["route"]
    assert bodies["standard_participated"]["explained"]["sme"]["route"] == ""


# ---------------------------------------------------------------------------------------------------------------
# Dates: one anniversary for the check and its gap (core.dates, 民法典 第二百零二条)


def test_leap_day_and_year_end_anniversaries(staff, run_scoring):
    leap = make_firm(founded=datetime.date(2024, 2, 29), last_year=2024)
    after_leap = make_firm(founded=datetime.date(2024, 3, 1), last_year=2024)
    run_scoring(on=datetime.date(2025, 2, 28))
    check_cases(
        staff,
        {
            # 29 February + 1 year is 28 February: registered one year, no gap.
            "leap": {"ht_registered_met": 1.0, "gap_ht_registered_days": None},
            # A failed condition never shows a gap of 0 days.
            "after_leap": {"ht_registered_met": 0.0, "gap_ht_registered_days": 1.0},
        },
        {"leap": leap, "after_leap": after_leap},
    )
    year_end = make_firm(founded=datetime.date(2024, 12, 31), last_year=2024)
    new_year = make_firm(founded=datetime.date(2025, 1, 1), last_year=2024)
    run_scoring(on=datetime.date(2025, 12, 31))
    check_cases(
        staff,
        {
            "year_end": {"ht_registered_met": 1.0, "gap_ht_registered_days": None},
            "new_year": {"ht_registered_met": 0.0, "gap_ht_registered_days": 1.0},
            # Two years in the niche, counted the same way: founded 2024-02-29, reached on 2026-02-28.
            "leap": {"srdi_years_ok": False, "gap_srdi_years_days": 59.0},
        },
        {"year_end": year_end, "new_year": new_year, "leap": leap},
    )


# ---------------------------------------------------------------------------------------------------------------
# Versions: a past date recomputed with its own year's rule set gives what it gave


def test_a_past_date_recomputed_with_its_rule_set_is_unchanged(staff, run_scoring):
    # Score 75 with innovation 15: passes under 2025 (the score alone), not under 2026 (the part minimum).
    firm = make_firm(field="new_materials", y2024=GOOD_2024, y2025=good(utility_models=0))
    day = datetime.date(2026, 3, 31)
    ScoringSettings.objects.create(ruleset_year=2025)
    first = run_scoring(on=day)
    before = staff.get(f"/api/v1/portraits/{firm.credit_code}/").json()
    assert before["innovative_sme_passes"] is True and before["innovative_sme_score"] == 75
    ScoringSettings.objects.all().delete()
    corrected = run_scoring(on=day, force=True)
    portrait = Portrait.objects.select_related("run").get(run=corrected, enterprise=firm)
    assert corrected.ruleset_year == 2026
    assert portrait.innovative_sme_passes is False and portrait.details["gap_isme_innovation"] == 5
    ScoringSettings.objects.create(ruleset_year=2025)
    again = run_scoring(on=day, force=True)
    assert again.ruleset_year == first.ruleset_year == 2025
    portraits = Portrait.objects.select_related("run")
    recomputed, original = portraits.get(run=again, enterprise=firm), portraits.get(run=first, enterprise=firm)
    assert recomputed.detail == original.detail
    assert recomputed.innovative_sme_passes is original.innovative_sme_passes is True
