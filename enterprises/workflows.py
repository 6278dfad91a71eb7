"""The import workflow: a job's allowed changes of status and the one function that makes them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from enterprises.models import ImportJob, ImportJobEvent

Status = ImportJob.Status

# The only allowed moves (`import_job_transition`); the portal takes them on behalf of the job's staff (a check
# ends ready or invalid; a commit is asked for by staff, then committed or failed).
IMPORT_JOB_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.VALIDATING: frozenset({Status.READY, Status.INVALID, Status.FAILED}),
    Status.READY: frozenset({Status.COMMITTING, Status.CANCELLED}),
    Status.COMMITTING: frozenset({Status.COMMITTED, Status.FAILED}),
    Status.INVALID: frozenset(),
    Status.COMMITTED: frozenset(),
    Status.FAILED: frozenset(),
    Status.CANCELLED: frozenset(),
}


class TransitionNotAllowed(ValidationError):
    pass


def import_job_transition(*, job: ImportJob, to: str, actor=None, note: str = "", **fields) -> ImportJob:
    """The one way an import changes status, as IMPORT_JOB_TRANSITIONS allows, with its append-only event. Call
    inside a transaction holding the job's row lock. `note` (a failure's reason) is also kept on the job."""
    if to not in IMPORT_JOB_TRANSITIONS[job.status]:
        raise TransitionNotAllowed(
            _("An import that is “%(current)s” cannot become “%(target)s”.")
            % {"current": job.get_status_display(), "target": Status(to).label}
        )
    event = ImportJobEvent(job=job, from_state=job.status, to_state=to, actor=actor, note=note)
    job.status = to
    if note:
        job.message = note
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    event.save()
    return job
