import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from cultivation.models import PlanGap, PlanTask, PlanTaskEvent
from cultivation.plans import plan_gaps_from_run, plan_task_create, plan_task_update
from cultivation.services import place_from_run
from cultivation.workflows import plan_task_transition
from tests import factories

DAY1 = datetime.date(2026, 3, 1)
DAY2 = datetime.date(2026, 3, 2)
DAY3 = datetime.date(2026, 3, 3)
# The detail values the plan reads in these tests, in the order a run names them.
KEYS = ["gap_ht_rd_yuan", "gap_ht_st_people", "ht_field_met", "gap_sme_points"]


@pytest.fixture
def gap_run(make_run, make_portrait):
    """A run whose hand-made portraits carry the detail values of `KEYS`: {firm: (tier, {key: value})}."""

    def make(on, firms):
        run = make_run(on)
        run.detail_keys = KEYS
        run.save(update_fields=["detail_keys"])
        for firm, (tier, values) in firms.items():
            portrait = make_portrait(run, firm, tier)
            portrait.detail = [values.get(key) for key in KEYS]
            portrait.save(update_fields=["detail"])
        return run

    return make


def open_keys(firm):
    return sorted(PlanGap.objects.filter(enterprise=firm, closed_run__isnull=True).values_list("key", flat=True))


def snapshot():
    return sorted(PlanGap.objects.values_list("pk", "enterprise_id", "key", "text", "opened_run", "closed_run"))


def test_gap_opens_then_closes_on_a_later_run(county_firms, gap_run):
    firm, other = county_firms["home"]
    run1 = gap_run(DAY1, {firm: ("t2", {"gap_ht_rd_yuan": 250000, "gap_ht_st_people": 3, "ht_field_met": 1}),
                          other: ("t1", {"gap_sme_points": 12})})  # fmt: skip
    assert plan_gaps_from_run(run=run1) == {"opened": 3, "refreshed": 0, "closed": 0}
    assert open_keys(firm) == ["ht_rd", "ht_st_people"]
    assert open_keys(other) == ["sme_points"]
    rd = PlanGap.objects.get(enterprise=firm, key="ht_rd")
    assert (rd.opened_run, rd.opened_on, rd.closed_run, rd.closed_on) == (run1, DAY1, None, None)
    assert "25.00" in rd.text

    # The next run: R&D met, S&T staff still short (by fewer people), the field now missing.
    run2 = gap_run(DAY2, {firm: ("t2", {"gap_ht_st_people": 1}), other: ("t1", {"gap_sme_points": 12})})
    assert plan_gaps_from_run(run=run2) == {"opened": 1, "refreshed": 1, "closed": 1}
    rd.refresh_from_db()
    assert (rd.closed_run, rd.closed_on) == (run2, DAY2)
    people = PlanGap.objects.get(enterprise=firm, key="ht_st_people")
    assert people.opened_run == run1 and people.closed_run is None and "1" in people.text
    assert open_keys(firm) == ["ht_field", "ht_st_people"]

    # The gap comes back later: a new row, the closed one stays closed.
    run3 = gap_run(DAY3, {firm: ("t2", {"gap_ht_rd_yuan": 10000, "ht_field_met": 1})})
    plan_gaps_from_run(run=run3)
    assert PlanGap.objects.filter(enterprise=firm, key="ht_rd").count() == 2
    assert open_keys(firm) == ["ht_rd"]
    assert open_keys(other) == ["sme_points"]  # not in run 3: left as it was


def test_second_publication_of_the_same_run_changes_nothing(county_firms, gap_run):
    firm, other = county_firms["home"]
    run1 = gap_run(DAY1, {firm: ("t2", {"gap_ht_rd_yuan": 250000, "ht_field_met": 1})})
    run2 = gap_run(DAY2, {firm: ("t2", {"gap_ht_st_people": 2, "ht_field_met": 1}), other: ("t3", {})})
    plan_gaps_from_run(run=run1)
    plan_gaps_from_run(run=run2)
    before = snapshot()
    assert plan_gaps_from_run(run=run2) == {"opened": 0, "refreshed": 0, "closed": 0}
    assert snapshot() == before


def test_an_older_run_is_not_applied_after_a_newer_one(county_firms, gap_run):
    firm = county_firms["home"][0]
    old = gap_run(DAY1, {firm: ("t2", {"gap_ht_rd_yuan": 250000, "ht_field_met": 1})})
    new = gap_run(DAY2, {firm: ("t2", {"ht_field_met": 1})})
    place_from_run(run=new)
    plan_gaps_from_run(run=new)
    place_from_run(run=old)
    plan_gaps_from_run(run=old)
    assert PlanGap.objects.count() == 0


def test_publishing_a_scored_run_plans_its_gaps(city, run_scoring):
    run = run_scoring()
    assert run.status == "published"
    assert PlanGap.objects.filter(opened_run=run).exists()


@pytest.fixture
def planned(county_firms, gap_run):
    """Both counties' first firms in T2 with an R&D gap."""
    home, away = county_firms["home"][0], county_firms["away"][0]
    run = gap_run(DAY1, {firm: ("t2", {"gap_ht_rd_yuan": 50000, "ht_field_met": 1}) for firm in (home, away)})
    plan_gaps_from_run(run=run)
    return {"home": home, "away": away, "run": run}


def test_task_create_update_and_transitions_are_audited(planned):
    staff = factories.make_user(Role.COUNTY_STAFF, county_code="410402")
    firm = planned["home"]
    gap = PlanGap.objects.get(enterprise=firm)
    task = plan_task_create(enterprise=firm, actor=staff, gap=gap, what=" Hire an R&D accountant ", who="Finance",
                            due_on=DAY3, notes="")  # fmt: skip
    assert (task.what, task.status, task.gap) == ("Hire an R&D accountant", "todo", gap)
    plan_task_update(task=task, actor=staff, who="Ms Li", notes="Call on Monday")
    task.refresh_from_db()
    assert (task.who, task.notes) == ("Ms Li", "Call on Monday")
    with pytest.raises(ValidationError):
        plan_task_update(task=task, actor=staff, what="  ")
    with pytest.raises(ValidationError):
        plan_task_update(task=task, actor=staff, gap=PlanGap.objects.get(enterprise=planned["away"]))
    plan_task_transition(task=task, to="doing", actor=staff)
    plan_task_transition(task=task, to="done", actor=staff)
    with pytest.raises(ValidationError):
        plan_task_transition(task=task, to="dropped", actor=staff)  # done → dropped is not allowed
    task.refresh_from_db()
    assert task.status == "done"
    events = list(PlanTaskEvent.objects.filter(task=task).values_list("from_state", "to_state"))
    assert events == [("", "todo"), ("todo", "doing"), ("doing", "done")]
    with pytest.raises(ValueError):
        PlanTaskEvent.objects.first().save()


def test_only_staff_in_scope_write_plans(planned):
    county = factories.make_user(Role.COUNTY_STAFF, county_code="410402")
    firm_user = factories.make_user(Role.ENTERPRISE, enterprise=planned["home"])
    leader = factories.make_user(Role.LEADER)
    for actor, firm in ((county, planned["away"]), (firm_user, planned["home"]), (leader, planned["home"])):
        with pytest.raises(PermissionDenied):
            plan_task_create(enterprise=firm, actor=actor, what="x")
    city = factories.make_user(Role.CITY_STAFF)
    task = plan_task_create(enterprise=planned["away"], actor=city, what="Visit")
    with pytest.raises(PermissionDenied):
        plan_task_transition(task=task, to="doing", actor=county)
    assert PlanTask.objects.count() == 1


def plan_url(firm):
    return reverse("cultivation:plan", args=[firm.credit_code])


def test_staff_manage_tasks_through_the_page(client, planned):
    client.force_login(factories.make_user(Role.COUNTY_STAFF, county_code="410402"))
    firm = planned["home"]
    gap = PlanGap.objects.get(enterprise=firm)
    html = client.get(reverse("enterprises:detail", args=[firm.credit_code])).content.decode()
    assert plan_url(firm) in html
    response = client.post(
        reverse("cultivation:plan-task-create", args=[firm.credit_code]),
        {"gap": gap.pk, "what": "Budget R&D", "who": "CFO", "due_on": DAY3.isoformat(), "notes": ""},
    )
    assert response.status_code == 302
    task = PlanTask.objects.get()
    assert task.gap == gap
    client.post(reverse("cultivation:plan-task-update", args=[task.pk]), {"gap": gap.pk, "what": "Budget R&D 2026"})
    client.post(reverse("cultivation:plan-task-status", args=[task.pk]), {"status": "doing"})
    task.refresh_from_db()
    assert (task.what, task.status) == ("Budget R&D 2026", "doing")
    html = client.get(plan_url(firm)).content.decode()
    assert 'id="plan-task-form"' in html and "Budget R&amp;D 2026" in html and "plan-status-form" in html
    assert 'id="plan-read-only"' not in html


def test_closed_gap_shows_the_run_that_closed_it(client, planned, gap_run):
    firm = planned["home"]
    run2 = gap_run(DAY2, {firm: ("t2", {"ht_field_met": 1})})
    plan_gaps_from_run(run=run2)
    client.force_login(factories.make_user(Role.CITY_STAFF))
    html = client.get(plan_url(firm)).content.decode()
    closed = html[html.index('id="plan-closed-gaps"') :]
    assert "2026-03-02" in closed and "2026-03-01" in closed


def test_enterprise_user_sees_own_plan_read_only(client, planned):
    firm = planned["home"]
    task = plan_task_create(enterprise=firm, actor=factories.make_user(Role.CITY_STAFF), what="Visit")
    client.force_login(factories.make_user(Role.ENTERPRISE, enterprise=firm))
    response = client.get(plan_url(firm))
    html = response.content.decode()
    assert response.status_code == 200 and "Visit" in html and 'id="plan-read-only"' in html
    assert "<form" not in html.split('id="plan-open-gaps"')[1]
    create = reverse("cultivation:plan-task-create", args=[firm.credit_code])
    assert client.post(create, {"what": "x"}).status_code == 403
    assert client.post(reverse("cultivation:plan-task-status", args=[task.pk]), {"status": "done"}).status_code == 403
    assert client.get(plan_url(planned["away"])).status_code == 404
    task.refresh_from_db()
    assert task.status == "todo" and PlanTask.objects.count() == 1


def test_leader_reads_but_cannot_write(client, planned):
    client.force_login(factories.make_user(Role.LEADER))
    html = client.get(plan_url(planned["away"])).content.decode()
    assert 'id="plan-read-only"' in html and 'id="plan-task-form"' not in html
    create = reverse("cultivation:plan-task-create", args=[planned["away"].credit_code])
    assert client.post(create, {"what": "x"}).status_code == 403


def test_county_user_gets_404_for_another_countys_plan(client, planned):
    away = planned["away"]
    task = plan_task_create(enterprise=away, actor=factories.make_user(Role.CITY_STAFF), what="Visit")
    client.force_login(factories.make_user(Role.COUNTY_STAFF, county_code="410402"))
    assert client.get(plan_url(away)).status_code == 404
    assert (
        client.post(reverse("cultivation:plan-task-create", args=[away.credit_code]), {"what": "x"}).status_code == 404
    )
    assert client.post(reverse("cultivation:plan-task-update", args=[task.pk]), {"what": "x"}).status_code == 404
    assert client.post(reverse("cultivation:plan-task-status", args=[task.pk]), {"status": "done"}).status_code == 404
    assert client.get(f"/api/v1/plans/{away.credit_code}/").status_code == 404
    assert client.get(f"/api/v1/plan-tasks/{task.pk}/").status_code == 404
    assert (
        client.patch(f"/api/v1/plan-tasks/{task.pk}/", {"what": "x"}, content_type="application/json").status_code
        == 404
    )


def test_plan_page_query_count_is_fixed(client, planned, django_assert_num_queries):
    firm = planned["home"]
    staff = factories.make_user(Role.CITY_STAFF)
    for index in range(3):
        plan_task_create(enterprise=firm, actor=staff, what=f"Task {index}", gap=PlanGap.objects.get(enterprise=firm))
    client.force_login(staff)
    # Session, user, firm, gaps, tasks.
    with django_assert_num_queries(5):
        assert client.get(plan_url(firm)).status_code == 200


def test_api_plan_and_tasks(client, planned):
    firm = planned["home"]
    gap = PlanGap.objects.get(enterprise=firm)
    client.force_login(factories.make_user(Role.COUNTY_STAFF, county_code="410402"))
    response = client.post(
        "/api/v1/plan-tasks/",
        {"credit_code": firm.credit_code, "gap": gap.pk, "what": "Budget", "due_on": "2020-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    task_id = response.json()["id"]
    plan = client.get(f"/api/v1/plans/{firm.credit_code}/").json()
    assert [g["key"] for g in plan["open_gaps"]] == ["ht_rd"] and plan["closed_gaps"] == []
    assert [t["what"] for t in plan["tasks"]] == ["Budget"] and plan["can_edit"] is True
    assert client.get("/api/v1/plan-tasks/", {"overdue": "true"}).json()["count"] == 1
    url = f"/api/v1/plan-tasks/{task_id}/"
    response = client.patch(url, {"status": "done", "notes": "ok"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert client.get("/api/v1/plan-tasks/", {"overdue": "true"}).json()["count"] == 0
    assert client.get("/api/v1/plan-tasks/", {"status": "done", "county": "410402"}).json()["count"] == 1
    refused = client.patch(url, {"status": "dropped", "notes": "changed"}, content_type="application/json")
    assert refused.status_code == 409  # done meanwhile: it has moved on
    assert PlanTask.objects.get().notes == "ok"  # the refused PATCH changed nothing
    other_gap = PlanGap.objects.get(enterprise=planned["away"])
    assert client.patch(url, {"gap": other_gap.pk}, content_type="application/json").status_code == 400


def test_api_enterprise_user_reads_only(client, planned):
    firm = planned["home"]
    plan_task_create(enterprise=firm, actor=factories.make_user(Role.CITY_STAFF), what="Visit")
    client.force_login(factories.make_user(Role.ENTERPRISE, enterprise=firm))
    assert client.get(f"/api/v1/plans/{firm.credit_code}/").json()["can_edit"] is False
    response = client.post(
        "/api/v1/plan-tasks/", {"credit_code": firm.credit_code, "what": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert client.get(f"/api/v1/plans/{planned['away'].credit_code}/").status_code == 404


@pytest.mark.parametrize("tasks", [1, 4])
def test_api_query_counts_are_fixed(client, planned, django_assert_num_queries, tasks):
    firm = planned["home"]
    staff = factories.make_user(Role.CITY_STAFF)
    gap = PlanGap.objects.get(enterprise=firm)
    for index in range(tasks):
        plan_task_create(enterprise=firm, actor=staff, what=f"Task {index}", gap=gap)
    client.force_login(staff)
    # Session, user, firm, gaps, tasks.
    with django_assert_num_queries(5):
        assert client.get(f"/api/v1/plans/{firm.credit_code}/").status_code == 200
    # Session, user, count, page of tasks (firm, county and users joined).
    with django_assert_num_queries(4):
        assert client.get("/api/v1/plan-tasks/").json()["count"] == tasks
