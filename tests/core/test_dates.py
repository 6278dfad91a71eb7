"""The one definition of "N years since" (core.dates, 民法典 第二百零二条), and the rules' column version agreeing."""

import datetime

import pandas as pd
import pytest

from core import dates
from scoring import rules

D = datetime.date


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (D(2024, 2, 29), 1, D(2025, 2, 28)),  # no 29 February: the month's last day
        (D(2024, 2, 29), 4, D(2028, 2, 29)),
        (D(2023, 3, 1), 1, D(2024, 3, 1)),
        (D(2024, 12, 31), 1, D(2025, 12, 31)),
    ],
)
def test_anniversary_follows_the_civil_code(day, years, expected):
    assert dates.anniversary(day, years) == expected


def test_a_failed_check_always_has_days_to_wait():
    for day in (D(2024, 2, 29), D(2024, 3, 1), D(2023, 12, 31), D(2025, 1, 1)):
        for on in (D(2025, 2, 27), D(2025, 2, 28), D(2025, 3, 1), D(2025, 12, 31), D(2026, 1, 1)):
            reached = dates.years_reached(day, 1, on)
            assert reached == (dates.days_to_anniversary(day, 1, on) <= 0)


def test_within_last_years_excludes_the_anniversary_itself():
    assert dates.within_last_years(D(2023, 7, 1), 3, D(2026, 6, 30))
    assert not dates.within_last_years(D(2023, 6, 30), 3, D(2026, 6, 30))
    assert not dates.within_last_years(D(2026, 7, 1), 3, D(2026, 6, 30))  # not yet


def test_full_years_since_at_a_leap_day():
    assert dates.full_years_since(D(2024, 2, 29), D(2025, 2, 28)) == 1
    assert dates.full_years_since(D(2024, 2, 29), D(2025, 2, 27)) == 0
    assert dates.full_years_since(D(2024, 2, 29), D(2028, 2, 28)) == 3


def test_the_rules_columns_agree_with_core_dates():
    days = [D(2024, 2, 29), D(2024, 3, 1), D(2023, 12, 31), D(2025, 1, 1), D(2016, 2, 29), D(2020, 6, 30)]
    column = pd.Series(pd.to_datetime(days))
    for on in (D(2025, 2, 28), D(2025, 12, 31), D(2026, 6, 30), D(2028, 2, 28), D(2028, 2, 29)):
        for years in (1, 2, 5):
            reached = rules.anniversary_reached(column, years, on).tolist()
            waits = rules.days_to_anniversary(column, years, on).tolist()
            within = rules.within_last_years(column, years, on).tolist()
            for i, day in enumerate(days):
                assert reached[i] == float(dates.years_reached(day, years, on)), (day, years, on)
                assert waits[i] == dates.days_to_anniversary(day, years, on)
                assert within[i] == dates.within_last_years(day, years, on)
        assert rules.full_years_since(column, on).tolist() == [dates.full_years_since(d, on) for d in days]
