import datetime

import pytest

from scoring.models import Portrait, ScoringRun
from tests import factories
from tests.scoring.conftest import city, run_scoring  # noqa: F401  (shared fixtures)


@pytest.fixture
def make_run(db):
    """A scoring run of a date, without scoring (its portraits are made by hand). Left "running" so that pages,
    whose portrait panel needs a real run's detail, do not show it; placement does not look at the status."""

    def make(on: datetime.date) -> ScoringRun:
        return ScoringRun.objects.create(run_date=on, ruleset_year=2026, forced=True)

    return make


@pytest.fixture
def make_portrait(db):
    """A portrait with only what placement reads: the tier and the SME flags that explain a T2."""

    def make(run, enterprise, tier, *, sme_passes=False, sme_eligible=True) -> Portrait:
        return Portrait.objects.create(
            run=run, enterprise=enterprise, county_id=enterprise.county_id, tier=tier, readiness=50, sme_score=40,
            sme_eligible=sme_eligible, sme_passes=sme_passes, capability_estimate=50, capability_low=40,
            capability_high=60, conditions_met=4, innovative_sme_score=40, gazelle_candidate=False,
            srdi_candidate=False, above_scale=False, innovative=tier in ("t2", "t3"),
        )  # fmt: skip

    return make


@pytest.fixture
def county_firms(db):
    """Two firms in 新华区 and two in 汝州市, so that scoping tests have another county's data to leak."""
    xinhua, ruzhou = factories.county("410402"), factories.county("410482")
    return {
        "home": factories.EnterpriseFactory.create_batch(2, county=xinhua),
        "away": factories.EnterpriseFactory.create_batch(2, county=ruzhou),
    }
