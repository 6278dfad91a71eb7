import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.models import Role
from enterprises.importing.services import import_job_create, import_job_request_commit

AS_OF = datetime.date(2025, 12, 31)


@pytest.fixture
def city_staff(make_user):
    return make_user(Role.CITY_STAFF)


@pytest.fixture(params=["copy", "orm"])
def write_path(request, monkeypatch):
    """Each list's commit on both of its paths: PostgreSQL's COPY and SQL, and the ORM's batches that another
    database (SQLite: `make run`) takes."""
    from enterprises.importing import committing
    from ip import importing

    postgresql = request.param == "copy"
    monkeypatch.setattr(committing, "uses_postgresql", lambda: postgresql)
    monkeypatch.setattr(importing, "uses_postgresql", lambda: postgresql)
    return request.param


@pytest.fixture
def upload(db, django_capture_on_commit_callbacks):
    """Upload a department list and run its check (eagerly); the job as the check left it. Messages in English."""

    def run(content: bytes, *, kind: str, user, file_name="list.csv", as_of=AS_OF):
        with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
            job = import_job_create(
                kind=kind, uploaded_file=SimpleUploadedFile(file_name, content), actor=user, as_of=as_of
            )
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def commit(db, django_capture_on_commit_callbacks):
    def run(job, *, user):
        with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
            import_job_request_commit(job=job, actor=user)
        job.refresh_from_db()
        return job

    return run
