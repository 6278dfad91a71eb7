"""The import workflow: a job's allowed changes of status and the one function that makes them."""

from django.utils.translation import gettext as _

from core.exceptions import AlreadyMoved
from enterprises.models import ImportJob, ImportJobEvent

Status = ImportJob.Status

# The only allowed moves (`import_job_transition`); the portal takes them on behalf of the job's staff (a check
# ends ready or invalid; a commit is asked for by staff, then committed or failed). Cancel works from every state
# that is not final; a failed import (its process died, or the commit was refused) may be checked again.
IMPORT_JOB_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.VALIDATING: frozenset({Status.READY, Status.INVALID, Status.FAILED, Status.CANCELLED}),
    Status.READY: frozenset({Status.COMMITTING, Status.CANCELLED}),
    Status.COMMITTING: frozenset({Status.COMMITTED, Status.FAILED, Status.CANCELLED}),
    Status.INVALID: frozenset(),
    Status.COMMITTED: frozenset(),
    Status.FAILED: frozenset({Status.VALIDATING, Status.CANCELLED}),
    Status.CANCELLED: frozenset(),
}


class TransitionNotAllowed(AlreadyMoved):
    """The import is no longer where the asker saw it (a second click, a step taken elsewhere): a 409 / a message."""


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
