"""Manual assignment and re-assignment, history, maximum load, deactivation with re-assignment."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.models import Role
from enterprises.models import RegistrationStatus
from officers.models import Assignment, AssignmentRun, AssignmentSource, OfficerProfile
from officers.services import (
    assign_officer,
    assignments_end_for_departed_firms,
    officer_deactivate,
    officer_update,
    unassign_officer,
)
from tests import factories
from tests.officers import factories as officer_factories


@pytest.fixture
def firm_and_officers(db):
    firm = factories.EnterpriseFactory(county=factories.county("410402"))
    first = officer_factories.officer(county_code="410402", username="first")
    second = officer_factories.officer(county_code="410402", username="second")
    return firm, first, second


def test_reassignment_keeps_history(firm_and_officers, city_staff):
    firm, first, second = firm_and_officers
    assign_officer(enterprise=firm, officer=first, actor=city_staff)
    assign_officer(enterprise=firm, officer=second, actor=city_staff, reason="closer to the firm")
    rows = list(Assignment.objects.filter(enterprise=firm).order_by("started_at", "id"))
    assert [(row.officer_id, row.ended_at is None) for row in rows] == [(first.pk, False), (second.pk, True)]
    assert (rows[0].end_reason, rows[0].ended_by, rows[1].reason, rows[1].assigned_by) == (
        "closer to the firm", city_staff, "closer to the firm", city_staff,
    )  # fmt: skip
    assert rows[1].source == AssignmentSource.MANUAL
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.load, second.load) == (0, 1)


def test_reassignment_needs_a_reason_and_another_officer(firm_and_officers, city_staff):
    firm, first, second = firm_and_officers
    assign_officer(enterprise=firm, officer=first, actor=city_staff)
    with pytest.raises(ValidationError) as error:
        assign_officer(enterprise=firm, officer=second, actor=city_staff)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        assign_officer(enterprise=firm, officer=first, actor=city_staff, reason="again")
    assert Assignment.objects.filter(enterprise=firm).count() == 1


def test_an_officer_at_max_load_is_refused(db, city_staff):
    officer = officer_factories.officer(max_load=1)
    firms = factories.EnterpriseFactory.create_batch(2)
    assign_officer(enterprise=firms[0], officer=officer, actor=city_staff)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        assign_officer(enterprise=firms[1], officer=officer, actor=city_staff)
    assert "maximum" in str(error.value)
    assert not Assignment.objects.filter(enterprise=firms[1]).exists()


def test_the_database_refuses_two_active_officers_and_a_load_above_the_maximum(firm_and_officers, city_staff):
    firm, first, second = firm_and_officers
    officer_factories.assign(firm, first)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            enterprise=firm, officer=second, source="manual", started_at=timezone.now(), assigned_by=city_staff
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerProfile.objects.filter(pk=first.pk).update(load=first.max_load + 1)


def test_county_staff_assign_only_in_their_county(db, make_user):
    staff = make_user(Role.COUNTY_STAFF, county_code="410402")
    own = officer_factories.officer(county_code="410402")
    other_county_officer = officer_factories.officer(county_code="410482")
    away = factories.EnterpriseFactory(county=factories.county("410482"))
    home = factories.EnterpriseFactory(county=factories.county("410402"))
    with pytest.raises(PermissionDenied):
        assign_officer(enterprise=away, officer=own, actor=staff)
    with pytest.raises(PermissionDenied):
        assign_officer(enterprise=home, officer=other_county_officer, actor=staff)
    assign_officer(enterprise=home, officer=own, actor=staff)


def test_unassign_ends_the_assignment_and_frees_the_place(firm_and_officers, city_staff):
    firm, first, _second = firm_and_officers
    assign_officer(enterprise=firm, officer=first, actor=city_staff)
    unassign_officer(enterprise=firm, actor=city_staff, reason="firm moved away")
    first.refresh_from_db()
    assert first.load == 0
    assert Assignment.objects.get(enterprise=firm).end_reason == "firm moved away"


def test_deactivation_ends_assignments_and_reassigns_to_others(db, city_staff, django_capture_on_commit_callbacks):
    run = officer_factories.published_run()
    leaving = officer_factories.officer(county_code="410402")
    staying = officer_factories.officer(county_code="410402")
    firms = officer_factories.innovative_firms(run, 3, county_code="410402")
    for firm in firms:
        officer_factories.assign(firm, leaving)
    with django_capture_on_commit_callbacks(execute=True):
        reassignment = officer_deactivate(officer=leaving, actor=city_staff, reason="retired", reassign=True)
    reassignment.refresh_from_db()
    assert (reassignment.status, reassignment.assigned, reassignment.released_from) == (
        AssignmentRun.Status.DONE, 3, leaving,
    )  # fmt: skip
    leaving.refresh_from_db(), staying.refresh_from_db()
    assert (leaving.active, leaving.load, staying.load) == (False, 0, 3)
    for firm in firms:
        history = list(Assignment.objects.filter(enterprise=firm).order_by("id").values_list("officer_id", "source"))
        assert history == [(leaving.pk, "manual"), (staying.pk, "deactivation")]


def test_deactivation_without_reassignment_leaves_firms_uncovered(db, city_staff):
    leaving = officer_factories.officer()
    firm = factories.EnterpriseFactory()
    officer_factories.assign(firm, leaving)
    assert officer_deactivate(officer=leaving, actor=city_staff, reason="left", reassign=False) is None
    assert not Assignment.objects.filter(ended_at__isnull=True).exists()
    with pytest.raises(ValidationError):
        assign_officer(enterprise=firm, officer=leaving, actor=city_staff)


def test_the_maximum_load_cannot_go_below_the_current_load(db, city_staff):
    officer = officer_factories.officer(max_load=5)
    for firm in factories.EnterpriseFactory.create_batch(3):
        officer_factories.assign(firm, officer)
    with pytest.raises(ValidationError):
        officer_update(officer=officer, actor=city_staff, level="county", county=officer.county, expertise=[],
                       max_load=2)  # fmt: skip
    updated = officer_update(
        officer=officer, actor=city_staff, level="county", county=officer.county, expertise=["ip"], max_load=3
    )
    assert (updated.max_load, updated.expertise) == (3, ["ip"])


def test_reassignment_page_and_api(client, firm_and_officers, city_staff):
    firm, first, second = firm_and_officers
    client.force_login(city_staff)
    url = f"/officers/firms/{firm.credit_code}/assign/"
    assert client.post(url, {"officer": first.pk}).status_code == 302
    response = client.post(
        "/api/v1/assignments/", {"credit_code": firm.credit_code, "officer": second.pk, "reason": "workload"}
    )
    assert response.status_code == 201 and response.json()["officer"] == second.pk
    history = client.get("/api/v1/assignments/", {"active": "false"}).json()
    assert [row["officer"] for row in history["results"]] == [first.pk]
    page = client.get(f"/officers/firms/{firm.credit_code}/")
    assert page.status_code == 200 and "workload" in page.content.decode()
    over = client.post("/api/v1/assignments/", {"credit_code": firm.credit_code, "officer": second.pk, "reason": "x"})
    assert over.status_code == 400


def test_assignments_of_departed_firms_end_once_and_release_the_load(db):
    officer = officer_factories.officer()
    closed, moved, active = factories.EnterpriseFactory.create_batch(3, county=factories.county("410402"))
    for firm in (closed, moved, active):
        officer_factories.assign(firm, officer)
    firms = type(closed).objects
    firms.filter(pk=closed.pk).update(registration_status=RegistrationStatus.DEREGISTERED)
    firms.filter(pk=moved.pk).update(registration_status=RegistrationStatus.MOVED_OUT)

    with translation.override("en"):  # a run started from an English page still stores the portal's language
        assert assignments_end_for_departed_firms() == 2
    assert assignments_end_for_departed_firms() == 0

    ended = Assignment.objects.filter(ended_at__isnull=False)
    assert {row.enterprise_id for row in ended} == {closed.pk, moved.pk}
    assert all("迁出" in row.end_reason and row.ended_by is None for row in ended)
    assert Assignment.objects.get(ended_at__isnull=True).enterprise_id == active.pk
    officer.refresh_from_db()
    assert officer.load == 1


def test_a_departed_firm_is_given_no_officer(db, city_staff, run_auto_assign):
    officer = officer_factories.officer()
    run = officer_factories.published_run()
    open_firm, closed_firm = officer_factories.innovative_firms(run, 2, county_code="410402")
    type(closed_firm).objects.filter(pk=closed_firm.pk).update(registration_status=RegistrationStatus.REVOKED)
    closed_firm.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        assign_officer(enterprise=closed_firm, officer=officer, actor=city_staff)
    assert "closed or moved out" in str(error.value)

    assert run_auto_assign(city_staff).assigned == 1

    assert list(Assignment.objects.values_list("enterprise_id", flat=True)) == [open_firm.pk]
