"""Celery tasks of the data-quality page: thin, named, idempotent."""

import datetime

from celery import shared_task

from quality import snapshots


@shared_task(name="quality.snapshot", acks_late=True, ignore_result=True)
def snapshot(on: str) -> None:
    """The snapshot of day `on` (ISO), unless one of a later day exists already (a task turning up late)."""
    snapshots.quality_snapshot_once(on=datetime.date.fromisoformat(on))
