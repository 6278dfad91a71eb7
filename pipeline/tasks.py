"""Celery tasks of the nightly pipeline: thin, named, taking ids, idempotent (see pipeline.nightly)."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from pipeline import nightly


@shared_task(name="pipeline.nightly_run", ignore_result=True)
def nightly_run() -> int | None:
    """Beat's nightly entry: today's night, once (a second start the same day starts no run)."""
    run = nightly.run_night(on=timezone.localdate())
    return run.pk if run else None


@shared_task(
    name="pipeline.publish_run",
    acks_late=True,
    soft_time_limit=settings.SCORING_PUBLISH_SOFT_TIME_LIMIT_S,
    time_limit=settings.SCORING_PUBLISH_TIME_LIMIT_S,
)
def publish_run(run_id: int) -> str:
    """The chord's callback once every chunk is scored: publish the run with its steps (a redelivery does nothing)."""
    return nightly.publish(run_id=run_id).status


@shared_task(name="pipeline.sweep_runs", ignore_result=True)
def sweep_runs() -> None:
    """Beat, every SCORING_SWEEP_EVERY_S: runs that stopped making progress are sent again or failed."""
    nightly.sweep()
