import numpy as np
import pandas as pd
import pytest

from policies.conditions import FIELDS
from tests.scoring.conftest import city, run_scoring  # noqa: F401  (shared fixtures)

# A hand-made portrait row: every column of the matching frame, with neutral values.
NEUTRAL = {
    "county_id": 1, "county": "410402", "industry_division": "34", "tier": "t2", "readiness": 50.0,
    "sme_score": 60, "sme_eligible": True, "sme_passes": True, "capability_estimate": 60.0, "conditions_met": 5,
    "innovative_sme_score": 55, "innovative_sme_passes": False, "gazelle_candidate": False, "srdi_candidate": False,
    "size_class": "small",
    "above_scale": False, "innovative": True, "revenue_growth": 0.1, "q_tech_sme": True, "q_high_tech": False,
    "q_gazelle": False, "q_srdi": False, "q_rd_platform": False, "high_tech_field": "new_materials",
    "revenue": 3_000_000_000.0, "total_assets": 4_000_000_000.0, "rd_expense": 120_000_000.0, "employees": 120.0,
    "rd_ratio": 0.04, "rd_ratio_3y": 0.04, "st_ratio": 0.2, "high_tech_share": 0.5, "invention_patents": 1.0,
    "class1_ip": 1.0, "class2_ip": 4.0, "years_since_founded": 10.0,
}  # fmt: skip


@pytest.fixture
def portraits():
    """Build a matching frame from hand-made rows (money in cents, as the scoring frame holds it)."""

    def make(*rows: dict) -> pd.DataFrame:
        frame = pd.DataFrame([{**NEUTRAL, **row} for row in rows], index=np.arange(1, len(rows) + 1))
        missing = {item.column for item in FIELDS.values()} - set(frame.columns)
        assert not missing, missing
        return frame

    return make


RD_AND_PATENT = [
    {"field": "rd_ratio", "op": "gte", "value": "0.03"},
    {"field": "invention_patents", "op": "gte", "value": 1},
]


@pytest.fixture
def matched(city, run_scoring):  # noqa: F811
    """The scoring `city` (firm i has R&D of i × 300,000 yuan on 30 M revenue: i% R&D ratio; one invention patent)
    scored once, with a policy asking for an R&D ratio of 3% and an invention patent: firms 3–8 (home[3] and every
    firm away) meet it, home[0..2] nearly do (their R&D ratio is short)."""
    from policies.conditions import clean_conditions
    from tests.policies.factories import PolicyFactory

    policy = PolicyFactory(conditions=clean_conditions(RD_AND_PATENT))
    run = run_scoring()
    return {**city, "policy": policy, "run": run}


@pytest.fixture(autouse=True)
def english_messages(settings):
    """These tests read messages in English, whatever the Chinese catalogue says: English for the test's own thread
    and for the pages the test client asks for (the language cookie)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
