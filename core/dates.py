"""The one definition of "N years since a date", for every anniversary rule (founding, years in a niche, the "last
N years" windows of awards, standards and financing, certificate terms).

The official texts count in years ("注册成立一年以上", "从事特定细分市场时间达到2年以上", "近三年内", "近五年内"); none
defines the year itself, so the portal follows the Civil Code's rule for periods counted in years
(《中华人民共和国民法典》第二百零二条): "按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，月末日为
期间的最后一日。" The period of N years from day d ends on d's corresponding day N years later, or, for 29 February in
a year without it, on 28 February. So:

- `anniversary(d, n)`: that day (2024-02-29 + 1 year is 2025-02-28; 2023-03-01 + 1 year is 2024-03-01);
- "N years since d" holds on day `on` when `on >= anniversary(d, n)` (a firm founded on 2024-02-29 has been
  registered one year on 2025-02-28);
- the days still to wait are `anniversary(d, n) - on`, positive exactly when the condition fails: a failed condition
  never shows a gap of 0 days;
- "within the last N years" (近N年) holds for an event on day e when `e <= on < anniversary(e, n)`.

`scoring.rules` applies the same definition to whole columns (pandas' DateOffset clamps 29 February the same way;
tests/core/test_dates.py checks the two agree).
"""

import datetime


def anniversary(day: datetime.date, years: int) -> datetime.date:
    """The day `years` years after `day`; 29 February falls on 28 February in a year without it (民法典 §202)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def years_reached(day: datetime.date, years: int, on: datetime.date) -> bool:
    """`years` full years have passed since `day` on `on`."""
    return on >= anniversary(day, years)


def days_to_anniversary(day: datetime.date, years: int, on: datetime.date) -> int:
    """Days from `on` until `years` years have passed since `day`: positive while they have not, 0 or less after."""
    return (anniversary(day, years) - on).days


def full_years_since(day: datetime.date, on: datetime.date) -> int:
    """Whole years passed since `day` on `on` (the largest n with years_reached(day, n, on)), 0 before the first."""
    years = on.year - day.year
    if years > 0 and not years_reached(day, years, on):
        years -= 1
    return max(years, 0)


def within_last_years(day: datetime.date, years: int, on: datetime.date) -> bool:
    """`day` lies within the last `years` years of `on` (近N年): on or before `on`, and N years not yet passed."""
    return day <= on < anniversary(day, years)
