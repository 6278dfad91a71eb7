"""Celery tasks of the scoring engine: thin, named, taking ids, idempotent (see scoring.services)."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from scoring import services


@shared_task(name="scoring.nightly_run", ignore_result=True)
def nightly_run() -> int | None:
    """Beat's nightly entry: today's run, once (a second start the same day does nothing)."""
    run = services.start_run(on=timezone.localdate())
    return run.pk if run else None


@shared_task(
    name="scoring.score_chunk",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.SCORING_CHUNK_SOFT_TIME_LIMIT_S,
    time_limit=settings.SCORING_CHUNK_TIME_LIMIT_S,
)
def score_chunk(run_id: int, number: int) -> int:
    return services.score_chunk(run_id=run_id, number=number)


@shared_task(
    name="scoring.publish_run",
    acks_late=True,
    soft_time_limit=settings.SCORING_PUBLISH_SOFT_TIME_LIMIT_S,
    time_limit=settings.SCORING_PUBLISH_TIME_LIMIT_S,
)
def publish_run(run_id: int) -> str:
    return services.publish_run(run_id=run_id).status
