"""The demand workflow's table (officers.workflows.DEMAND_TRANSITIONS): every allowed move taken by each party it
names, every move outside the table refused, and every party it does not name refused; and the step's note."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from officers.models import Demand, DemandEvent, DemandStatus
from officers.permissions import FILER, OWNER, STAFF
from officers.workflows import DEMAND_TRANSITIONS, allowed_targets, demand_transition
from tests import factories
from tests.officers import factories as officer_factories

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
MOVES = sorted((start, to) for start, targets in DEMAND_TRANSITIONS.items() for to in targets)
# What each target status needs from the one who moves there.
MOVE_DATA = {
    DemandStatus.TRIAGED: {"urgency": "urgent"},
    DemandStatus.VISIT_SCHEDULED: {"visit_on": TOMORROW, "participants": ["county bureau"]},
    DemandStatus.CLOSED: {"outcome": "Solved"},
    DemandStatus.WITHDRAWN: {"reason": "Solved ourselves"},
}


@pytest.fixture
def parties(db):
    """A firm's demand and one user for each party only: county staff (staff), an officer who serves the firm no
    longer (owner), the firm's own user (filer); and a leader, who plays none."""
    firm = factories.EnterpriseFactory(county=factories.county("410402"))
    former_officer = officer_factories.officer(county_code="410402", username="former")
    users = {
        STAFF: factories.make_user(Role.COUNTY_STAFF, county_code="410402"),
        OWNER: former_officer.user,
        FILER: factories.make_user(Role.ENTERPRISE, enterprise=firm),
        "leader": factories.make_user(Role.LEADER),
    }
    return {"firm": firm, "users": users}


def demand_in(parties, status: str) -> Demand:
    """A demand put directly in `status`, owned by the owner party where the status needs an owner."""
    users = parties["users"]
    owned = status in (DemandStatus.ASSIGNED, DemandStatus.VISIT_SCHEDULED)
    return Demand.objects.create(
        enterprise=parties["firm"], category="technical", title="t", description="d", filed_by=users[FILER],
        status=status, owner=users[OWNER] if owned else None,
        visit_on=TOMORROW if status == DemandStatus.VISIT_SCHEDULED else None,
    )  # fmt: skip


def move_data(parties, to: str) -> dict:
    if to == DemandStatus.ASSIGNED:
        return {"owner": parties["users"][STAFF].pk}
    return MOVE_DATA.get(to, {})


@pytest.mark.parametrize(("start", "to"), MOVES)
def test_each_allowed_move_is_taken_by_its_parties_only(parties, start, to):
    who = DEMAND_TRANSITIONS[start][to]
    for party, user in parties["users"].items():
        demand = demand_in(parties, start)
        if party in who:
            assert to in allowed_targets(user, demand)
            demand_transition(demand=demand, to=to, actor=user, **move_data(parties, to))
            demand.refresh_from_db()
            event = DemandEvent.objects.get(demand=demand)
            assert (demand.status, event.from_state, event.to_state, event.actor) == (to, start, to, user)
        else:
            assert to not in allowed_targets(user, demand)
            with pytest.raises(PermissionDenied):
                demand_transition(demand=demand, to=to, actor=user, **move_data(parties, to))
            demand.refresh_from_db()
            assert demand.status == start and not DemandEvent.objects.filter(demand=demand).exists()


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (start, to)
        for start, to in itertools.product(DemandStatus.values, repeat=2)
        if to not in DEMAND_TRANSITIONS[start]
    ],
)
def test_moves_outside_the_table_are_refused(parties, start, to):
    demand = demand_in(parties, start)
    for user in parties["users"].values():
        with pytest.raises(ValidationError):
            demand_transition(demand=demand, to=to, actor=user, **move_data(parties, to))
    demand.refresh_from_db()
    assert demand.status == start and not DemandEvent.objects.filter(demand=demand).exists()


def test_the_actors_note_is_the_events_note_and_shows_where_it_did(client, parties):
    staff = parties["users"][STAFF]
    demand = demand_in(parties, DemandStatus.SUBMITTED)
    demand_transition(demand=demand, to="closed", actor=staff, outcome="Solved", note="  Called the firm  ")
    event = DemandEvent.objects.get(demand=demand)
    assert (event.note, event.data) == ("Called the firm", {"outcome": "Solved"})
    client.force_login(staff)
    detail = client.get(f"/api/v1/demands/{demand.pk}/").json()
    assert detail["events"][0]["data"] == {"note": "Called the firm", "outcome": "Solved"}
    assert list(detail["events"][0]["data"]) == ["note", "outcome"]
    assert (detail["events"][0]["from_status"], detail["events"][0]["to_status"]) == ("submitted", "closed")
    page = client.get(f"/officers/demands/{demand.pk}/").content.decode()
    history = page[page.index('id="demand-events"') :]
    history = history[: history.index("</table>")]
    assert "办理结果：</span>Solved" in history and "备注：</span>Called the firm" in history
    assert "<code>" not in history
