import math

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from policies.conditions import MEETS, NEARLY, clean_conditions, describe, describe_gap, evaluate

PATENTS_AND_RD = clean_conditions(
    [
        {"field": "tech_sme_registered", "op": "is", "value": True},
        {"field": "invention_patents", "op": "gte", "value": 3},
        {"field": "rd_ratio", "op": "gte", "value": "0.03"},
    ]
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_evaluate_meets_nearly_and_fails_on_hand_made_portraits(portraits):
    frame = portraits(
        {"invention_patents": 3.0, "rd_ratio": 0.035},  # meets
        {"invention_patents": 2.0, "rd_ratio": 0.035},  # one patent short
        {"invention_patents": 5.0, "rd_ratio": 0.021},  # R&D ratio short
        {"invention_patents": 0.0, "rd_ratio": 0.01},  # fails two
        {"q_tech_sme": False, "invention_patents": 4.0, "rd_ratio": 0.05},  # not registered
    )
    result = evaluate(frame, PATENTS_AND_RD)
    assert result.status.tolist() == [MEETS, NEARLY, NEARLY, 0, NEARLY]
    assert result.missing_index.tolist() == [-1, 1, 2, -1, 0]
    assert (
        describe_gap(PATENTS_AND_RD[1], result.missing_actual[1])
        == "1 more invention patent (now 2, at least 3 wanted)"
    )
    assert describe_gap(PATENTS_AND_RD[2], result.missing_actual[2]) == (
        "R&D ratio (latest year, R&D / revenue) is 2.1%, at least 3% wanted"
    )
    assert describe_gap(PATENTS_AND_RD[0], result.missing_actual[4]) == "Registered tech-based SME this year"


def test_evaluate_threshold_itself_meets_and_unknown_data_never_does(portraits):
    frame = portraits({"invention_patents": 3.0, "rd_ratio": 3 / 100}, {"invention_patents": 3.0, "rd_ratio": np.nan})
    result = evaluate(frame, PATENTS_AND_RD)
    assert result.status.tolist() == [MEETS, NEARLY]
    assert math.isnan(result.missing_actual[1])
    assert describe_gap(PATENTS_AND_RD[2], result.missing_actual[1]) == (
        "R&D ratio (latest year, R&D / revenue): no data yet (at least 3% wanted)"
    )


def test_evaluate_money_compared_exactly_in_cents(portraits):
    conditions = clean_conditions(
        [{"field": "revenue", "op": "lte", "value": "200000000"}, {"field": "innovative", "op": "is", "value": True}]
    )
    frame = portraits({"revenue": 20_000_000_000.0}, {"revenue": 20_000_000_001.0}, {"revenue": 23_012_345_600.0})
    result = evaluate(frame, conditions)
    assert result.status.tolist() == [MEETS, NEARLY, NEARLY]
    assert result.missing_actual[1] == 200_000_000.01
    assert (
        describe_gap(conditions[0], result.missing_actual[2])
        == "Revenue (latest year) is 23012.35 万元, at most 20000 万元 wanted"
    )


def test_evaluate_a_county_condition_is_never_nearly(db, portraits):
    conditions = clean_conditions(
        [{"field": "county", "op": "in", "value": ["410482"]}, {"field": "rd_ratio", "op": "gte", "value": "0.03"}]
    )
    frame = portraits({"county": "410482"}, {"county": "410402"}, {"county": "410482", "rd_ratio": 0.01})
    assert evaluate(frame, conditions).status.tolist() == [MEETS, 0, NEARLY]


def test_evaluate_single_condition_policy_has_no_nearly(portraits):
    conditions = clean_conditions([{"field": "high_tech_valid", "op": "is", "value": True}])
    frame = portraits({"q_high_tech": True}, {"q_high_tech": False})
    assert evaluate(frame, conditions).status.tolist() == [MEETS, 0]


def test_evaluate_tier_choice_and_no_conditions_means_everyone(portraits):
    frame = portraits({"tier": "t1"}, {"tier": "t3"})
    tiers = clean_conditions([{"field": "tier", "op": "not_in", "value": ["t1", "outside"]}])
    assert evaluate(frame, tiers).status.tolist() == [0, MEETS]
    assert evaluate(frame, []).status.tolist() == [MEETS, MEETS]


def test_clean_conditions_normalises_money_and_ratios():
    cleaned = clean_conditions(
        [
            {"field": "revenue", "op": "lte", "value": 200000000},
            {"field": "rd_ratio", "op": "gte", "value": "0.030"},
            {"field": "invention_patents", "op": "gte", "value": "2"},
        ]
    )
    assert cleaned == [
        {"field": "revenue", "op": "lte", "value": "200000000"},
        {"field": "rd_ratio", "op": "gte", "value": "0.030"},
        {"field": "invention_patents", "op": "gte", "value": 2},
    ]
    assert describe(cleaned[1]) == "R&D ratio (latest year, R&D / revenue) ≥ 3%"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"field": "profit", "op": "gte", "value": 1}, "condition 2: unknown field “profit”"),
        ({"field": "revenue", "op": "is", "value": 1}, "operator “is” is not allowed"),
        ({"field": "revenue", "op": "gte", "value": "lots"}, "“lots” is not a number"),
        ({"field": "revenue", "op": "gte", "value": "-5"}, "must be at least 0"),
        ({"field": "st_ratio", "op": "gte", "value": "1.5"}, "must be at most 1"),
        ({"field": "invention_patents", "op": "gte", "value": "1.5"}, "must be a whole number"),
        ({"field": "high_tech_valid", "op": "is", "value": "yes"}, "must be true or false"),
        ({"field": "tier", "op": "in", "value": ["t9"]}, "unknown code(s) t9"),
        ({"field": "tier", "op": "in", "value": []}, "non-empty list of codes"),
        ({"field": "revenue", "op": "gte", "value": 1, "code": "x"}, "expected an object with field, op and value"),
    ],
)
def test_clean_conditions_rejects_bad_input_saying_where(db, raw, message):
    with pytest.raises(ValidationError) as caught:
        clean_conditions([{"field": "innovative", "op": "is", "value": True}, raw])
    assert message in " ".join(caught.value.messages)


def test_clean_conditions_rejects_free_text():
    with pytest.raises(ValidationError, match="must be a list"):
        clean_conditions("revenue <= 200000000")
