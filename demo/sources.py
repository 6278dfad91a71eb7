"""Where the demo city's figures came from (README "Demo data"): each firm's latest year of figures, the two years
before of the figures some rung reads over several years, and its founding day as observations of their sources
(enterprises.provenance), the department lists that named it, a few open conflicts between sources, and a handful of
firms closed or moved out.

- most firms: the statistics bureau's survey, the patent office's list and, for high-tech firms, the tax bureau's
  high-tech detail (department observations, as of extract days in the last year); matched to those lists and to
  the market regulation register, their founding day from it;
- about 10 % of firms: a county spreadsheet instead; of all firms about 3 % are on no department list at all (no
  DepartmentMatch row: the data-quality page's "matched to no list");
- about 5 %: stale, their observations and matches as of 16 to 20 months ago;
- about 2 %: a county spreadsheet also gives revenue and R&D expense, 8–25 % off the department's (above the
  tolerance): the open conflicts county staff see once reconciled. The values in force are the registry's own (the
  department's, or the only source's), so reconciling changes no figure;
- about 20 firms closed (吊销/注销) or moved out (迁出): a dozen from the start (`seed_sources`), the others among
  firms a tier holds after the first run (`close_placed_firms`, from seed_history), so that the next run moves them
  out with the new causes.

Set-based and deterministic for a seed: the per-firm plan is drawn with numpy and written to a temporary table in
multi-row inserts; the observations are then one INSERT … SELECT per figure from the indicators (portable between
PostgreSQL and SQLite), the matches one more, the conflicts one per figure that has them (`_open_conflicts`).
"""

import datetime

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from cultivation.models import TierPlacement
from enterprises.models import (
    INDICATOR_FIELDS,
    LEFT_POOL_STATUSES,
    AnnualIndicator,
    Conflict,
    ConflictEvent,
    DepartmentList,
    DepartmentMatch,
    Enterprise,
    ReconcileMark,
    RegistrationStatus,
    SourceKind,
    SourceValue,
)
from enterprises.provenance import precedence_rules
from scoring.models import Tier
from scoring.needs import RUNGS

SHARE_UNMATCHED = 0.03
SHARE_SPREADSHEET = 0.10  # of all firms, the unmatched included
SHARE_STALE = 0.05
SHARE_CONFLICT = 0.02
CLOSED_AT_START = 12
CLOSED_AFTER_FIRST_RUN = 8
# Segments of demo.firms (NONE, SIGNAL, SME, HIGH_TECH, LAPSED_SME, EXPIRED_HIGH_TECH), by number: this module is
# imported by demo.firms' callers, not by it.
QUIET_SEGMENTS = (0, 1)
HIGH_TECH_SEGMENT = 3

# The lists as their departments name them (data, in Chinese like the rest of the demo), and the figures each gives.
STATISTICS = "统计局 规模以上企业及研发活动调查（107-1）"
TAX_HIGH_TECH = "税务局 高新技术企业优惠明细（A107041）"
PATENTS = "知识产权局 企业专利拥有量清单"
REGISTRATION = "市场监管局 企业登记信息"
SPREADSHEET = "县区科技局 企业情况统计表.xlsx"
FIGURES = {
    "statistics": (
        "employees",
        "st_personnel",
        "revenue",
        "main_business_revenue",
        "total_costs",
        "rd_expense",
        "rd_expense_domestic",
        "total_assets",
        "total_liabilities",
        "results_converted",
    ),
    "tax": ("high_tech_revenue",),
    "patents": ("invention_patents", "other_class1_ip", "utility_models", "designs", "software_copyrights"),
    "sheet": INDICATOR_FIELDS,
    "conflict": ("revenue", "rd_expense"),
    # The years before the latest, from the same list or sheet a year and two years earlier: the figures some rung's
    # rules read over more than the latest year (scoring.needs), so the data-quality page finds them present.
    "earlier": tuple(sorted({field for rung in RUNGS for field, years in rung.needs if years > 1})),
}
EARLIER_YEARS = (1, 2)
# Days before the demo's day of the lists' extracts (fresh), of stale ones (over 15 months), and of spreadsheets.
FRESH_DAYS = (25, 70, 130, 190, 260, 330)
STALE_DAYS = (490, 540, 600)
SHEET_DAYS = (15, 60, 110, 170)
CLOSING = (RegistrationStatus.DEREGISTERED, RegistrationStatus.REVOKED, RegistrationStatus.MOVED_OUT)

PLAN = "demo_source_plan"
YEAR = datetime.timedelta(days=365)
BATCH = 500


def _plan_rows(firms, segments, *, seed: int, as_of: datetime.date) -> list[tuple]:
    """One row per firm and list: (firm, group of figures, kind, list, as of, year, factor, department list)."""
    rng = np.random.default_rng([seed, 20])
    count = len(firms)
    draw = rng.random(count)
    unmatched, sheet = draw < SHARE_UNMATCHED, draw < SHARE_SPREADSHEET
    stale = rng.random(count) < SHARE_STALE
    conflict = ~sheet & (rng.random(count) < SHARE_CONFLICT / (1 - SHARE_SPREADSHEET))
    fresh_days = rng.choice(FRESH_DAYS, size=count)
    stale_days = rng.choice(STALE_DAYS, size=count)
    sheet_days = rng.choice(SHEET_DAYS, size=count)
    factors = np.round(1 + rng.choice([-1, 1], size=count) * rng.uniform(0.08, 0.25, size=count), 3)
    year = as_of.year - 1
    department, spreadsheet = str(SourceKind.DEPARTMENT), str(SourceKind.SPREADSHEET)

    def day(days) -> datetime.date:
        return as_of - datetime.timedelta(days=int(days))

    rows = []
    for index, firm in enumerate(firms):
        listed = day(stale_days[index] if stale[index] else fresh_days[index])
        if sheet[index]:
            sheet_day = day(stale_days[index] if stale[index] else sheet_days[index])
            rows.append((firm.pk, "sheet", spreadsheet, SPREADSHEET, sheet_day, year, 1, ""))
            rows.append((firm.pk, "founded", spreadsheet, SPREADSHEET, sheet_day, None, 1, ""))
            rows += [
                (firm.pk, "earlier", spreadsheet, SPREADSHEET, sheet_day - YEAR * back, year - back, 1, "")
                for back in EARLIER_YEARS
            ]
            if not unmatched[index]:
                rows.append((firm.pk, "", "", "", listed, None, 1, DepartmentList.MARKET_REGISTRATION.value))
            continue
        rows += [
            (firm.pk, "founded", department, REGISTRATION, listed, None, 1, DepartmentList.MARKET_REGISTRATION.value),
            (firm.pk, "statistics", department, STATISTICS, listed, year, 1, DepartmentList.STATISTICS.value),
            (firm.pk, "patents", department, PATENTS, listed, year, 1, DepartmentList.PATENTS.value),
        ]
        rows += [
            (firm.pk, "earlier", department, STATISTICS, listed - YEAR * back, year - back, 1, "")
            for back in EARLIER_YEARS
        ]
        if segments[index] == HIGH_TECH_SEGMENT:
            tax = DepartmentList.TAX_HIGH_TECH.value
            rows.append((firm.pk, "tax", department, TAX_HIGH_TECH, listed, year, 1, tax))
            rows.append((firm.pk, "", "", "", listed, None, 1, DepartmentList.SCIENCE_HIGH_TECH.value))
        if conflict[index]:
            sheet_day = day(sheet_days[index])
            rows.append((firm.pk, "conflict", spreadsheet, SPREADSHEET, sheet_day, year, float(factors[index]), ""))
    return rows


def seed_sources(*, firms: list[Enterprise], segments: np.ndarray, seed: int, as_of: datetime.date) -> dict:
    """Record the sources of the demo registry just written (`firms` in the order generated, with their keys; their
    demo segments): observations, department matches, the conflicts (by reconciling), and the firms closed from
    the start. Returns the counts."""
    if not firms:
        return {"source_values": 0, "department_matches": 0, "conflicts": 0, "closed": 0}
    rows = _plan_rows(firms, segments, seed=seed, as_of=as_of)
    with transaction.atomic():
        _plan_write(rows)
        try:
            counts = _observe(now=timezone.now())
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {PLAN}")
        quiet = [firm.pk for firm, segment in zip(firms, segments, strict=True) if segment in QUIET_SEGMENTS]
        counts["closed"] = _close(quiet, count=CLOSED_AT_START, seed=seed, as_of=as_of)
        counts["conflicts"] = _open_conflicts(now=timezone.now())
    return counts


def _plan_write(rows: list[tuple]) -> None:
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {PLAN} (enterprise_id bigint, grp varchar(12), kind varchar(16), "
            "source_name varchar(200), as_of date, year integer, factor numeric(6, 3), dept_list varchar(24))"
        )
        if connection.vendor == "postgresql":  # COPY: a tenth of the multi-row inserts' time
            with cursor.copy(f"COPY {PLAN} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"ANALYZE {PLAN}")
            return
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params = []
            for firm, group, kind, name, day, year, factor, listed in chunk:
                params += [firm, group, kind, name, ops.adapt_datefield_value(day), year, factor, listed]
            cursor.execute(f"INSERT INTO {PLAN} VALUES {values}", params)


def _observe(*, now: datetime.datetime) -> dict:
    """The observations and the department matches of the plan: one INSERT … SELECT per figure, one for the
    founding days, one for the matches."""
    sv, ai, firm, dm = (
        SourceValue._meta.db_table,
        AnnualIndicator._meta.db_table,
        Enterprise._meta.db_table,
        DepartmentMatch._meta.db_table,
    )
    columns = (
        "enterprise_id, year, field, value, value_date, source_kind, source_name, document, as_of, recorded_at, "
        "import_job_id, actor_id"
    )
    recorded = connection.ops.adapt_datetimefield_value(now)
    observed = 0
    with connection.cursor() as cursor:
        for group, fields in FIGURES.items():
            for field in fields:
                value = f"ROUND(ai.{field} * p.factor, 2)" if group == "conflict" else f"ai.{field}"
                cursor.execute(
                    f"INSERT INTO {sv} ({columns}) SELECT ai.enterprise_id, ai.year, %s, {value}, NULL, p.kind, "
                    f"p.source_name, '', p.as_of, %s, NULL, NULL FROM {PLAN} p JOIN {ai} ai "
                    "ON ai.enterprise_id = p.enterprise_id AND ai.year = p.year WHERE p.grp = %s",
                    [field, recorded, group],
                )
                observed += cursor.rowcount
        cursor.execute(
            f"INSERT INTO {sv} ({columns}) SELECT e.id, NULL, 'founded_on', NULL, e.founded_on, p.kind, "
            f"p.source_name, '', p.as_of, %s, NULL, NULL FROM {PLAN} p JOIN {firm} e ON e.id = p.enterprise_id "
            "WHERE p.grp = 'founded' AND e.founded_on IS NOT NULL",
            [recorded],
        )
        observed += cursor.rowcount
        cursor.execute(
            f"INSERT INTO {dm} (enterprise_id, department_list, as_of, import_job_id, matched_at) "
            f"SELECT enterprise_id, dept_list, MAX(as_of), NULL, %s FROM {PLAN} WHERE dept_list <> '' "
            "GROUP BY enterprise_id, dept_list",
            [recorded],
        )
        matched = cursor.rowcount
    return {"source_values": observed, "department_matches": matched}


def _open_conflicts(*, now: datetime.datetime) -> int:
    """The open conflicts between the department's revenue and R&D expense and the spreadsheet's differing ones, as
    the reconciliation finds them (its rule: a current value of another source differing from the one in force by
    more than the figure's tolerances, absolute and relative); written here in one statement per figure because
    the reconciliation's portable path (pandas, for SQLite) takes a quarter of a minute over the demo's
    observations. The next nightly reconciliation finds the same pairs and adds none. The department is first in
    the default order (enterprises.provenance.DEFAULT_ORDER): the values in force are the department's."""
    sv, table = SourceValue._meta.db_table, Conflict._meta.db_table
    rules = precedence_rules()
    created = connection.ops.adapt_datetimefield_value(now)
    opened = 0
    with connection.cursor() as cursor:
        for field in FIGURES["conflict"]:
            rule = rules[field]
            order = list(rule.order)
            department, spreadsheet = str(SourceKind.DEPARTMENT), str(SourceKind.SPREADSHEET)
            if department not in order or spreadsheet not in order:
                continue
            if order.index(spreadsheet) < order.index(department):
                continue
            cursor.execute(
                f"INSERT INTO {table} (enterprise_id, year, field, winning_id, other_id, status, reason, created_at) "
                f"SELECT w.enterprise_id, w.year, w.field, w.id, o.id, %s, '', %s FROM {sv} o JOIN {sv} w "
                "ON w.enterprise_id = o.enterprise_id AND w.year = o.year AND w.field = o.field AND w.source_kind = %s "
                "WHERE o.source_kind = %s AND o.field = %s AND ABS(o.value - w.value) > %s "
                "AND ABS(o.value - w.value) > %s * (CASE WHEN ABS(o.value) > ABS(w.value) THEN ABS(o.value) "
                "ELSE ABS(w.value) END)",
                [
                    str(Conflict.Status.OPEN),
                    created,
                    department,
                    spreadsheet,
                    field,
                    float(rule.abs_tolerance),  # floats: SQLite compares a Decimal parameter as text
                    float(rule.rel_tolerance),
                ],
            )
            opened += cursor.rowcount
    return opened


def _close(candidates: list[int], *, count: int, seed: int, as_of: datetime.date) -> int:
    """Close or move out `count` of `candidates` (firm ids) without a firm account (the demo logins keep their
    firms), chosen by the seed; each status as of a day in the last two months."""
    with_accounts = set(Enterprise.objects.filter(users__isnull=False).values_list("pk", flat=True))
    pool = sorted(set(candidates) - with_accounts)
    if not pool:
        return 0
    rng = np.random.default_rng([seed, 21, len(pool)])
    chosen = rng.permutation(np.array(pool, dtype=np.int64))[:count]
    days = rng.integers(5, 60, size=len(chosen))
    firms = list(Enterprise.objects.filter(pk__in=[int(pk) for pk in chosen]).order_by("pk"))
    by_pk = {int(pk): number for number, pk in enumerate(chosen)}
    for firm in firms:
        number = by_pk[firm.pk]
        firm.registration_status = CLOSING[number % len(CLOSING)]
        firm.status_as_of = as_of - datetime.timedelta(days=int(days[number]))
    Enterprise.objects.bulk_update(firms, ["registration_status", "status_as_of", "updated_at"])
    return len(firms)


def close_placed_firms(*, seed: int, as_of: datetime.date) -> int:
    """After the first run (seed_history): close or move out a few firms a tier holds, so that the next run moves
    them out of the pool with the new causes. Once: nothing when firms held in a tier are already closed."""
    held = TierPlacement.objects.filter(tier__in=[Tier.T1, Tier.T2, Tier.T3])
    if held.filter(enterprise__registration_status__in=LEFT_POOL_STATUSES).exists():
        return 0
    candidates = list(held.order_by("enterprise_id").values_list("enterprise_id", flat=True))
    return _close(candidates, count=CLOSED_AFTER_FIRST_RUN, seed=seed + 1, as_of=as_of)


def clear_sources() -> None:
    """Remove the demo's observations, conflicts and matches in a few statements (the firms' cascade would load
    every row first)."""
    with connection.cursor() as cursor:
        for model in (ConflictEvent, Conflict, SourceValue, DepartmentMatch):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
    ReconcileMark.objects.all().delete()
