"""Writes of the dashboards: the refresh of every aggregate, its scheduling after the changes that move a figure,
and the city's targets.

`refresh_dashboard` reads the registry once (dashboards.computing), then writes a new DashboardRefresh with all its
rows in one short transaction; pages read the newest refresh, so they never see half of one. It runs nightly once
the scoring run's publication commits (the last step of the nightly pipeline, pipeline/nightly.py), and after the
changes that move a figure (a claim granted or paid, an import committed, a campaign outcome, officers assigned, a
pin): the services making those changes call `schedule_refresh`, (dashboards.scheduling), which queues one refresh
when their transaction commits, and no second one while one is still queued.
"""

import logging
import time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from core import bulk
from dashboards.computing import (
    CENTS,
    county_counts,
    firm_flags,
    firm_rows,
    load_inputs,
    month_movements,
    points_for,
    score_bins,
    tier_counts,
    voucher_spend,
)
from dashboards.figures import MONEY_COLUMNS
from dashboards.models import (
    CountyFigures,
    DashboardPoint,
    DashboardRefresh,
    DashboardTargets,
    FirmFigure,
    MonthMovements,
    PointKind,
    RefreshTrigger,
    ScoreBin,
    VoucherSpend,
)
from dashboards.permissions import may_set_targets
from scoring.models import Tier
from scoring.selectors import ruleset_in_force

logger = logging.getLogger(__name__)

# Refreshes kept: the newest, which pages read, and the one before it, which a page begun just before may still read.
REFRESHES_KEPT = 2


def refresh_dashboard(
    *, trigger: str = RefreshTrigger.MANUAL, now=None, timings: dict | None = None
) -> DashboardRefresh:
    """Recompute every aggregate from the registry as it is now; returns the new refresh. `timings`, when given,
    receives the seconds spent reading, computing and writing."""
    started = time.monotonic()
    now = now or timezone.now()
    ruleset = ruleset_in_force()
    points = points_for(now=now, trend_years=settings.DASHBOARD_TREND_YEARS)
    current = points[0]
    inputs = load_inputs(points, ruleset)
    read = time.monotonic()
    counts = []
    for point in points:
        flags = firm_flags(inputs, point)
        counts.append(county_counts(inputs, point, flags))
        if point.kind == PointKind.CURRENT:
            firms = firm_rows(inputs, flags)
    spend = voucher_spend(inputs, current)
    computed = time.monotonic()
    tiers = tier_counts()
    bins = score_bins()
    movements = month_movements(current.as_of)
    panels = time.monotonic()

    with transaction.atomic():
        refresh = DashboardRefresh.objects.create(
            computed_at=now,
            as_of=current.as_of,
            trigger=trigger,
            ruleset_year=ruleset.year,
            firms=len(inputs.firm_ids),
            duration_s=0,
        )
        point_rows = DashboardPoint.objects.bulk_create(
            DashboardPoint(
                refresh=refresh, kind=point.kind, as_of=point.as_of, year=point.year,
                voucher_budget=inputs.budgets.get(point.year),
            )
            for point in points
        )  # fmt: skip
        CountyFigures.objects.bulk_create(
            figures
            for point, point_row, frame in zip(points, point_rows, counts, strict=True)
            for figures in _county_figures(point_row, frame, tiers if point.kind == PointKind.CURRENT else None)
        )
        ScoreBin.objects.bulk_create(
            ScoreBin(refresh=refresh, county_id=county_id, tier=tier, lower=lower, firms=number)
            for county_id, tier, lower, number in bins
        )
        MonthMovements.objects.bulk_create(
            MonthMovements(refresh=refresh, county_id=county_id, month=month, up=up, down=down)
            for county_id, month, up, down in movements
        )
        VoucherSpend.objects.bulk_create(
            VoucherSpend(
                refresh=refresh, county_id=row.county_id, kind_code=row.kind_code, kind_name=row.kind_name,
                granted_claims=row.granted_claims, granted=_yuan(row.granted), paid=_yuan(row.paid),
            )
            for row in spend.itertuples()
        )  # fmt: skip
        _write_firm_figures(refresh.pk, firms)
        _prune(keep_from=refresh.pk)
        refresh.duration_s = time.monotonic() - started
        DashboardRefresh.objects.filter(pk=refresh.pk).update(duration_s=refresh.duration_s)
    if timings is not None:
        timings.update(read_s=read - started, compute_s=computed - read, panels_s=panels - computed,
                       write_s=time.monotonic() - panels)  # fmt: skip
    logger.info("Dashboard refreshed (%s): %s firms in %.2f s", trigger, refresh.firms, refresh.duration_s)
    return refresh


def _yuan(cents) -> Decimal:
    return Decimal(int(cents)) / CENTS


def _county_figures(point_row: DashboardPoint, frame, tiers):
    """CountyFigures of one point: one row per county (index of `frame`), money back in yuan."""
    for county_id, values in frame.iterrows():
        row = {name: int(value) for name, value in values.items()}
        for name in MONEY_COLUMNS:
            row[name] = _yuan(row[name])
        if tiers is not None:
            per_tier = tiers.get(county_id, {})
            row.update({f"tier_{tier.value}": per_tier.get(tier.value, 0) for tier in Tier})
        yield CountyFigures(point=point_row, county_id=county_id, **row)


FIRM_FIGURE_COLUMNS = [bulk.Column(name, bulk.INT8) for name in ("refresh_id", "enterprise_id", "county_id", "flags")]


def _write_firm_figures(refresh_id: int, firms) -> None:
    """The current figures' firms: binary COPY on PostgreSQL (core.bulk), else in batches."""
    if firms.empty:
        return
    rows = firms.assign(refresh_id=refresh_id)[[column.name for column in FIRM_FIGURE_COLUMNS]]
    if connection.vendor == "postgresql":
        bulk.copy_binary(FirmFigure._meta.db_table, FIRM_FIGURE_COLUMNS, rows)
        return
    FirmFigure.objects.bulk_create((FirmFigure(**record) for record in rows.to_dict(orient="records")), batch_size=2000)


def _prune(*, keep_from: int) -> None:
    """Delete the refreshes before the REFRESHES_KEPT newest (those up to `keep_from`)."""
    kept = list(
        DashboardRefresh.objects.filter(pk__lte=keep_from).order_by("-pk").values_list("pk", flat=True)[:REFRESHES_KEPT]
    )
    stale = DashboardRefresh.objects.filter(pk__lt=min(kept))
    # The firms' rows first, in one statement (they are the bulk of what goes).
    FirmFigure.objects.filter(refresh__in=stale).delete()
    stale.delete()


# ---------------------------------------------------------------------------------------------------------------
# Targets


def targets_save(*, year: int, actor, **values) -> DashboardTargets:
    """Set the city's targets of `year` (the city administrator only). Empty values mean no target."""
    if not may_set_targets(actor):
        raise PermissionDenied
    fields = {name: values.get(name) for name in DashboardTargets.COUNT_FIELDS + DashboardTargets.RATIO_FIELDS}
    targets, _created = DashboardTargets.objects.update_or_create(year=year, defaults={**fields, "updated_by": actor})
    return targets
