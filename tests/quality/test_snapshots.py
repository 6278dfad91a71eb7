import datetime

import pytest

from quality.models import CountyFigure, FirmCheck, QualitySnapshot, RungFigure
from quality.snapshots import FIELD_BITS, months_before, quality_snapshot_compute, quality_snapshot_once
from scoring.needs import IP_FIELDS, RUNG_BY_KEY
from tests.quality.conftest import ON


def _mask(*fields) -> int:
    return sum(FIELD_BITS[field] for field in fields)


def _checks(snapshot):
    rows = FirmCheck.objects.filter(snapshot=snapshot).select_related("enterprise")
    return {row.enterprise.name: row for row in rows}


def test_months_before_keeps_the_day_or_the_months_last():
    assert months_before(datetime.date(2026, 6, 30), 15) == datetime.date(2025, 3, 30)
    assert months_before(datetime.date(2026, 5, 31), 15) == datetime.date(2025, 2, 28)


def test_snapshot_marks_missing_and_stale_figures_per_firm(quality_city):
    snapshot = quality_snapshot_compute(on=ON)
    checks = _checks(snapshot)

    assert (snapshot.latest_year, snapshot.fresh_since, snapshot.firms) == (2025, datetime.date(2025, 3, 30), 4)
    # Firms that left the city or closed are up for no rung; one that still holds a tier is marked so.
    assert set(checks) == {"信号科技", "科小科技", "新创科技", "汝州科技", "迁出科技"}
    assert (checks["迁出科技"].rung, checks["迁出科技"].left_with_tier) == ("", True)
    assert {name for name, row in checks.items() if row.unmatched} == {"信号科技", "新创科技", "汝州科技"}
    signal = checks["信号科技"]
    assert (signal.rung, signal.missing_mask, signal.stale_mask) == ("t1", _mask(*IP_FIELDS), _mask("st_personnel"))
    assert (checks["科小科技"].rung, checks["科小科技"].missing_mask, checks["科小科技"].stale_mask) == ("t2", 0, 0)
    # Founded in 2024: its three-year figures are needed from 2024 on; its founding date has no observation.
    young = checks["新创科技"]
    assert (young.rung, young.missing_mask, young.stale_mask) == ("t3", _mask("founded_on"), 0)
    # Observations of conflicting figures count as observed: revenue and employees are not read by T1.
    far = checks["汝州科技"]
    assert far.missing_mask == _mask(*(field for field, _years in RUNG_BY_KEY["t1"].needs))


def test_snapshot_counts_per_county_rung_and_figure(quality_city):
    snapshot = quality_snapshot_compute(on=ON)
    figures = {
        (row.county.code, row.rung, row.field): (row.firms, row.missing, row.stale, row.complete)
        for row in RungFigure.objects.filter(snapshot=snapshot).select_related("county")
    }
    assert figures["410402", "t1", ""] == (1, 1, 0, 0)
    assert figures["410402", "t1", "st_personnel"] == (1, 0, 1, 0)
    assert figures["410402", "t1", "rd_expense"] == (1, 0, 0, 1)
    assert figures["410402", "t1", "designs"] == (1, 1, 0, 0)
    assert figures["410402", "t2", ""] == (1, 0, 0, 1)
    assert figures["410402", "t3", ""] == (1, 1, 0, 0)
    assert figures["410402", "t3", "revenue"] == (1, 0, 0, 1)
    assert figures["410482", "t1", ""] == (1, 1, 0, 0)
    assert ("410402", "strong", "") not in figures  # nobody in business holds T3
    counties = {row.county.code: (row.unmatched, row.left_with_tier) for row in CountyFigure.objects.all()}
    assert counties == {"410402": (2, 1), "410482": (1, 0)}


def test_a_stale_year_counts_once_the_latest_observation_is_fresh(quality_city):
    """Freshness is the figure's latest observation over the years read: an old year reported long ago is fine when
    a later year's report is recent."""
    snapshot = quality_snapshot_compute(on=ON)
    assert _checks(snapshot)["信号科技"].stale_mask & FIELD_BITS["rd_expense"] == 0


def test_only_the_two_newest_snapshots_are_kept(quality_city):
    first = quality_snapshot_compute(on=ON)
    quality_snapshot_compute(on=ON)
    third = quality_snapshot_compute(on=ON)
    assert list(QualitySnapshot.objects.values_list("pk", flat=True)) == [third.pk, third.pk - 1]
    assert not FirmCheck.objects.filter(snapshot_id=first.pk).exists()


@pytest.mark.parametrize("months", [3])
def test_the_fresh_period_is_a_setting(quality_city, settings, months):
    settings.DATA_FRESH_MONTHS = months  # FRESH (2026-03-01) is now older than 2026-03-30
    snapshot = quality_snapshot_compute(on=ON)
    assert _checks(snapshot)["科小科技"].missing_mask == 0
    assert _checks(snapshot)["科小科技"].stale_mask == _mask(*(f for f, _y in RUNG_BY_KEY["t2"].needs))


def test_a_snapshot_task_turning_up_late_does_nothing(quality_city):
    later = quality_snapshot_compute(on=ON + datetime.timedelta(days=1))
    assert quality_snapshot_once(on=ON) is None
    assert list(QualitySnapshot.objects.all()) == [later]
    assert quality_snapshot_once(on=ON + datetime.timedelta(days=2)).as_of == ON + datetime.timedelta(days=2)
