"""The night, step by step: what the portal does each night, in order, and which app does each step.

Beat starts `run_night` (task `pipeline.nightly_run`) at SCORING_NIGHTLY_AT:

  0. Effective values reconciled from their sources       enterprises.provenance.reconcile (set-based, idempotent)
  1. Patents re-evaluated as of the day                   ip.services.evaluate_patents
  2. The scoring run created, its chunks scored           scoring.services.create_run, then score_chunk per chunk
                                                          (a chord of `scoring.score_chunk` tasks over all workers)
  3. The run ranked and published, in one transaction     scoring.services.publish_run (task `pipeline.publish_run`,
                                                          the chord's callback), and in that same transaction:
       a. every firm placed in its tier                   cultivation.services.place_from_run
       b. the firms' plans: gaps opened, refreshed, closed cultivation.plans.plan_gaps_from_run
          (and the open tasks of firms closed or moved out dropped)
       c. warnings raised, refreshed, auto-resolved       cultivation.warnings.warnings_from_run
       d. the policies each firm meets or nearly meets    policies.matching.match_from_run
       e. officers of firms closed or moved out released  officers.services.assignments_end_for_departed_firms
  4. Once that commits: the dashboards refreshed          dashboards.scheduling.schedule_refresh (trigger: scoring)
  5. Once that commits: the data-quality snapshot queued  quality.snapshots.quality_snapshot_from_run (task
                                                          `quality.snapshot`: the firms' missing and out-of-date
                                                          figures for the rung their new tier puts them up for;
                                                          a failure keeps the previous one)

`recompute_portraits`, `run_now` and the tests start at step 2 (`start_run`).

What holds, step by step:
- A chunk task delivered twice writes its portraits once (scoring.services.score_chunk).
- Steps 3a–e run inside the publishing transaction, not after it: readers never see a published run whose firms
  still sit in yesterday's tiers, plans, warnings or matches. A step that fails rolls the whole publication back:
  the run stays unpublished with nothing of 3 written (a redelivered task publishes it again, or the sweep
  re-queues or fails it: scoring.services.recover_stalled_runs) and the previous run stays shown. The run's row
  lock and status check make publication happen once, so a redelivered publish task does nothing and every step happens
  once per run (each is also idempotent per run on its own). Each is a few set-based statements, seconds at
  200,000 firms.
- Step 4 is queued when that transaction commits (the dashboards read aggregates of all the above): a publication
  rolled back queues no refresh.
- A run whose workers stop (killed, lost) is noticed by its heartbeat: the sweep (task `pipeline.sweep_runs`, beat
  every SCORING_SWEEP_EVERY_S) sends its unscored chunks again once, then fails it; its date can then run again.
  A run never replaces a newer one as the one shown (scoring.selectors.current_run orders by date, then creation;
  an old run's chunk or publication arriving after a newer run is published fails the old run instead).
- Without a broker (tests, `recompute_portraits --inline`, `make run`) every step runs in this process, in order.
"""

import datetime
import logging

from celery import chord, current_app
from django.db import transaction
from django.utils import timezone

from cultivation.plans import plan_gaps_from_run
from cultivation.services import place_from_run
from cultivation.warnings import warnings_from_run
from dashboards.models import RefreshTrigger
from dashboards.scheduling import schedule_refresh
from enterprises.provenance import reconcile
from ip.services import evaluate_patents
from officers.services import assignments_end_for_departed_firms
from policies.matching import match_from_run
from quality.snapshots import quality_snapshot_from_run
from scoring.models import ScoringRun
from scoring.selectors import chunk_numbers
from scoring.services import Recovery, create_run, publish_run, recover_stalled_runs, score_chunk

logger = logging.getLogger(__name__)


def refresh_dashboards(*, run: ScoringRun) -> None:
    """Step 4: queued now, sent once the publishing transaction commits (nothing if it rolls back)."""
    schedule_refresh(trigger=RefreshTrigger.SCORING)


# Steps 3a–e and the queueing of 4 and 5, in order: each is called with the run inside the publishing transaction.
PUBLISHING_STEPS = (
    place_from_run,
    plan_gaps_from_run,
    warnings_from_run,
    match_from_run,
    assignments_end_for_departed_firms,
    refresh_dashboards,
    quality_snapshot_from_run,
)


def run_night(*, on: datetime.date | None = None) -> ScoringRun | None:
    """The whole night of `on` (default today): steps 0 to 4. Returns the run started, or None when the date has
    one already (a second start the same day does nothing)."""
    on = on or timezone.localdate()
    # Step 0: the registry's effective values from their sources by each field's precedence, before anything reads
    # them. A failure rolls the reconciliation back (the registry keeps yesterday's effective values) and the night
    # goes on; a re-run with no new data writes nothing, so running it again the same night is harmless.
    try:
        reconcile()
    except Exception:
        logger.exception("Reconciling the registry's sources failed; the night goes on with yesterday's values")
    # Step 1 belongs to the nightly task rather than to a beat entry of its own an hour earlier: the order is then
    # certain, not assumed from the clock, and the evaluation is as of the night's own day (an entry an hour before
    # a run set shortly after midnight evaluated as of the day before). The run itself does not read the stored
    # evaluation (the patent warnings compute term ends from the register's dates), so a failed evaluation is
    # logged and the night goes on: the pages keep yesterday's value scores until the next evaluation.
    try:
        evaluate_patents(on=on)
    except Exception:
        logger.exception("Re-evaluating the patents as of %s failed; the scoring run goes on", on)
    return start_run(on=on)


def start_run(
    *, on: datetime.date | None = None, force: bool = False, user=None, chunk_size: int | None = None
) -> ScoringRun | None:
    """Steps 2 to 4: create the run of `on` (default today) and, once that commits, dispatch it. Idempotent like
    scoring.services.create_run: None when an unforced run of that date exists, unless `force`."""
    run = create_run(on=on, force=force, user=user, chunk_size=chunk_size)
    if run is not None:
        transaction.on_commit(lambda: dispatch(run.pk))
    return run


def dispatch(run_id: int, *, pending_only: bool = False) -> None:
    """Score the run's chunks, then publish: inline without a broker, else as a chord of chunk tasks across all
    running workers whose callback is the publish task. `pending_only`: only the chunks not scored yet (a run sent
    again by the sweep)."""
    from pipeline import tasks
    from scoring.tasks import score_chunk as score_chunk_task

    numbers = chunk_numbers(run_id=run_id, pending_only=pending_only)
    if current_app.conf.task_always_eager:
        for number in numbers:
            score_chunk(run_id=run_id, number=number)
        publish(run_id=run_id)
        return
    if not numbers:
        tasks.publish_run.delay(run_id)
        return
    chord(score_chunk_task.si(run_id, number) for number in numbers)(tasks.publish_run.si(run_id))


def publish(*, run_id: int) -> ScoringRun:
    """Step 3 (and the queueing of 4): scoring ranks the run and flips it to published, then runs the publishing
    steps in the same transaction; or fails the run when a chunk failed. Once per run."""
    return publish_run(run_id=run_id, steps=PUBLISHING_STEPS)


def requeue(run_id: int) -> None:
    """Send again the chunks of a run that stopped making progress, then its publication (the sweep's step)."""
    dispatch(run_id, pending_only=True)


def sweep() -> Recovery:
    """Beat's sweep (every SCORING_SWEEP_EVERY_S): runs that stopped making progress are sent again or failed
    (scoring.services.recover_stalled_runs)."""
    return recover_stalled_runs(requeue=requeue)


def run_now(
    *, on: datetime.date | None = None, force: bool = False, user=None, chunk_size: int | None = None
) -> ScoringRun | None:
    """Start a run (steps 2 to 4) and, when tasks run inline, return it finished (refreshed)."""
    run = start_run(on=on, force=force, user=user, chunk_size=chunk_size)
    if run is not None:
        run.refresh_from_db()
    return run
