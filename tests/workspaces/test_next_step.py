"""A firm's next step in plain words: the right rung and gaps for each tier, amounts with their units, and no rule
id, detail name, tier code or comparison sign anywhere in the wording."""

import datetime
import re

import pytest
from django.utils import translation

from cultivation.plans import GAP_SPECS
from scoring.models import Portrait, ScoringRun
from scoring.selectors import current_run
from tests.scoring.conftest import city, run_scoring  # noqa: F401  (shared fixtures)
from workspaces.next_step import money, next_step

# What must not reach a firm: a detail or rule name (snake_case), a tier code, a comparison sign.
RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|\bt[0-3]\b|[≤≥<>]")


def portrait(tier: str, details: dict, **fields) -> Portrait:
    """An unsaved portrait of a run of the 2026 rule set with these details."""
    run = ScoringRun(run_date=datetime.date(2026, 6, 30), ruleset_year=2026, detail_keys=list(details))
    values = {"sme_score": 48, "sme_eligible": True, "sme_passes": False, "capability_estimate": 46.0, **fields}
    return Portrait(run=run, tier=tier, detail=list(details.values()), **values)


def words(result) -> list[str]:
    return [result.tier_label, result.next_rung, result.summary] + [
        text for step in result.steps for text in (step.what, step.amount, step.todo)
    ]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_micro_firm_is_shown_the_way_to_the_tech_based_sme_register():
    result = next_step(
        portrait=portrait(
            "t1",
            {
                "gap_sme_points": 12,
                "sme_st_ratio": 0.05,
                "gap_sme_st_target": 0.1,
                "gap_sme_st_people": 2,
                "sme_rd_revenue_ratio": 0.01,
                "gap_sme_rd_target": 0.02,
                "gap_sme_rd_yuan": 8000,
                "gap_sme_class2": 1,
            },
        )
    )
    assert result.next_rung == "Tech-based SME (科技型中小企业)"
    assert (
        result.summary == "The tech-based SME evaluation gives your firm 48 points; 60 are needed to pass and register."
    )
    assert [(step.key, step.amount) for step in result.steps] == [
        ("sme_st_people", "2 people"), ("sme_rd", "8,000 yuan"), ("sme_class2", "1 patent or software copyright"),
    ]  # fmt: skip
    assert result.steps[0].what == "S&T staff are 5.0% of your employees; at 10% the evaluation gives more points."


def test_a_t2_firm_is_shown_the_conditions_of_the_certificate_it_lacks():
    result = next_step(
        portrait=portrait(
            "t2",
            {
                "gap_ht_registered_days": 40,
                "gap_ht_class2": 5,
                "ht_field_met": None,
                "ht_st_ratio": 0.08,
                "gap_ht_st_people": 1,
                "ht_rd_ratio_3y": 0.031,
                "ht_rd_threshold": 0.04,
                "ht_rd_years": 2,
                "gap_ht_rd_yuan": 250000,
                "ht_domestic_share": 0.5,
                "gap_ht_domestic_rd_yuan": 125000,
                "ht_high_tech_share": 0.4,
                "gap_ht_high_tech_revenue_yuan": 6000000,
                "gap_ht_capability_points": 24,
            },
        ),
        tier="t2",
    )
    assert result.tier_label == "T2 Small to high-tech"
    assert result.next_rung == "High-tech enterprise certificate (高新技术企业)"
    assert [(step.key, step.amount) for step in result.steps] == [
        ("ht_registered", "40 days"), ("ht_core_ip", "5 patents or software copyrights"), ("ht_field", ""),
        ("ht_st_people", "1 person"), ("ht_rd", "25.00 × 10k yuan"), ("ht_domestic_rd", "12.50 × 10k yuan"),
        ("ht_high_tech_revenue", "600.00 × 10k yuan"), ("ht_capability", "more than 24 points"),
    ]  # fmt: skip
    assert result.steps[4].what == "R&D spending over the last 2 years is 3.1% of revenue; at least 4% is needed."
    assert result.steps[-1].what == "Your innovation capability is estimated at 46 points; more than 70 are needed."


def test_a_certified_firm_is_shown_the_recognitions_above_it():
    result = next_step(
        portrait=portrait(
            "t3",
            {
                "gazelle_cagr": 0.12,
                "gap_gazelle_revenue_yuan": 0,
                "gap_gazelle_growth_yuan": 1500000,
                "gap_srdi_rd_yuan": 300000,
                "gap_srdi_revenue_yuan": None,
            },
        )
    )
    assert result.next_rung == "Gazelle or specialised and innovative (专精特新) enterprise"
    assert [(step.key, step.amount) for step in result.steps] == [
        ("gazelle_growth", "150.00 × 10k yuan"), ("srdi_rd", "30.00 × 10k yuan"),
    ]  # fmt: skip


def test_a_firm_without_gaps_is_told_to_apply_and_a_pinned_firm_shows_its_tier_now():
    result = next_step(portrait=portrait("t2", {"gap_ht_rd_yuan": None, "gap_ht_capability_points": None}), tier="t3")
    assert result.steps == [] and result.tier == "t3"
    assert result.summary.startswith("Your figures meet what the portal can check for the next rung")


def test_a_firm_outside_the_pool_and_a_firm_not_scored():
    outside = next_step(portrait=portrait("outside", {}, sme_eligible=False))
    assert outside.next_rung == "" and outside.steps == []
    unscored = next_step(portrait=None)
    assert unscored.tier == "" and "not been scored yet" in unscored.summary


def test_money_is_in_yuan_below_ten_thousand_and_in_ten_thousands_above():
    assert (money(9999), money(10000), money(1234567.4)) == ("9,999 yuan", "1.00 × 10k yuan", "123.46 × 10k yuan")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_gap_is_worded_without_raw_codes(language):
    """Each key of cultivation.plans.GAP_SPECS has its step, in plain words."""
    details = {spec.column: (None if spec.test == "missing" else 3) for spec in GAP_SPECS}
    details.update(ht_rd_years=3, ht_st_ratio=0.05, ht_rd_ratio_3y=0.02, ht_rd_threshold=0.03)
    with translation.override(language):
        steps = []
        for tier in ("t1", "t2", "t3"):
            result = next_step(portrait=portrait(tier, details))
            steps += result.steps
            assert not [text for text in words(result) if RAW.search(text)]
    assert sorted(step.key for step in steps) == sorted(spec.key for spec in GAP_SPECS if spec.key != "sme_points")


def test_real_portraits_read_in_plain_words(city, run_scoring):  # noqa: F811
    """Every portrait of a real scoring run (tests/scoring's city) explained without a raw code."""
    run_scoring()
    portraits = Portrait.objects.filter(run=current_run()).select_related("run")
    assert portraits.exists()
    for item in portraits:
        result = next_step(portrait=item)
        assert result.next_rung or not result.steps
        assert not [text for text in words(result) if RAW.search(text)], item.enterprise_id
