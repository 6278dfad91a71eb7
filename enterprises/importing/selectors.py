"""Reads of the import log, scoped: city staff see every import, county staff their county's."""

from django.db.models import QuerySet
from django.http import Http404

from enterprises.models import ImportJob
from enterprises.permissions import can_import, imports_for_whole_city


def import_jobs(*, user) -> QuerySet:
    jobs = ImportJob.objects.select_related("created_by", "committed_by", "county")
    if not can_import(user):
        return jobs.none()
    if imports_for_whole_city(user):
        return jobs
    return jobs.filter(county_id=user.county_id)


def import_job_get(*, user, pk: int) -> ImportJob:
    job = import_jobs(user=user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job
