"""The value evaluation of IP rights as pure, vectorised functions over a frame of register rows (one row per
right): no ORM, no loop over patents. Every weight and threshold comes from the rule set (PatentValueRules).

Input columns: kind, legal_status, filed_on, status_on, acquired_on, transferred_out_on (datetime64, NaT when
empty), claims, foreign_family_granted, licence_count (numbers), strategic_emerging (bool), pledged_cents (integer
cents, exact), award (text).
"""

import datetime

import numpy as np
import pandas as pd

from rulesets import RuleSet

DAYS_PER_YEAR = 365.25
SCORE_DECIMALS = 2

# The five conditions of a high-value invention patent, as bits of Patent.high_value_reasons. Append only.
HIGH_VALUE_BITS = {
    "strategic_emerging": 1,
    "foreign_family": 2,
    "long_maintained": 4,
    "large_pledge": 8,
    "award": 16,
}


def held_and_valid(frame: pd.DataFrame) -> pd.Series:
    return frame["legal_status"].eq("valid") & frame["transferred_out_on"].isna()


def years_maintained(frame: pd.DataFrame, on: datetime.date) -> pd.Series:
    """Years from filing to the run date, or to the day a right stopped being valid."""
    end = frame["status_on"].where(frame["legal_status"].ne("valid")).fillna(pd.Timestamp(on))
    return ((end - frame["filed_on"]).dt.days / DAYS_PER_YEAR).clip(lower=0)


def conditions(frame: pd.DataFrame, ruleset: RuleSet, on: datetime.date) -> pd.DataFrame:
    """Each of the five conditions as a boolean column (whatever the kind and status of the right)."""
    rules = ruleset.patent_value
    return pd.DataFrame(
        {
            "strategic_emerging": frame["strategic_emerging"].astype(bool),
            "foreign_family": frame["foreign_family_granted"].fillna(0) > 0,
            "long_maintained": years_maintained(frame, on) > rules.min_maintained_years,
            "large_pledge": frame["pledged_cents"].fillna(0) >= int(rules.large_pledge_amount * 100),
            "award": frame["award"].fillna("").ne(""),
        },
        index=frame.index,
    )


def term_end(frame: pd.DataFrame, ruleset: RuleSet) -> pd.Series:
    """The end of each right's statutory term (NaT for kinds without one)."""
    years = frame["kind"].map(dict(ruleset.patent_value.term_years))
    ends = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    for term in years.dropna().unique():
        rows = years.eq(term)
        ends[rows] = frame.loc[rows, "filed_on"] + pd.DateOffset(years=int(term))
    return ends


def evaluate(frame: pd.DataFrame, ruleset: RuleSet, on: datetime.date) -> pd.DataFrame:
    """high_value (valid, held invention patents meeting any condition), high_value_reasons (bits) and value_score."""
    rules = ruleset.patent_value
    met = conditions(frame, ruleset, on)
    reasons = sum(met[name].astype("int64") * bit for name, bit in HIGH_VALUE_BITS.items())
    valid = held_and_valid(frame)
    high_value = valid & frame["kind"].eq("invention") & met.any(axis=1)

    ends = term_end(frame, ruleset)
    whole = (ends - frame["filed_on"]).dt.days
    left = (ends - pd.Timestamp(on)).dt.days.clip(lower=0)
    life_share = (left / whole.where(whole > 0)).fillna(0).where(valid, 0)
    claims_share = (frame["claims"].fillna(0) / rules.claims_full).clip(upper=1)
    maintenance_share = (years_maintained(frame, on) / rules.maintenance_full_years).clip(upper=1)
    traded = frame["acquired_on"].notna() | (frame["licence_count"].fillna(0) > 0)
    score = (
        met.sum(axis=1) * float(rules.condition_points)
        + claims_share * float(rules.claims_points)
        + life_share * float(rules.remaining_life_points)
        + valid * float(rules.legal_status_points)
        + maintenance_share * float(rules.maintenance_points)
        + traded * float(rules.transaction_points)
    )
    return pd.DataFrame(
        {
            "high_value": high_value.to_numpy(dtype=bool),
            "high_value_reasons": reasons.to_numpy(dtype=np.int64),
            "value_score": score.round(SCORE_DECIMALS).to_numpy(dtype=float),
        },
        index=frame.index,
    )


def reason_codes(bits: int) -> list[str]:
    return [code for code, bit in HIGH_VALUE_BITS.items() if bits & bit]
