"""Writes of the scoring engine: create a run, score a chunk of firms, publish the run.

A run is split into chunks of consecutive firm ids. Each chunk is scored in one transaction that replaces the
chunk's portraits and marks its ScoringChunk row done, so a task delivered twice does the work once. When every
chunk is done, `publish_run` ranks the firms and flips the run's status to published in one UPDATE: readers, who
only read the newest published run, never see half a run, and a run killed midway leaves the previous one shown.

A run's workers leave a heartbeat on it (a chunk started or finished). The sweep (`recover_stalled_runs`, beat
every minute) sends again the unscored chunks of a run silent for SCORING_RUN_STALL_AFTER_S, or fails it; a failed
run leaves its date free to run again. The run shown is the published one of the latest date, created last: an old
run delivered again late (its chunks, its publication) finds a newer one published and fails itself instead.

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
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

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

    Idempotent: returns None, doing nothing, when an unforced run of that date is published or still making
    progress, unless `force`. A failed run, or one that stopped making progress (failed here), leaves its date free
    to be run again. A forced run replaces any run of that date still running: that one is failed, so that its
    chunks, were they delivered again later, do nothing."""
    on = on or timezone.localdate()
    chunk_size = chunk_size or settings.SCORING_CHUNK_SIZE
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    ranges = [(ids[start], ids[min(start + chunk_size, len(ids)) - 1]) for start in range(0, len(ids), chunk_size)]
    try:
        with transaction.atomic():
            running = ScoringRun.objects.filter(run_date=on, status=ScoringRun.Status.RUNNING)
            fail_runs(running.filter(stalled_before()), reason=stalled_reason())
            if force:
                fail_runs(running, reason=_("Replaced by a forced re-run of the same date."))
            elif ScoringRun.objects.filter(run_date=on, forced=False).exclude(status=ScoringRun.Status.FAILED).exists():
                logger.info("Scoring run of %s exists; nothing started", on)
                return None
            run = ScoringRun.objects.create(
                run_date=on,
                ruleset_year=ruleset_year_in_force(),
                forced=force,
                firms_total=len(ids),
                chunks_total=len(ranges),
                detail_keys=detail_keys(),
                heartbeat_at=timezone.now(),
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


# ---------------------------------------------------------------------------------------------------------------
# Liveness: a run whose workers stopped (killed, lost) is noticed by its heartbeat


def stalled_before() -> Q:
    """Running runs with no sign of life for SCORING_RUN_STALL_AFTER_S (longer than any of their tasks may run)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.SCORING_RUN_STALL_AFTER_S)
    return Q(status=ScoringRun.Status.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


def stalled_reason() -> str:
    return _("Stopped making progress: no chunk finished for %(minutes)d minutes (its worker stopped).") % {
        "minutes": settings.SCORING_RUN_STALL_AFTER_S // 60
    }


def fail_runs(runs, *, reason: str) -> int:
    """Mark the given runs failed (those still running), with `reason`. Their portraits stay, never shown."""
    now = timezone.now()
    return runs.filter(status=ScoringRun.Status.RUNNING).update(
        status=ScoringRun.Status.FAILED, finished_at=now, errors=[reason]
    )


def newer_run_published(run: ScoringRun) -> bool:
    """Whether a run started after `run`, of the same date or a later one, is published: `run` (killed, delivered
    again late) can then never be the one shown, and scoring or publishing it would only waste the night. A run of
    an earlier date started on purpose after a later one (a back-fill) is not superseded by it."""
    return ScoringRun.objects.filter(
        status=ScoringRun.Status.PUBLISHED, pk__gt=run.pk, run_date__gte=run.run_date
    ).exists()


def superseded_reason() -> str:
    return _("Superseded: a newer run was published first.")


@dataclass(frozen=True)
class Recovery:
    requeued: list[int]
    failed: list[int]


def recover_stalled_runs(*, requeue: Callable[[int], None]) -> Recovery:
    """The sweep (beat, every SCORING_SWEEP_EVERY_S): each run that stopped making progress has its unscored chunks
    sent again, `requeue(run_id)` once this commits, up to SCORING_RUN_REQUEUES times; after that, or when a newer
    run is published meanwhile, it is marked failed and its date may be run again. A run being published (its row
    locked) is skipped: it is alive. Chunks of the first sending that arrive later find their chunk done or the run
    failed, and do nothing."""
    requeued, failed = [], []
    with transaction.atomic():
        stalled = list(ScoringRun.objects.select_for_update(skip_locked=True).filter(stalled_before()).order_by("pk"))
        for run in stalled:
            if newer_run_published(run):
                fail_runs(ScoringRun.objects.filter(pk=run.pk), reason=superseded_reason())
                failed.append(run.pk)
            elif run.requeues < settings.SCORING_RUN_REQUEUES:
                ScoringRun.objects.filter(pk=run.pk).update(requeues=F("requeues") + 1, heartbeat_at=timezone.now())
                transaction.on_commit(lambda run_id=run.pk: requeue(run_id))
                requeued.append(run.pk)
            else:
                fail_runs(ScoringRun.objects.filter(pk=run.pk), reason=stalled_reason())
                failed.append(run.pk)
    for run_id in requeued:
        logger.warning("Scoring run %s stopped making progress: its unscored chunks are sent again", run_id)
    for run_id in failed:
        logger.warning("Scoring run %s stopped making progress (or was superseded): marked failed", run_id)
    return Recovery(requeued=requeued, failed=failed)


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
    if newer_run_published(chunk.run):
        # A chunk of an old run delivered again after a newer run was published: the old run can never be shown.
        fail_runs(ScoringRun.objects.filter(pk=run_id), reason=superseded_reason())
        return 0
    ScoringRun.objects.filter(pk=run_id, status=ScoringRun.Status.RUNNING).update(heartbeat_at=timezone.now())
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
            counted = ScoringRun.objects.filter(pk=run_id, status=ScoringRun.Status.RUNNING).update(
                chunks_done=F("chunks_done") + 1,
                firms_scored=F("firms_scored") + len(rows),
                heartbeat_at=timezone.now(),
            )
            if not counted:
                # The run was failed meanwhile (by the sweep, or replaced by a forced re-run): it takes no more
                # portraits; this chunk's are rolled back.
                transaction.set_rollback(True)
                return 0
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
    publication back: the run stays unpublished (redelivered, or re-queued or failed by the sweep) and the
    previous one shown. The row lock on the run and the status check above make the steps happen once per run."""
    with transaction.atomic():
        run = ScoringRun.objects.select_for_update().get(pk=run_id)
        if run.status != ScoringRun.Status.RUNNING:
            return run
        if newer_run_published(run):
            fail_runs(ScoringRun.objects.filter(pk=run_id), reason=superseded_reason())
            run.refresh_from_db()
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
