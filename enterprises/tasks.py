"""Celery tasks: thin, named, take ids, idempotent (each service does nothing unless the job is in the right state)."""

from celery import shared_task

from enterprises.importing import services

# An import of 100,000 rows takes well under a minute; these limits catch a stuck worker, not a slow file.
IMPORT_SOFT_LIMIT = 15 * 60
IMPORT_HARD_LIMIT = 20 * 60


@shared_task(name="enterprises.validate_import", soft_time_limit=IMPORT_SOFT_LIMIT, time_limit=IMPORT_HARD_LIMIT)
def validate_import(job_id: int) -> None:
    services.import_job_check(job_id=job_id)


@shared_task(name="enterprises.commit_import", soft_time_limit=IMPORT_SOFT_LIMIT, time_limit=IMPORT_HARD_LIMIT)
def commit_import(job_id: int) -> None:
    services.import_job_commit(job_id=job_id)
