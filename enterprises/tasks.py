"""Celery tasks: thin, named, take ids, idempotent (each service does nothing unless the job is in the right state)."""

from celery import shared_task
from django.conf import settings

from enterprises.importing import services

LIMITS = {"soft_time_limit": settings.IMPORT_TASK_SOFT_TIME_LIMIT_S, "time_limit": settings.IMPORT_TASK_TIME_LIMIT_S}


@shared_task(name="enterprises.validate_import", **LIMITS)
def validate_import(job_id: int) -> None:
    services.import_job_check(job_id=job_id)


@shared_task(name="enterprises.commit_import", **LIMITS)
def commit_import(job_id: int) -> None:
    services.import_job_commit(job_id=job_id)


@shared_task(name="enterprises.sweep_imports", ignore_result=True)
def sweep_imports() -> None:
    """Beat, every JOBS_SWEEP_EVERY_S: imports whose process died are marked failed (the registry unchanged)."""
    services.import_jobs_sweep()
