"""Import jobs: upload, check, commit, cancel, check again. One transition function with its table of allowed moves;
each move writes its event in the same transaction. Tasks (enterprises/tasks.py) only call these.

Liveness: the process working on a job leaves a heartbeat on it (each stage of the check, the start of the commit),
and a commit holds the job's row locked for the whole of its one transaction. A process killed mid-commit has its
transaction rolled back by PostgreSQL (the registry untouched) and its lock released; the sweep
(`import_jobs_sweep`, beat every JOBS_SWEEP_EVERY_S) then finds the job silent and unlocked and marks it failed, and
the job may be checked again or cancelled. Cancel always works: a job whose commit is being written right now
stops at the end of the write, rolled back."""

import datetime
import hashlib
import json
import logging
import tempfile
import time
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
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


def import_job_create(
    *, kind: str, uploaded_file, actor, accept_bad_check_characters: bool = False, as_of: datetime.date | None = None
) -> ImportJob:
    if not can_import(actor):
        raise PermissionDenied
    import_context_for(actor)
    if get_kind(kind).city_wide and not imports_for_whole_city(actor):
        raise PermissionDenied
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
            as_of=as_of,
        )
        job.file.save(file_name, ContentFile(content), save=False)
        job.heartbeat_at = timezone.now()
        job.save()
        ImportJobEvent.objects.create(job=job, to_state=job.status, actor=actor)
        _report_progress(job.pk, "queued", 0)

        from enterprises.tasks import validate_import

        transaction.on_commit(lambda: validate_import.delay(job.pk))
    return job


def _report_progress(job_id: int, stage: str, fraction: float) -> None:
    """The stage for the page (cache) and, outside the commit's transaction, a heartbeat on the job."""
    cache.set(f"import-progress:{job_id}", {"stage": stage, "percent": round(100 * fraction)}, PROGRESS_TTL)
    if not connection.in_atomic_block:
        ImportJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())


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
    context.as_of = job.as_of
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
        import_job_transition(
            job=locked, to=Status.COMMITTING, actor=actor, committed_by=actor, heartbeat_at=timezone.now()
        )
        cache.delete(_cancel_key(locked.pk))  # a request to stop an earlier commit of it that died meanwhile
        _report_progress(locked.pk, "writing", 0)

        from enterprises.tasks import commit_import

        transaction.on_commit(lambda: commit_import.delay(locked.pk))
    return locked


def _cancel_key(job_id: int) -> str:
    return f"import-cancel:{job_id}"


def import_job_cancel(*, job: ImportJob, actor) -> ImportJob:
    """Cancel an import in any state that is not final; always answers at once. A job whose commit is being written
    right now (its row locked by the commit's transaction) is asked to stop: the commit rolls back at the end of
    its write and the job becomes cancelled; the job is returned as it is meanwhile."""
    if not can_import(actor):
        raise PermissionDenied
    try:
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update(nowait=True).get(pk=job.pk)
            return import_job_transition(job=locked, to=Status.CANCELLED, actor=actor)
    except DatabaseError:
        # Locked: a commit is writing it. It reads this before its last statement and rolls back.
        cache.set(_cancel_key(job.pk), actor.pk, PROGRESS_TTL)
        job.refresh_from_db()
        return job


def import_job_retry(*, job: ImportJob, actor) -> ImportJob:
    """Check a failed import's file again (its process died, or the commit was refused): the check reads the
    registry as it is now, and the import can then be committed as usual."""
    if not can_import(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = _locked(job.pk)
        import_job_transition(
            job=locked, to=Status.VALIDATING, actor=actor, message="", heartbeat_at=timezone.now(), commit_ms=None
        )
        _report_progress(locked.pk, "queued", 0)

        from enterprises.tasks import validate_import

        transaction.on_commit(lambda: validate_import.delay(locked.pk))
    return locked


def import_jobs_sweep() -> list[int]:
    """Beat, every JOBS_SWEEP_EVERY_S: mark failed the imports checking or committing whose process died. Such a
    job is silent for IMPORT_STALL_AFTER_S and its row is not locked (a commit being written holds it locked for
    its whole transaction, which PostgreSQL rolled back when the process died: the registry is unchanged). A task
    of it that turns up later finds it failed and does nothing. Returns the ids of the jobs failed."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALL_AFTER_S)
    silent = Q(status__in=(Status.VALIDATING, Status.COMMITTING)) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    failed = []
    for job_id in ImportJob.objects.filter(silent).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update(skip_locked=True).filter(silent, pk=job_id).first()
            if job is None:
                continue  # a commit is writing it (alive), or it moved on
            import_job_transition(job=job, to=Status.FAILED, actor=None, note=process_died_message(job.status))
            failed.append(job.pk)
        _report_progress(job_id, Status.FAILED, 1)
        logger.warning("Import %s: its process stopped; marked failed", job_id)
    return failed


def process_died_message(status: str) -> str:
    if status == Status.COMMITTING:
        return _(
            "The process writing this import stopped before it finished (or no worker took it up); the registry was "
            "not changed. Check the file again to commit it, or cancel the import."
        )
    return _(
        "The process checking this file stopped before it finished (or no worker took it up); nothing was written. "
        "Check the file again, or cancel the import."
    )


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


class CommitCancelled(Exception):
    """Staff cancelled the import while its commit was being written: the write is rolled back."""


def _cancel_after_rollback(job: ImportJob) -> ImportJob:
    actor_id = cache.get(_cancel_key(job.pk))
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id is not None else None
    with transaction.atomic():
        locked = _locked(job.pk)
        if locked.status == Status.COMMITTING:
            import_job_transition(job=locked, to=Status.CANCELLED, actor=actor)
    cache.delete(_cancel_key(job.pk))
    _report_progress(job.pk, locked.status, 1)
    return locked


def import_job_commit(*, job_id: int) -> ImportJob | None:
    """Write a confirmed import in one transaction: all of it, or (on any failure) nothing."""
    job = ImportJob.objects.select_related("created_by", "committed_by").filter(pk=job_id).first()
    if job is None or job.status != Status.COMMITTING:
        return None
    started = time.monotonic()
    _report_progress(job.pk, "writing", 0)
    frame = load_clean_frame(job)
    try:
        with transaction.atomic():
            locked = _locked(job.pk)
            if locked.status != Status.COMMITTING:
                return locked
            _refuse_out_of_scope(job, frame)
            plan = _plan(job.kind, frame, job.columns_present)
            if hasattr(plan, "job"):
                # The committed values are observations of this staff spreadsheet (enterprises.provenance).
                plan.job = job
            progress = lambda fraction: _report_progress(job.pk, "writing", fraction)  # noqa: E731
            get_kind(job.kind).apply(plan, progress=progress)
            if cache.get(_cancel_key(job.pk)) is not None:
                raise CommitCancelled
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
    except CommitCancelled:
        return _cancel_after_rollback(job)
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
