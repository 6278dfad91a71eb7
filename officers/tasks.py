"""Celery tasks of the officers module: thin, named, taking ids, idempotent (see officers.services)."""

from celery import shared_task

from officers import services


@shared_task(name="officers.auto_assign", acks_late=True)
def auto_assign_task(run_id: int) -> str:
    return services.auto_assign(run_id=run_id).status
