"""The nightly data-quality snapshot: for every firm in business, the rung its tier puts it up for (scoring.needs),
which of that rung's figures have no observation (SourceValue) for the years the rules read, or only observations
older than DATA_FRESH_MONTHS, and whether it is on no department's list (no DepartmentMatch); every firm closed or
moved out that still holds a tier. Then the counts per county, rung and figure the page reads. (Open conflicts are
few and resolved through the day: the page counts them live.)

Set-based: one INSERT … SELECT of the firms' checks (the firms and their needs joined to their observations), in the
order of the firms' names (the firm lists page by id: a firm renamed since sorts by its old name until the next
snapshot), then the counts, in one transaction; the page reads the newest snapshot. Older snapshots than the one
before are deleted. Runs once the night's scoring run is published (pipeline/nightly.py), and by hand
(`manage.py quality_snapshot`).
"""

import calendar
import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.sql import name_literal, name_literals
from cultivation.models import TierPlacement
from enterprises.models import LEFT_POOL_STATUSES, SOURCE_FIELDS, DepartmentMatch, Enterprise, SourceValue
from quality.models import CountyFigure, FirmCheck, QualitySnapshot, RungFigure
from scoring.models import Tier
from scoring.needs import RUNGS

# Each figure's bit in FirmCheck's masks: its place in the registry's list of figures with sources.
FIELD_BITS = {field: 1 << number for number, field in enumerate(SOURCE_FIELDS)}
# The rung a firm is up for, by its tier now (no placement, or outside the pool: the innovation signal).
RUNG_OF_TIER = {Tier.T1: "t2", Tier.T2: "t3", Tier.T3: "strong"}
KEEP_SNAPSHOTS = 2


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the month's last day when it has none)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def fresh_since(on: datetime.date) -> datetime.date:
    return months_before(on, settings.DATA_FRESH_MONTHS)


def latest_year(on: datetime.date) -> int:
    """The latest year the rules read on `on`: the year before (scoring.frames reads years before the run's)."""
    return on.year - 1


def _needs_values() -> str:
    return ", ".join(
        f"({name_literal(rung.key)}, {name_literal(field)}, {FIELD_BITS[field]}, {years})"
        for rung in RUNGS
        for field, years in rung.needs
    )


def _sql_functions() -> dict[str, str]:
    if connection.vendor == "postgresql":
        return {"year_of": "CAST(EXTRACT(YEAR FROM {}) AS integer)", "greatest": "GREATEST", "least": "LEAST"}
    return {"year_of": "CAST(strftime('%%Y', {}) AS integer)", "greatest": "MAX", "least": "MIN"}


def quality_snapshot_compute(*, on: datetime.date | None = None) -> QualitySnapshot:
    """Compute and store the snapshot of `on` (default today)."""
    on = on or timezone.localdate()
    latest, since = latest_year(on), fresh_since(on)
    functions = _sql_functions()
    needs = _needs_values()
    tier_case = " ".join(f"WHEN {name_literal(tier)} THEN {name_literal(rung)}" for tier, rung in RUNG_OF_TIER.items())
    left = name_literals(LEFT_POOL_STATUSES)
    held = name_literals(RUNG_OF_TIER)
    matches = DepartmentMatch._meta.db_table
    enterprise, placement = Enterprise._meta.db_table, TierPlacement._meta.db_table
    observations, checks, figures = SourceValue._meta.db_table, FirmCheck._meta.db_table, RungFigure._meta.db_table
    founded = functions["year_of"].format("e.founded_on")
    # A figure read over several years is missing when a year since the firm's founding has no observation.
    short = "(w.years > 0 AND s.years_seen < %(latest)s - w.first_year + 1)"
    with transaction.atomic():
        snapshot = QualitySnapshot.objects.create(
            as_of=on, latest_year=latest, fresh_since=since, fresh_months=settings.DATA_FRESH_MONTHS
        )
        sql = f"""
            WITH needs(rung, field, bit, years) AS (VALUES {needs}),
            firms AS (
                SELECT e.id, e.county_id, e.name,
                    CASE WHEN e.registration_status IN ({left}) THEN '' ELSE CASE p.tier {tier_case} ELSE 't1' END
                    END AS rung,
                    {founded} AS founded,
                    (e.registration_status NOT IN ({left})
                     AND NOT EXISTS (SELECT 1 FROM {matches} d WHERE d.enterprise_id = e.id)) AS unmatched,
                    (e.registration_status IN ({left}) AND COALESCE(p.tier, '') IN ({held})) AS left_with_tier
                FROM {enterprise} e LEFT JOIN {placement} p ON p.enterprise_id = e.id
                WHERE e.registration_status NOT IN ({left}) OR p.tier IN ({held})
            ),
            wanted AS (
                SELECT f.id, f.county_id, f.rung, n.field, n.bit, n.years,
                    CASE WHEN n.years = 0 THEN NULL ELSE {functions["greatest"]}(
                        %(latest)s - n.years + 1, {functions["least"]}(COALESCE(f.founded, 0), %(latest)s)
                    ) END AS first_year
                FROM firms f JOIN needs n ON n.rung = f.rung
            ),
            seen AS (
                SELECT w.id, w.bit, COUNT(DISTINCT sv.year) AS years_seen, MAX(sv.as_of) AS latest_as_of
                FROM wanted w JOIN {observations} sv ON sv.enterprise_id = w.id AND sv.field = w.field
                    AND ((w.years = 0 AND sv.year IS NULL)
                         OR (w.years > 0 AND sv.year >= w.first_year AND sv.year <= %(latest)s))
                GROUP BY w.id, w.bit
            ),
            masks AS (
                SELECT w.id,
                    SUM(CASE WHEN s.id IS NULL OR {short} THEN w.bit ELSE 0 END) AS missing,
                    SUM(CASE WHEN s.id IS NOT NULL AND NOT {short} AND s.latest_as_of < %(since)s THEN w.bit ELSE 0 END)
                        AS stale
                FROM wanted w LEFT JOIN seen s ON s.id = w.id AND s.bit = w.bit
                GROUP BY w.id
            )
            INSERT INTO {checks} (snapshot_id, enterprise_id, county_id, rung, missing_mask, stale_mask, unmatched,
                                  left_with_tier)
            SELECT %(snapshot)s, f.id, f.county_id, f.rung, COALESCE(m.missing, 0), COALESCE(m.stale, 0),
                f.unmatched, f.left_with_tier
            FROM firms f LEFT JOIN masks m ON m.id = f.id
            ORDER BY f.name, f.id
        """
        params = {"latest": latest, "since": since, "snapshot": snapshot.pk}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.execute(
                f"""
                WITH needs(rung, field, bit, years) AS (VALUES {needs})
                INSERT INTO {figures} (snapshot_id, county_id, rung, field, firms, missing, stale, complete)
                SELECT %(snapshot)s, county_id, rung, '', COUNT(*),
                    SUM(CASE WHEN missing_mask <> 0 THEN 1 ELSE 0 END),
                    SUM(CASE WHEN missing_mask = 0 AND stale_mask <> 0 THEN 1 ELSE 0 END),
                    SUM(CASE WHEN missing_mask = 0 AND stale_mask = 0 THEN 1 ELSE 0 END)
                FROM {checks} WHERE snapshot_id = %(snapshot)s AND rung <> '' GROUP BY county_id, rung
                UNION ALL
                SELECT %(snapshot)s, c.county_id, c.rung, n.field, COUNT(*),
                    SUM(CASE WHEN (c.missing_mask & n.bit) <> 0 THEN 1 ELSE 0 END),
                    SUM(CASE WHEN (c.stale_mask & n.bit) <> 0 THEN 1 ELSE 0 END),
                    SUM(CASE WHEN ((c.missing_mask | c.stale_mask) & n.bit) = 0 THEN 1 ELSE 0 END)
                FROM {checks} c JOIN needs n ON n.rung = c.rung
                WHERE c.snapshot_id = %(snapshot)s GROUP BY c.county_id, c.rung, n.field
                """,
                params,
            )
            cursor.execute(
                f"INSERT INTO {CountyFigure._meta.db_table} (snapshot_id, county_id, unmatched, left_with_tier) "
                "SELECT %(snapshot)s, county_id, SUM(CASE WHEN unmatched THEN 1 ELSE 0 END), "
                f"SUM(CASE WHEN left_with_tier THEN 1 ELSE 0 END) FROM {checks} WHERE snapshot_id = %(snapshot)s "
                "GROUP BY county_id",
                params,
            )
            old = list(QualitySnapshot.objects.order_by("-pk").values_list("pk", flat=True)[KEEP_SNAPSHOTS:])
            if old:
                cursor.execute(f"DELETE FROM {checks} WHERE snapshot_id IN ({', '.join(['%s'] * len(old))})", old)
                QualitySnapshot.objects.filter(pk__in=old).delete()
        snapshot.firms = FirmCheck.objects.filter(snapshot=snapshot).exclude(rung="").count()
        snapshot.save(update_fields=["firms"])
    if connection.vendor == "postgresql":
        # The night's rows are the whole table: without fresh statistics the planner guesses a handful of rows per
        # snapshot and reads a list's every candidate instead of the first page in order.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {checks}")
    return snapshot


def quality_snapshot_once(*, on: datetime.date) -> QualitySnapshot | None:
    """The snapshot of `on`, unless a later day's exists (then None): what the queued task does."""
    if QualitySnapshot.objects.filter(as_of__gt=on).exists():
        return None
    return quality_snapshot_compute(on=on)


def quality_snapshot_from_run(*, run) -> None:
    """The nightly step (pipeline/nightly.py): once the publication with the run's placements commits, queue the
    snapshot as of the run's day (its own task: minutes at 200,000 firms, outside the publishing task's time limit).
    Nothing is queued if the publication rolls back; a failed snapshot leaves the page on the previous one."""
    from quality import tasks

    day = run.run_date.isoformat()
    transaction.on_commit(lambda: tasks.snapshot.delay(day))
