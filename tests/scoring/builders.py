"""Frames for rule tests, built by hand: firms with up to three years of indicators, in yuan."""

import datetime
from decimal import Decimal

import pandas as pd

from enterprises.models import INDICATOR_FIELDS
from scoring.frames import MONEY_FIELDS, build_frame

ON = datetime.date(2026, 6, 30)
YEARS = (2023, 2024, 2025)

# A plain manufacturer: every figure explicit, so a test changes only what it is about.
BASE_YEAR = {
    "employees": 100,
    "st_personnel": 0,
    "revenue": Decimal("30000000"),
    "main_business_revenue": Decimal("30000000"),
    "total_costs": Decimal("28000000"),
    "rd_expense": Decimal("0"),
    "rd_expense_domestic": Decimal("0"),
    "high_tech_revenue": Decimal("0"),
    "total_assets": Decimal("40000000"),
    "total_liabilities": Decimal("20000000"),
    "invention_patents": 0,
    "other_class1_ip": 0,
    "utility_models": 0,
    "designs": 0,
    "software_copyrights": 0,
    "results_converted": 0,
}


def firm(*, years=None, field="", founded=datetime.date(2015, 1, 1), qualifications=(), **latest):
    """One firm. `latest` overrides the latest year's figures; `years` lists (year, overrides) for full control."""
    if years is None:
        years = [(year, {}) for year in YEARS[:-1]] + [(YEARS[-1], latest)]
    return {"years": years, "field": field, "founded": founded, "qualifications": qualifications}


def frame(*firms):
    rows, indicator_rows, qualification_rows = [], [], []
    for firm_id, spec in enumerate(firms, start=1):
        rows.append({"id": firm_id, "county_id": 1, "industry_code": "3411", "high_tech_field": spec["field"],
                     "founded_on": spec["founded"]})  # fmt: skip
        for year, overrides in spec["years"]:
            values = {**BASE_YEAR, **overrides}
            values = {name: int(Decimal(values[name]) * 100) if name in MONEY_FIELDS else values[name]
                      for name in INDICATOR_FIELDS}  # fmt: skip
            indicator_rows.append({"enterprise_id": firm_id, "year": year, **values})
        for kind, valid_to in spec["qualifications"]:
            qualification_rows.append({"enterprise_id": firm_id, "kind": kind, "valid_to": valid_to})
    return build_frame(
        pd.DataFrame(rows),
        pd.DataFrame(indicator_rows, columns=["enterprise_id", "year", *INDICATOR_FIELDS]),
        pd.DataFrame(qualification_rows, columns=["enterprise_id", "kind", "valid_to"]),
    )
