"""Writes of the scoring engine: create a run, score a chunk of firms, publish the run.

A run is split into chunks of consecutive firm ids. Each chunk is scored in one transaction that replaces the
chunk's portraits and marks its ScoringChunk row done, so a task delivered twice does the work once. When every
chunk is done, `publish_run` ranks the firms and flips the run's status to published in one UPDATE: readers, who
only read the newest published run, never see half a run, and a run killed midway leaves the previous one shown.

Who runs the chunks and what else happens when a run is published is the caller's: the nightly pipeline
(pipeline/nightly.py) dispatches the chunks and hands `publish_run` the steps of the apps above (placement, plans,
warnings, policy matching), which it runs in its transaction.
"""

import datetime
import io
import json
import logging
import time
from collections.abc import Callable, Sequence

import pandas as pd
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from enterprises.models import Enterprise
from rulesets import get_ruleset
from scoring import rules
from scoring.frames import load_achievements, load_frame
from scoring.models import Portrait, PortraitRank, ScoringChunk, ScoringRun
from scoring.selectors import ruleset_year_in_force

logger = logging.getLogger(__name__)

# Result columns that become Portrait columns; everything the rules return also goes into `detail`.
PORTRAIT_COLUMNS = {
    "tier": "tier",
    "readiness": "readiness",
    "sme_score": "sme_score",
    "sme_eligible": "sme_eligible",
    "sme_passes": "sme_passes",
    "cap_estimate": "capability_estimate",
    "cap_low": "capability_low",
    "cap_high": "capability_high",
    "ht_conditions_met": "conditions_met",
    "isme_score": "innovative_sme_score",
    "isme_passes": "innovative_sme_passes",
    "gazelle_candidate": "gazelle_candidate",
    "srdi_candidate": "srdi_candidate",
    "size_class": "size_class",
    "above_scale": "above_scale",
    "innovative": "innovative",
    "cap_sales_growth": "revenue_growth",
    "tag_mask": "tag_mask",
}
# Input figures a portrait keeps beside the results, so its page explains itself even after the data changes.
# `ip_from_register`: whether the IP counts came from the patent register (true) or the indicators (false).
DETAIL_INPUTS = ("n_years", "latest_year", "ip_from_register")
DETAIL_DOUBLE_PRECISION = 6


# ---------------------------------------------------------------------------------------------------------------
# Creating a run


def create_run(
    *, on: datetime.date | None = None, force: bool = False, user=None, chunk_size: int | None = None
) -> ScoringRun | None:
    """Create the run of `on` (default today) with its chunks, in one transaction; scoring them is the caller's
    (pipeline.nightly.start_run dispatches them once this commits).

    Idempotent: returns None, doing nothing, when an unforced run of that date exists, unless `force`."""
    on = on or timezone.localdate()
    chunk_size = chunk_size or settings.SCORING_CHUNK_SIZE
    fail_stale_runs()
    if not force and ScoringRun.objects.filter(run_date=on, forced=False).exists():
        logger.info("Scoring run of %s exists; nothing started", on)
        return None
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    ranges = [(ids[start], ids[min(start + chunk_size, len(ids)) - 1]) for start in range(0, len(ids), chunk_size)]
    try:
        with transaction.atomic():
            run = ScoringRun.objects.create(
                run_date=on,
                ruleset_year=ruleset_year_in_force(),
                forced=force,
                firms_total=len(ids),
                chunks_total=len(ranges),
                detail_keys=detail_keys(),
                requested_by=user if user is not None and user.is_authenticated else None,
            )
            ScoringChunk.objects.bulk_create(
                ScoringChunk(run=run, number=number, first_id=first, last_id=last)
                for number, (first, last) in enumerate(ranges)
            )
    except IntegrityError:
        # Another start of the same day won the race.
        logger.info("Scoring run of %s started concurrently; nothing started", on)
        return None
    return run


def fail_stale_runs() -> int:
    """Mark failed the runs still 'running' long after any run could (their workers were killed)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.SCORING_RUN_STALE_AFTER_S)
    return ScoringRun.objects.filter(status=ScoringRun.Status.RUNNING, started_at__lt=cutoff).update(
        status=ScoringRun.Status.FAILED,
        finished_at=timezone.now(),
        errors=[f"Abandoned: still running after {settings.SCORING_RUN_STALE_AFTER_S} s (worker lost)."],
    )


# ---------------------------------------------------------------------------------------------------------------
# Scoring a chunk


def score_chunk(*, run_id: int, number: int) -> int:
    """Score the chunk's firms and write their portraits, once. Returns the number of firms written.

    Failures are recorded on the chunk (and so fail the run at publication) instead of being raised, so that the
    chord still reaches its publication step."""
    started = time.monotonic()
    chunk = ScoringChunk.objects.select_related("run").get(run_id=run_id, number=number)
    if chunk.status == ScoringChunk.Status.DONE or chunk.run.status != ScoringRun.Status.RUNNING:
        return 0
    try:
        ruleset = get_ruleset(chunk.run.ruleset_year)
        bounds = {"first_id": chunk.first_id, "last_id": chunk.last_id, "on": chunk.run.run_date}
        frame = load_frame(**bounds)
        result = rules.score(frame, ruleset, chunk.run.run_date, load_achievements(**bounds))
        rows = portrait_rows(frame, result, run_id=run_id)
        with transaction.atomic():
            locked = ScoringChunk.objects.select_for_update().get(pk=chunk.pk)
            if locked.status == ScoringChunk.Status.DONE:
                return 0
            Portrait.objects.filter(
                run_id=run_id, enterprise_id__gte=chunk.first_id, enterprise_id__lte=chunk.last_id
            ).delete()
            write_portraits(rows)
            ScoringChunk.objects.filter(pk=chunk.pk).update(
                status=ScoringChunk.Status.DONE, firms=len(rows), duration_s=time.monotonic() - started, error=""
            )
            ScoringRun.objects.filter(pk=run_id).update(
                chunks_done=F("chunks_done") + 1, firms_scored=F("firms_scored") + len(rows)
            )
    except Exception as error:
        logger.exception("Scoring chunk %s of run %s failed", number, run_id)
        ScoringChunk.objects.filter(pk=chunk.pk).update(
            status=ScoringChunk.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        return 0
    return len(rows)


def portrait_rows(frame: pd.DataFrame, result: pd.DataFrame, *, run_id: int) -> pd.DataFrame:
    """The Portrait table's rows for a scored frame: the indexed columns, and `detail` as one JSON text per firm."""
    rows = result[list(PORTRAIT_COLUMNS)].rename(columns=PORTRAIT_COLUMNS)
    rows.insert(0, "run_id", run_id)
    rows.insert(1, "enterprise_id", result.index.to_numpy())
    rows.insert(2, "county_id", frame["county_id"].to_numpy())
    rows.insert(3, "industry_division", frame["industry_division"].to_numpy())
    rows["detail"] = detail_texts(detail_frame(frame, result))
    return rows.reset_index(drop=True)


def detail_frame(frame: pd.DataFrame, result: pd.DataFrame) -> pd.DataFrame:
    """The values each portrait keeps in `detail`, in the order of `detail_keys`: numbers, booleans or null."""
    detail = pd.concat([frame[list(DETAIL_INPUTS)], result.drop(columns=list(PORTRAIT_COLUMNS))], axis=1)
    return detail.astype({name: float for name in detail.columns if detail[name].dtype.kind in "iuf"})


def detail_keys() -> list[str]:
    """The names of the detail values (the same for every chunk of a run: the rules' columns are fixed)."""
    from scoring.frames import empty_frame_for

    frame = empty_frame_for([0])
    return list(detail_frame(frame, rules.score(frame, get_ruleset(), timezone.localdate())).columns)


def detail_texts(detail: pd.DataFrame) -> list[str]:
    """One JSON array per row, encoded by pandas in C (no Python loop over firms)."""
    if detail.empty:
        return []
    if any(dtype.kind not in "biuf" for dtype in detail.dtypes):
        raise TypeError("detail values must be numbers or booleans")
    text = detail.to_json(orient="values", double_precision=DETAIL_DOUBLE_PRECISION)
    # "[[a,b],[c,d]]": no value contains a bracket, so splitting on "],[" separates the rows.
    return [f"[{values}]" for values in text[2:-2].split("],[")]


def write_portraits(rows: pd.DataFrame) -> None:
    """Insert the rows: COPY on PostgreSQL, bulk_create elsewhere. Runs inside the caller's transaction."""
    if rows.empty:
        return
    columns = list(rows.columns)
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        rows.to_csv(buffer, header=False, index=False)
        table = Portrait._meta.db_table
        statement = (
            f"COPY {table} ({', '.join(columns)}) FROM STDIN "
            "WITH (FORMAT csv, FORCE_NOT_NULL (industry_division, size_class))"
        )
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(buffer.getvalue())
        return
    records = rows.astype(object).where(rows.notna(), None).to_dict(orient="records")
    Portrait.objects.bulk_create(
        (Portrait(**{**record, "detail": json.loads(record["detail"])}) for record in records), batch_size=2000
    )


# ---------------------------------------------------------------------------------------------------------------
# Publishing

PERCENTILE_SQL = """
INSERT INTO {ranks} (portrait_id, in_county, in_industry)
SELECT id,
       PERCENT_RANK() OVER (PARTITION BY county_id ORDER BY innovative_sme_score),
       PERCENT_RANK() OVER (PARTITION BY industry_division ORDER BY innovative_sme_score)
FROM {portraits} WHERE run_id = %s
"""


def publish_run(*, run_id: int, steps: Sequence[Callable[..., object]] = ()) -> ScoringRun:
    """Rank the run's firms and publish it, in one transaction whose last statement flips the status; or fail it
    when a chunk failed or is missing. A second call (a redelivered task) finds the run no longer running.

    `steps`: the caller's work of publication, each called as `step(run=run)` in order, in the same transaction
    after the flip. Readers then never see a published run without it, and a step that raises rolls the whole
    publication back: the run stays unpublished (redelivered, or failed as stale by the next start) and the
    previous one shown. The row lock on the run and the status check above make the steps happen once per run."""
    with transaction.atomic():
        run = ScoringRun.objects.select_for_update().get(pk=run_id)
        if run.status != ScoringRun.Status.RUNNING:
            return run
        chunks = list(ScoringChunk.objects.filter(run_id=run_id).values("number", "status", "error"))
        errors = [f"chunk {c['number']}: {c['error']}" for c in chunks if c["status"] == ScoringChunk.Status.FAILED]
        missing = [c["number"] for c in chunks if c["status"] == ScoringChunk.Status.PENDING]
        if missing:
            errors.append(f"chunks not scored: {', '.join(map(str, missing[:20]))}")
        if errors:
            now = timezone.now()
            ScoringRun.objects.filter(pk=run_id).update(
                status=ScoringRun.Status.FAILED,
                errors=errors,
                finished_at=now,
                duration_s=(now - run.started_at).total_seconds(),
            )
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    PERCENTILE_SQL.format(ranks=PortraitRank._meta.db_table, portraits=Portrait._meta.db_table),
                    [run_id],
                )
            counts = dict(
                Portrait.objects.filter(run_id=run_id).order_by().values_list("tier").annotate(firms=Count("pk"))
            )
            now = timezone.now()
            ScoringRun.objects.filter(pk=run_id).update(
                status=ScoringRun.Status.PUBLISHED,
                tier_counts=counts,
                finished_at=now,
                duration_s=(now - run.started_at).total_seconds(),
            )
            for step in steps:
                step(run=run)
    run.refresh_from_db()
    if run.status == ScoringRun.Status.PUBLISHED:
        logger.info("Scoring run %s published: %s firms in %.1f s", run_id, run.firms_scored, run.duration_s)
    else:
        logger.warning("Scoring run %s failed: %s", run_id, "; ".join(run.errors))
    return run
