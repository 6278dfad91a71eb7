import datetime
from decimal import Decimal

import pytest

from enterprises.models import QualificationKind
from pipeline import nightly
from tests import factories

RUN_DAY = datetime.date(2026, 6, 30)


def add_years(enterprise, *, rd=Decimal("1200000"), st=20, **latest):
    """Three years of indicators (2023–2025) for a firm; `latest` overrides the last year."""
    for year in (2023, 2024, 2025):
        values = {"rd_expense": rd, "st_personnel": st}
        if year == 2025:
            values.update(latest)
        factories.IndicatorFactory(enterprise=enterprise, year=year, **values)


@pytest.fixture
def city(db):
    """Firms in two counties, with data and qualifications, so that every scoping test has something to leak."""
    xinhua = factories.county("410402")
    ruzhou = factories.county("410482")
    home = factories.EnterpriseFactory.create_batch(4, county=xinhua)
    away = factories.EnterpriseFactory.create_batch(5, county=ruzhou)
    for index, enterprise in enumerate(home + away):
        add_years(enterprise, rd=Decimal(300000 * index), st=index * 3)
    factories.QualificationFactory(
        enterprise=home[0],
        kind=QualificationKind.HIGH_TECH,
        valid_from=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2027, 12, 31),
    )
    factories.QualificationFactory(
        enterprise=away[0],
        kind=QualificationKind.HIGH_TECH,
        valid_from=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2027, 12, 31),
    )
    return {"xinhua": xinhua, "ruzhou": ruzhou, "home": home, "away": away, "all": home + away}


@pytest.fixture
def run_scoring(django_capture_on_commit_callbacks):
    """Start a run as the command does and let its on-commit dispatch (inline in tests) happen: scored, published,
    placed, planned, warned and matched (pipeline.nightly)."""

    def run(on=RUN_DAY, force=False, chunk_size=None):
        with django_capture_on_commit_callbacks(execute=True):
            started = nightly.start_run(on=on, force=force, chunk_size=chunk_size)
        if started is not None:
            started.refresh_from_db()
        return started

    return run
