import datetime

import pytest

from scoring.needs import RUNG_BY_KEY
from tests.factories import (
    DepartmentMatchFactory,
    EnterpriseFactory,
    PlacementFactory,
    SourceValueFactory,
    county,
    open_conflict,
)

ON = datetime.date(2026, 6, 30)  # latest year read: 2025; fresh since 2025-03-30 (15 months)
FRESH = datetime.date(2026, 3, 1)
STALE = datetime.date(2025, 1, 1)


def observe(firm, field, years=(2025,), as_of=FRESH):
    """Observations of `field` of `firm` for `years` (None: the firm's own field)."""
    for year in years:
        if year is None:
            SourceValueFactory(enterprise=firm, field=field, year=None, value=None, value_date=firm.founded_on,
                               as_of=as_of)  # fmt: skip
        else:
            SourceValueFactory(enterprise=firm, field=field, year=year, as_of=as_of)


def observe_rung(firm, rung_key, as_of=FRESH, skip=()):
    """Every figure the rung reads, for every year it reads, except `skip`."""
    for field, years in RUNG_BY_KEY[rung_key].needs:
        if field not in skip:
            observe(firm, field, (None,) if years == 0 else tuple(range(2026 - years, 2026)), as_of)


@pytest.fixture
def quality_city(db):
    """Xinhua (410402) and Ruzhou (410482), built so that every figure of the page is known:

    Xinhua — `signal`: up for T1 (no placement), R&D of three years fresh, S&T staff stale, no IP (5 missing);
    `sme`: T1, up for T2, every figure fresh (complete), matched to a department list; `young`: T2, up for T3,
    founded 2024 (three-year figures needed from 2024 only), all fresh but the founding date missing, one open
    conflict; `gone`: moved out still holding T3; `closed`: deregistered, outside the pool.
    Ruzhou — `far`: up for T1, nothing observed but two figures in conflict (revenue, employees of 2025).
    """
    xinhua, ruzhou = county("410402"), county("410482")
    firms = {
        "signal": EnterpriseFactory(county=xinhua, name="信号科技"),
        "sme": EnterpriseFactory(county=xinhua, name="科小科技"),
        "young": EnterpriseFactory(county=xinhua, name="新创科技", founded_on=datetime.date(2024, 5, 1)),
        "gone": EnterpriseFactory(county=xinhua, name="迁出科技", registration_status="moved_out"),
        "closed": EnterpriseFactory(county=xinhua, name="注销科技", registration_status="deregistered"),
        "far": EnterpriseFactory(county=ruzhou, name="汝州科技"),
    }
    observe(firms["signal"], "rd_expense", (2023, 2024, 2025))
    observe(firms["signal"], "st_personnel", as_of=STALE)
    PlacementFactory(enterprise=firms["sme"], tier="t1")
    observe_rung(firms["sme"], "t2")
    DepartmentMatchFactory(enterprise=firms["sme"])
    PlacementFactory(enterprise=firms["young"], tier="t2")
    for field, years in RUNG_BY_KEY["t3"].needs:
        if years:
            observe(firms["young"], field, (2024, 2025))
    open_conflict(firms["young"])
    PlacementFactory(enterprise=firms["gone"], tier="t3")
    PlacementFactory(enterprise=firms["closed"], tier="outside")
    open_conflict(firms["far"])
    open_conflict(firms["far"], field="employees")
    return firms
