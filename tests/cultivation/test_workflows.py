"""The workflows' tables (cultivation.workflows): each allowed move is taken and audited, each other move refused,
and an actor without the right refused before anything changes. (The campaign's table, move by move, is
tests/cultivation/test_campaigns.py's.)"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from cultivation import workflows
from cultivation.models import (
    Campaign,
    CampaignEntry,
    CampaignEvent,
    CampaignStage,
    CultivationWarning,
    PlanTask,
    PlanTaskEvent,
    PlanTaskStatus,
    WarningEvent,
    WarningSeverity,
    WarningState,
)
from cultivation.plans import plan_task_create
from cultivation.warning_registry import warning_kinds
from cultivation.workflows import (
    CAMPAIGN_TRANSITIONS,
    PLAN_TASK_TRANSITIONS,
    WARNING_ACTIONS,
    WARNING_TRANSITIONS,
    campaign_entry_transition,
    plan_task_transition,
    warning_transition,
)
from tests import factories


@pytest.fixture
def home(db):
    return factories.EnterpriseFactory(county=factories.county("410402"))


@pytest.fixture
def staff(make_user):
    return make_user(Role.COUNTY_STAFF, county_code="410402")


@pytest.fixture
def outsiders(make_user):
    """Who may not move a row of a firm of 410402: a leader, county staff of another county, the firm itself."""
    return lambda firm: [
        make_user(Role.LEADER),
        make_user(Role.COUNTY_STAFF, county_code="410482"),
        make_user(Role.ENTERPRISE, enterprise=firm),
    ]


# --- Plan tasks --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("start", list(PlanTaskStatus))
@pytest.mark.parametrize("to", list(PlanTaskStatus))
def test_plan_task_table(home, staff, start, to):
    task = plan_task_create(enterprise=home, actor=staff, what="Visit")
    PlanTask.objects.filter(pk=task.pk).update(status=start)
    task.status = start
    events = PlanTaskEvent.objects.count()
    if to in PLAN_TASK_TRANSITIONS[start]:
        plan_task_transition(task=task, to=to, actor=staff)
        assert PlanTask.objects.get(pk=task.pk).status == to
        event = PlanTaskEvent.objects.latest("id")
        assert (event.task, event.from_state, event.to_state, event.actor) == (task, start, to, staff)
    else:
        with pytest.raises(ValidationError):
            plan_task_transition(task=task, to=to, actor=staff)
        assert PlanTask.objects.get(pk=task.pk).status == start
        assert PlanTaskEvent.objects.count() == events


def test_plan_task_refuses_others_and_unknown_statuses(home, staff, outsiders):
    task = plan_task_create(enterprise=home, actor=staff, what="Visit")
    for actor in outsiders(home):
        with pytest.raises(PermissionDenied):
            plan_task_transition(task=task, to=PlanTaskStatus.DOING, actor=actor)
    with pytest.raises(ValidationError):
        plan_task_transition(task=task, to="paused", actor=staff)
    assert PlanTask.objects.get(pk=task.pk).status == PlanTaskStatus.TODO
    assert PlanTaskEvent.objects.count() == 1  # the creation


def test_the_tables_predicate_decides_the_move(home, staff, monkeypatch):
    task = plan_task_create(enterprise=home, actor=staff, what="Visit")
    for status in (PlanTaskStatus.TODO, PlanTaskStatus.DOING):  # nobody may finish a task, from any status
        nobody = {**PLAN_TASK_TRANSITIONS[status], PlanTaskStatus.DONE: lambda user, row: False}
        monkeypatch.setitem(workflows.PLAN_TASK_TRANSITIONS, status, nobody)
    with pytest.raises(PermissionDenied):
        plan_task_transition(task=task, to=PlanTaskStatus.DONE, actor=staff)
    plan_task_transition(task=task, to=PlanTaskStatus.DOING, actor=staff)
    assert PlanTask.objects.get(pk=task.pk).status == PlanTaskStatus.DOING


# --- Warnings ----------------------------------------------------------------------------------------------------


def _warning(firm, state) -> CultivationWarning:
    return CultivationWarning.objects.create(
        enterprise=firm, kind=warning_kinds()[0], severity=WarningSeverity.MEDIUM, rule="test", state=state,
        opened_at=timezone.now(),
    )  # fmt: skip


@pytest.mark.parametrize("state", list(WarningState))
@pytest.mark.parametrize("action", [*WARNING_ACTIONS, "reopen"])
def test_warning_table(home, staff, state, action):
    warning = _warning(home, state)
    target = WARNING_ACTIONS.get(action)
    if target in WARNING_TRANSITIONS[state]:
        warning_transition(warning=warning, action=action, actor=staff, note=" seen ")
        assert CultivationWarning.objects.get(pk=warning.pk).state == target
        event = WarningEvent.objects.get()
        assert (event.warning, event.from_state, event.to_state, event.actor, event.note) == (
            warning, state, target, staff, "seen",
        )  # fmt: skip
    else:
        with pytest.raises(ValidationError):
            warning_transition(warning=warning, action=action, actor=staff)
        assert CultivationWarning.objects.get(pk=warning.pk).state == state
        assert not WarningEvent.objects.exists()


def test_warning_refuses_others(home, outsiders):
    warning = _warning(home, WarningState.OPEN)
    for actor in outsiders(home):
        with pytest.raises(PermissionDenied):
            warning_transition(warning=warning, action="acknowledge", actor=actor)
    assert CultivationWarning.objects.get(pk=warning.pk).state == WarningState.OPEN
    assert not WarningEvent.objects.exists()


# --- Campaign entries --------------------------------------------------------------------------------------------


def test_campaign_entry_refuses_others(home, staff, outsiders, make_user):
    campaign = Campaign.objects.create(year=2026, title="2026", opened_by=make_user(Role.CITY_STAFF))
    entry = CampaignEntry.objects.create(campaign=campaign, enterprise=home, selected_by=staff)
    for actor in outsiders(home):
        with pytest.raises(PermissionDenied):
            campaign_entry_transition(entry=entry, to=CampaignStage.WITHDRAWN, actor=actor, reason="x")
    assert CampaignEntry.objects.get(pk=entry.pk).stage == CampaignStage.CANDIDATE
    assert not CampaignEvent.objects.exists()
    assert CampaignStage.WITHDRAWN in CAMPAIGN_TRANSITIONS[CampaignStage.CANDIDATE]
    campaign_entry_transition(entry=entry, to=CampaignStage.WITHDRAWN, actor=staff, reason="x")
    assert CampaignEvent.objects.get().to_state == CampaignStage.WITHDRAWN
