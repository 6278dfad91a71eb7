"""Reads of the import log, scoped: city staff see every import, county staff their county's."""

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from enterprises.models import ImportJob
from enterprises.permissions import can_import, imports_for_whole_city

# The import log's `show` filter (and the staff home's imports item): imports still under way (being checked,
# checked and waiting to be committed, being committed), and imports that went wrong lately (the file had errors,
# or the commit failed); an older failure is history, not work.
IMPORTS_IN_PROGRESS = (ImportJob.Status.VALIDATING, ImportJob.Status.READY, ImportJob.Status.COMMITTING)
IMPORTS_FAILED = (ImportJob.Status.INVALID, ImportJob.Status.FAILED)
RECENT_FAILURE_DAYS = 30
IMPORT_SHOW_CHOICES = ("in_progress", "failed")


def import_jobs(*, user, show: str | None = None, now: datetime.datetime | None = None) -> QuerySet:
    """The import log in the user's scope, newest first; `show`: "in_progress" or "failed" (the last
    RECENT_FAILURE_DAYS days)."""
    jobs = ImportJob.objects.select_related("created_by", "committed_by", "county")
    if not can_import(user):
        return jobs.none()
    if not imports_for_whole_city(user):
        jobs = jobs.filter(county_id=user.county_id)
    if show == "in_progress":
        jobs = jobs.filter(status__in=IMPORTS_IN_PROGRESS)
    elif show == "failed":
        since = (now or timezone.now()) - datetime.timedelta(days=RECENT_FAILURE_DAYS)
        jobs = jobs.filter(status__in=IMPORTS_FAILED, created_at__gte=since)
    return jobs


def import_job_get(*, user, pk: int) -> ImportJob:
    job = import_jobs(user=user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job
