"""Import jobs: upload, check, commit, cancel. One transition function with its table of allowed moves; each
move writes its event in the same transaction. Tasks (enterprises/tasks.py) only call these."""

import hashlib
import json
import logging
import tempfile
import time
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.signals import figures_changed
from enterprises.importing import committing
from enterprises.importing.kinds import get_kind
from enterprises.importing.reading import ImportFileError, read_table
from enterprises.importing.validation import ERROR, ImportContext, Issue, registry_rows, validate
from enterprises.models import ImportJob, ImportJobEvent
from enterprises.permissions import can_import, imports_for_own_county, imports_for_whole_city
from enterprises.workflows import import_job_transition

logger = logging.getLogger(__name__)
Status = ImportJob.Status
PROGRESS_TTL = 24 * 3600
CLEAN_DTYPES = {"year": "Int64", "county": "Int64", "county_id": "Int64", "enterprise_id": "Int64"}


def import_context_for(user) -> ImportContext:
    if imports_for_whole_city(user):
        return ImportContext(allowed_county_ids=None, default_county_id=None)
    if imports_for_own_county(user):
        return ImportContext(allowed_county_ids=frozenset({user.county_id}), default_county_id=user.county_id)
    raise PermissionDenied


def _locked(job_id: int) -> ImportJob:
    return ImportJob.objects.select_for_update().get(pk=job_id)


def import_job_create(*, kind: str, uploaded_file, actor, accept_bad_check_characters: bool = False) -> ImportJob:
    if not can_import(actor):
        raise PermissionDenied
    import_context_for(actor)
    content = uploaded_file.read()
    digest = hashlib.sha256(content).hexdigest()
    file_name = uploaded_file.name.rsplit("/", 1)[-1][:150]
    with transaction.atomic():
        job = ImportJob(
            kind=kind,
            created_by=actor,
            county_id=actor.county_id if imports_for_own_county(actor) else None,
            file_name=file_name,
            file_sha256=digest,
            file_size=len(content),
            accept_bad_check_characters=accept_bad_check_characters,
        )
        job.file.save(file_name, ContentFile(content), save=False)
        job.save()
        ImportJobEvent.objects.create(job=job, to_state=job.status, actor=actor)
        _report_progress(job.pk, "queued", 0)

        from enterprises.tasks import validate_import

        transaction.on_commit(lambda: validate_import.delay(job.pk))
    return job


def _report_progress(job_id: int, stage: str, fraction: float) -> None:
    cache.set(f"import-progress:{job_id}", {"stage": stage, "percent": round(100 * fraction)}, PROGRESS_TTL)


def import_progress(job: ImportJob) -> dict:
    if not job.is_running:
        return {"stage": job.status, "percent": 100}
    return cache.get(f"import-progress:{job.pk}") or {"stage": "queued", "percent": 0}


def _columns(kind: str):
    return get_kind(kind).columns


def _context(job: ImportJob) -> ImportContext:
    context = import_context_for(job.created_by)
    context.accept_bad_check_characters = job.accept_bad_check_characters
    context.today = timezone.localdate()
    return context


def import_job_check(*, job_id: int) -> ImportJob | None:
    """Read and check the uploaded file; idempotent (does nothing unless the job waits to be checked)."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id, status=Status.VALIDATING).first()
    if job is None:
        return None
    try:
        return _check(job)
    except Exception as error:
        logger.exception("Import %s: the check crashed", job.pk)
        return _fail(job, _("The check failed unexpectedly and nothing was written: %(error)s") % {"error": error})


def _fail(job: ImportJob, message: str) -> ImportJob:
    """Mark a check or a commit that could not finish as failed (the data is as it was), unless it moved on."""
    with transaction.atomic():
        locked = _locked(job.pk)
        if locked.is_running:
            actor = job.created_by if locked.status == Status.VALIDATING else job.committed_by
            import_job_transition(job=locked, to=Status.FAILED, actor=actor, note=message)
    _report_progress(job.pk, Status.FAILED, 1)
    return locked


def _check(job: ImportJob) -> ImportJob:
    started = time.monotonic()
    _report_progress(job.pk, "reading", 0.05)
    with job.file.open("rb") as handle:
        content = handle.read()
    fields: dict = {}
    try:
        raw = read_table(content, file_name=job.file_name, columns=_columns(job.kind))
        del content  # the cells hold what is needed from here on
    except ImportFileError as error:
        issues = [Issue(ERROR, error.sheet, error.row, "", "", error.message, "file")]
        return _finish_check(job, issues, counts={}, started=started, fields=fields)
    fields.update(
        file_format=raw.file_format, encoding=raw.encoding, sheet=raw.sheet[:200], extra_columns=raw.extra_headers
    )
    _report_progress(job.pk, "checking", 0.3)
    checked = validate(raw, kind=job.kind, context=_context(job))
    _report_progress(job.pk, "comparing", 0.8)
    fields["columns_present"] = checked.present
    counts = {}
    del raw
    if checked.error_count == 0:
        plan = _plan(job.kind, checked.frame, checked.present)
        counts = plan.counts
        del plan
        with tempfile.TemporaryFile() as spool:
            checked.frame.to_csv(spool, index=False, encoding="utf-8")
            spool.seek(0)
            job.clean_file.save(f"imports/clean/{job.pk}.csv", File(spool), save=False)
    else:
        counts = {"row_count": len(checked.frame)}
    return _finish_check(job, checked.issues, counts=counts, started=started, fields=fields)


def _plan(kind: str, frame: pd.DataFrame, present: list[str]) -> committing.Plan:
    return get_kind(kind).plan(frame, present)


def _finish_check(job: ImportJob, issues: list[Issue], *, counts: dict, started: float, fields: dict) -> ImportJob:
    errors = sum(1 for issue in issues if issue.severity == ERROR)
    if issues:
        payload = json.dumps([issue.as_dict() for issue in issues], ensure_ascii=False).encode()
        job.issues_file.save(f"imports/issues/{job.pk}.json", ContentFile(payload), save=False)
    shown = [issue.as_dict() for issue in issues[: settings.IMPORT_ISSUES_SHOWN]]
    with transaction.atomic():
        locked = _locked(job.pk)
        if locked.status != Status.VALIDATING:
            return locked
        locked.clean_file, locked.issues_file = job.clean_file, job.issues_file
        import_job_transition(
            job=locked,
            to=Status.INVALID if errors else Status.READY,
            actor=job.created_by,
            error_count=errors,
            warning_count=len(issues) - errors,
            issues_preview=shown,
            validated_at=timezone.now(),
            check_ms=round(1000 * (time.monotonic() - started)),
            **counts,
            **fields,
        )
    _report_progress(job.pk, locked.status, 1)
    return locked


def import_job_request_commit(*, job: ImportJob, actor) -> ImportJob:
    """Confirm a checked import; the commit itself runs as a task. A second click finds it already committing."""
    if not can_import(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = _locked(job.pk)
        import_job_transition(job=locked, to=Status.COMMITTING, actor=actor, committed_by=actor)
        _report_progress(locked.pk, "writing", 0)

        from enterprises.tasks import commit_import

        transaction.on_commit(lambda: commit_import.delay(locked.pk))
    return locked


def import_job_cancel(*, job: ImportJob, actor) -> ImportJob:
    with transaction.atomic():
        locked = _locked(job.pk)
        return import_job_transition(job=locked, to=Status.CANCELLED, actor=actor)


def load_clean_frame(job: ImportJob) -> pd.DataFrame:
    with job.clean_file.open("rb") as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    import_kind = get_kind(job.kind)
    for name, dtype in {**CLEAN_DTYPES, **import_kind.clean_dtypes}.items():
        if name in frame:
            frame[name] = pd.to_numeric(frame[name].replace("", None)).astype(dtype)
    counts = [c.key for c in import_kind.columns if c.cell_type.value == "count"]
    for name in counts:
        if name in frame:
            frame[name] = pd.to_numeric(frame[name].replace("", None)).astype("Int64")
    if "credit_code_checked" in frame:
        frame["credit_code_checked"] = frame["credit_code_checked"].eq("True")
    return frame


@dataclass
class CommitRefused(Exception):
    message: str


def import_job_commit(*, job_id: int) -> ImportJob | None:
    """Write a confirmed import in one transaction: all of it, or (on any failure) nothing."""
    job = ImportJob.objects.select_related("created_by", "committed_by").filter(pk=job_id).first()
    if job is None or job.status != Status.COMMITTING:
        return None
    started = time.monotonic()
    frame = load_clean_frame(job)
    try:
        with transaction.atomic():
            locked = _locked(job.pk)
            if locked.status != Status.COMMITTING:
                return locked
            _refuse_out_of_scope(job, frame)
            plan = _plan(job.kind, frame, job.columns_present)
            progress = lambda fraction: _report_progress(job.pk, "writing", fraction)  # noqa: E731
            get_kind(job.kind).apply(plan, progress=progress)
            # Qualifications, yearly figures and firms are what the dashboards count.
            figures_changed.send(sender=ImportJob, change="import")
            import_job_transition(
                job=locked,
                to=Status.COMMITTED,
                actor=job.committed_by,
                committed_at=timezone.now(),
                commit_ms=round(1000 * (time.monotonic() - started)),
                **plan.counts,
            )
    except CommitRefused as refused:
        return _fail(job, refused.message)
    except Exception as error:
        _fail(job, _("The commit failed and changed nothing: %(error)s") % {"error": error})
        raise
    _report_progress(job.pk, Status.COMMITTED, 1)
    return locked


def _refuse_out_of_scope(job: ImportJob, frame: pd.DataFrame) -> None:
    """The registry may have changed since the check: a firm created meanwhile in another county stays untouched."""
    context = import_context_for(job.created_by)
    if context.allowed_county_ids is None:
        return
    existing = registry_rows(frame["credit_code"].tolist(), ("county_id",))
    outside = existing[~existing["county_id"].isin(list(context.allowed_county_ids))]
    if len(outside):
        raise CommitRefused(
            _(
                "Since the check, %(count)d firm(s) of this file were registered in another county (e.g. %(code)s). "
                "Upload the file again."
            )
            % {"count": len(outside), "code": outside["credit_code"].iat[0]}
        )
