"""Celery tasks of the scoring engine: thin, named, taking ids, idempotent (see scoring.services). The nightly
pipeline (pipeline/) sends the chunks as a chord whose callback is its own publish task."""

from celery import shared_task
from django.conf import settings

from scoring import services


@shared_task(
    name="scoring.score_chunk",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.SCORING_CHUNK_SOFT_TIME_LIMIT_S,
    time_limit=settings.SCORING_CHUNK_TIME_LIMIT_S,
)
def score_chunk(run_id: int, number: int) -> int:
    return services.score_chunk(run_id=run_id, number=number)
