import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from policies.models import Event, EventRegistration, RegistrationEvent, RegistrationState
from policies.selectors import event_get, registration_get
from policies.workflows import event_register, registration_transition
from tests import factories
from tests.policies.factories import EventFactory


def firm_user(make_user, firm):
    return make_user(Role.ENTERPRISE, enterprise=firm)


@pytest.fixture
def firms(two_counties):
    return two_counties


def test_registration_stops_at_capacity(make_user, firms):
    event = EventFactory(capacity=2)
    users = [firm_user(make_user, firm) for firm in firms["home"]]
    for user in users[:2]:
        event_register(event=event, enterprise=user.enterprise, actor=user)
    with pytest.raises(ValidationError, match="full"):
        event_register(event=event, enterprise=users[2].enterprise, actor=users[2])
    event.refresh_from_db()
    assert (event.seats_taken, event.registrations.count()) == (2, 2)


def test_cancelling_frees_the_seat_and_is_audited(make_user, firms):
    event = EventFactory(capacity=1)
    first, second = (firm_user(make_user, firm) for firm in firms["home"][:2])
    registration = event_register(event=event, enterprise=first.enterprise, actor=first)
    registration_transition(registration=registration, to=RegistrationState.CANCELLED, actor=first)
    event_register(event=event, enterprise=second.enterprise, actor=second)
    with pytest.raises(ValidationError, match="full"):
        registration_transition(registration=registration, to=RegistrationState.REGISTERED, actor=first)
    assert list(RegistrationEvent.objects.filter(registration=registration).values_list("from_state", "to_state")) == [
        ("", "registered"),
        ("registered", "cancelled"),
    ]


def test_capacity_is_backed_by_a_database_constraint(firms):
    event = EventFactory(capacity=1)
    with pytest.raises(IntegrityError, match="event_not_overbooked"), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(seats_taken=2)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_firms_registering_for_the_last_seat_at_once_get_it_once(require_postgres, make_user):
    xinhua = factories.county("410402")
    firms = factories.EnterpriseFactory.create_batch(2, county=xinhua)
    users = [firm_user(make_user, firm) for firm in firms]
    event = EventFactory(capacity=1)
    barrier = threading.Barrier(2)
    outcomes = []

    def register(user):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):
                event_register(event=event, enterprise=user.enterprise, actor=user)
            outcomes.append("registered")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes)[1] == "registered" and "full" in sorted(outcomes)[0], outcomes
    event.refresh_from_db()
    assert (event.seats_taken, EventRegistration.objects.filter(event=event).count()) == (1, 1)


def test_firm_outside_the_audience_cannot_see_or_register(make_user, firms):
    event = EventFactory(county=firms["xinhua"])
    away = firm_user(make_user, firms["away"][0])
    with pytest.raises(Http404):
        event_get(user=away, pk=event.pk)
    with pytest.raises(PermissionDenied):
        event_register(event=event, enterprise=away.enterprise, actor=away)


def test_registration_closes_when_the_event_starts(make_user, firms):
    event = EventFactory(starts_at=timezone.now() - datetime.timedelta(minutes=1))
    user = firm_user(make_user, firms["home"][0])
    with pytest.raises(ValidationError, match="closed"):
        event_register(event=event, enterprise=user.enterprise, actor=user)


def test_attendance_by_staff_only_and_within_their_county(make_user, firms):
    event = EventFactory()
    user = firm_user(make_user, firms["home"][0])
    registration = event_register(event=event, enterprise=user.enterprise, actor=user)
    with pytest.raises(PermissionDenied):
        registration_transition(registration=registration, to=RegistrationState.ATTENDED, actor=user)
    with pytest.raises(Http404):
        registration_get(user=make_user(Role.COUNTY_STAFF, county_code="410482"), pk=registration.pk)
    staff = make_user(Role.COUNTY_STAFF, county_code="410402")
    registration_transition(
        registration=registration_get(user=staff, pk=registration.pk), to=RegistrationState.ATTENDED, actor=staff
    )
    with pytest.raises(ValidationError, match="cannot become"):
        registration_transition(registration=registration, to=RegistrationState.REGISTERED, actor=staff)
    event.refresh_from_db()
    assert event.seats_taken == 1


def test_firm_page_shows_the_events_it_attended(client, make_user, firms):
    event = EventFactory(title="研发费用加计扣除宣讲会")
    firm = firms["home"][0]
    user = firm_user(make_user, firm)
    registration = event_register(event=event, enterprise=firm, actor=user)
    staff = make_user(Role.CITY_STAFF)
    registration_transition(registration=registration, to=RegistrationState.ATTENDED, actor=staff)
    client.force_login(staff)
    html = client.get(reverse("enterprises:detail", args=[firm.credit_code])).content.decode()
    assert 'id="event-history"' in html and "研发费用加计扣除宣讲会" in html and "registration-attended" in html
    other = client.get(reverse("enterprises:detail", args=[firms["home"][1].credit_code])).content.decode()
    assert "研发费用加计扣除宣讲会" not in other


def test_register_through_the_page_and_the_api(client, make_user, firms):
    event = EventFactory(capacity=1)
    first = firm_user(make_user, firms["home"][0])
    client.force_login(first)
    response = client.post(reverse("policies:event-register", args=[event.pk]))
    assert response.status_code == 302
    assert EventRegistration.objects.filter(event=event, enterprise=first.enterprise).exists()
    second = firm_user(make_user, firms["home"][1])
    client.force_login(second)
    response = client.post(f"/api/v1/events/{event.pk}/register/")
    assert response.status_code == 400 and "full" in str(response.json())
