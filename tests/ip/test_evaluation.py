"""High-value invention patents (DESIGN §3.4): each of the five conditions alone makes a valid invention patent
high-value, none makes it not; the value score follows the rule set's weights."""

import datetime
from decimal import Decimal

import pandas as pd
import pytest

from ip import evaluation
from ip.services import evaluate_patents
from rulesets import get_ruleset
from tests.ip.factories import PatentFactory

ON = datetime.date(2026, 6, 30)
RULES = get_ruleset(2026)
VALUE = RULES.patent_value


def _row(**overrides) -> dict:
    row = {
        "kind": "invention", "legal_status": "valid", "filed_on": pd.Timestamp(2020, 3, 1), "status_on": pd.NaT,
        "acquired_on": pd.NaT, "transferred_out_on": pd.NaT, "claims": 6, "foreign_family_granted": 0,
        "licence_count": 0, "strategic_emerging": False, "pledged_cents": 0, "award": "",
    }  # fmt: skip
    row.update(overrides)
    return row


def _evaluate(*rows) -> pd.DataFrame:
    return evaluation.evaluate(pd.DataFrame(list(rows)), RULES, ON)


LONG_AGO = pd.Timestamp(ON.year - VALUE.min_maintained_years - 1, 1, 1)
CONDITIONS = {
    "strategic_emerging": {"strategic_emerging": True},
    "foreign_family": {"foreign_family_granted": 1},
    "long_maintained": {"filed_on": LONG_AGO},
    "large_pledge": {"pledged_cents": int(VALUE.large_pledge_amount * 100)},
    "award": {"award": "china_patent"},
}


@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_each_condition_alone_makes_a_valid_invention_high_value(condition):
    result = _evaluate(_row(**CONDITIONS[condition]))
    assert bool(result["high_value"].iat[0]) is True
    assert evaluation.reason_codes(int(result["high_value_reasons"].iat[0])) == [condition]


def test_no_condition_is_not_high_value():
    result = _evaluate(_row())
    assert bool(result["high_value"].iat[0]) is False
    assert int(result["high_value_reasons"].iat[0]) == 0


def test_conditions_just_short_are_not_high_value():
    just_under_ten_years = pd.Timestamp(ON) - pd.DateOffset(years=VALUE.min_maintained_years)
    result = _evaluate(
        _row(filed_on=just_under_ten_years),  # exactly 10 years: "over 10" is not met
        _row(pledged_cents=int(VALUE.large_pledge_amount * 100) - 1),
    )
    assert result["high_value"].tolist() == [False, False]


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "utility_model"},
        {"legal_status": "lapsed", "status_on": pd.Timestamp(2025, 1, 1)},
        {"legal_status": "invalidated", "status_on": pd.Timestamp(2025, 1, 1)},
        {"transferred_out_on": pd.Timestamp(2026, 1, 1)},
    ],
)
def test_only_valid_held_inventions_can_be_high_value(overrides):
    result = _evaluate(_row(strategic_emerging=True, award="national_st", **overrides))
    assert bool(result["high_value"].iat[0]) is False


def test_value_score_adds_the_rule_sets_weights():
    filed = pd.Timestamp(2016, 6, 30)  # 10 of 20 years left, 10 maintained
    result = _evaluate(
        _row(filed_on=filed, claims=VALUE.claims_full * 2, strategic_emerging=True, licence_count=1),
        _row(filed_on=filed, claims=0, legal_status="lapsed", status_on=pd.Timestamp(2026, 6, 30)),
    )
    strong, lapsed = result["value_score"].tolist()
    expected = (
        float(VALUE.condition_points) + float(VALUE.claims_points) + float(VALUE.legal_status_points)
        + float(VALUE.transaction_points) + 0.5 * float(VALUE.remaining_life_points)
        + 10 / VALUE.maintenance_full_years * float(VALUE.maintenance_points)
    )  # fmt: skip
    assert strong == pytest.approx(expected, abs=0.1)
    assert lapsed == pytest.approx(10 / VALUE.maintenance_full_years * float(VALUE.maintenance_points), abs=0.1)
    assert 0 <= lapsed < strong <= 100


def test_evaluate_patents_stores_flags_and_scores(db):
    plain = PatentFactory()
    awarded = PatentFactory(enterprise=plain.enterprise, award="china_patent", pledged_amount=Decimal("1"))
    assert evaluate_patents(on=ON) == 2
    plain.refresh_from_db()
    awarded.refresh_from_db()
    assert (plain.high_value, awarded.high_value) == (False, True)
    assert awarded.value_score > plain.value_score > 0
    assert awarded.evaluated_on == ON
    assert evaluate_patents(on=ON) == 0  # nothing changed: nothing rewritten


def test_nightly_task_reevaluates_as_of_today_and_is_scheduled(db, settings):
    from django.utils import timezone

    from ip import tasks

    # Filed eleven years ago: maintained over ten years as of today, so high-value without any edit.
    today = timezone.localdate()
    filed = today - datetime.timedelta(days=11 * 366)
    patent = PatentFactory(filed_on=filed, granted_on=filed + datetime.timedelta(days=700))
    assert evaluate_patents(on=today - datetime.timedelta(days=2 * 366)) == 1
    patent.refresh_from_db()
    assert not patent.high_value
    assert tasks.evaluate_all() == 1
    patent.refresh_from_db()
    assert patent.high_value and patent.evaluated_on == today
    assert tasks.evaluate_all() == 0  # idempotent
    # Scheduled as the first step of the nightly pipeline (tests/pipeline/test_nightly.py).
    assert settings.CELERY_BEAT_SCHEDULE["pipeline-nightly-run"]["task"] == "pipeline.nightly_run"
