"""The workflows of the registry: an import job's changes of status, and a conflict between sources' resolution; each
with its table of allowed moves and the one function that makes them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.exceptions import AlreadyMoved, check_move
from enterprises.models import Conflict, ConflictEvent, ImportJob, ImportJobEvent

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


# Conflicts between sources (enterprises.provenance): the nightly reconciliation opens them and supersedes those newer
# data settles ("portal", set-based, without an event); county staff of the firm's county, or city staff, resolve an
# open one with a reason ("staff", `conflict_transition`, with its event).
ConflictStatus = Conflict.Status
STAFF, PORTAL = "staff", "portal"
CONFLICT_TRANSITIONS: dict[str, dict[str, str]] = {
    ConflictStatus.OPEN: {ConflictStatus.RESOLVED: STAFF, ConflictStatus.SUPERSEDED: PORTAL},
    ConflictStatus.RESOLVED: {},
    ConflictStatus.SUPERSEDED: {ConflictStatus.OPEN: PORTAL},
}


def conflict_transition(*, conflict: Conflict, to: str, actor, note: str = "", **fields) -> Conflict:
    """The one way a conflict changes status by hand, as CONFLICT_TRANSITIONS allows, with its append-only event.
    Call inside a transaction holding the conflict's row lock; the caller has checked the actor's scope."""
    check_move(
        table=CONFLICT_TRANSITIONS,
        current=conflict.status,
        to=to,
        may=lambda who: who == (STAFF if actor is not None else PORTAL),
        thing=str(Conflict._meta.verbose_name),
        state=ConflictStatus(conflict.status).label,
        not_allowed=lambda: ValidationError(
            _("A conflict “%(current)s” cannot become “%(target)s”.")
            % {"current": conflict.get_status_display(), "target": ConflictStatus(to).label}
        ),
    )
    event = ConflictEvent(conflict=conflict, from_state=conflict.status, to_state=to, actor=actor, note=note)
    conflict.status = to
    for name, value in fields.items():
        setattr(conflict, name, value)
    conflict.save()
    event.save()
    return conflict
