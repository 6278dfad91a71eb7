"""The abstract bases (core.models), through real tables of the apps that use them."""

import pytest

from accounts.models import Role
from enterprises.models import ImportJob, ImportJobEvent
from ip.models import PatentEvent
from tests import factories
from tests.ip.factories import PatentFactory


def _job(user) -> ImportJob:
    return ImportJob.objects.create(kind=ImportJob.Kind.ENTERPRISES, created_by=user, file_name="a.xlsx", file_size=1)


def test_a_transition_event_is_written_once_and_never_changed(db):
    user = factories.make_user(Role.CITY_STAFF)
    event = ImportJobEvent.objects.create(job=_job(user), from_state="", to_state=ImportJob.Status.VALIDATING)
    event.note = "changed afterwards"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_a_transition_event_reads_its_states_labels_and_names_its_subject(db):
    user = factories.make_user(Role.CITY_STAFF)
    job = _job(user)
    event = ImportJobEvent.objects.create(
        job=job, from_state=ImportJob.Status.READY, to_state=ImportJob.Status.CANCELLED, actor=user
    )
    assert event.get_from_state_display() == ImportJob.Status.READY.label
    assert event.get_to_state_display() == ImportJob.Status.CANCELLED.label
    assert str(event) == f"{job.pk}: ready → cancelled"
    assert event.at is not None and event.data == {} and event.note == ""


def test_an_audit_event_keeps_who_and_when(db):
    user = factories.make_user(Role.CITY_STAFF)
    patent = PatentFactory()
    event = PatentEvent.objects.create(patent=patent, actor=user, action="edit", changes={"title": ["a", "b"]})
    assert (event.actor, event.at is not None) == (user, True)
    with pytest.raises(ValueError, match="append-only"):
        event.save()
