"""The nightly no-service warning: raised for an assigned firm without service for the configured days,
auto-resolved by the next run once a service is logged."""

import datetime

from django.utils import timezone

from cultivation.models import CultivationWarning
from cultivation.services import place_from_run
from cultivation.warnings import warnings_from_run
from officers.models import OfficerSettings
from officers.warnings import NO_SERVICE
from scoring.models import ScoringRun
from tests import factories
from tests.officers import factories as officer_factories

DAY1 = datetime.date(2026, 6, 1)
DAY2 = DAY1 + datetime.timedelta(days=1)


def make_run(on):
    return ScoringRun.objects.create(run_date=on, ruleset_year=2026, forced=True)


def publish(run, firms):
    officer_factories.portraits(run, firms)
    place_from_run(run=run)
    return warnings_from_run(run=run)


def live_no_service():
    return dict(
        CultivationWarning.objects.filter(kind=NO_SERVICE.kind, state__in=["open", "acknowledged"]).values_list(
            "enterprise_id", "severity"
        )
    )


def test_no_service_warning_opens_and_auto_resolves(db):
    officer = officer_factories.officer()
    assigned_long_ago = timezone.make_aware(datetime.datetime(2025, 12, 1, 9))
    served, unserved, never, fresh, unassigned = factories.EnterpriseFactory.create_batch(5)
    for firm in (served, unserved, never):
        officer_factories.assign(firm, officer, started_at=assigned_long_ago)
    officer_factories.assign(fresh, officer, started_at=timezone.make_aware(datetime.datetime(2026, 5, 20, 9)))
    officer_factories.service(served, officer, served_on=DAY1 - datetime.timedelta(days=89))
    officer_factories.service(unserved, officer, served_on=DAY1 - datetime.timedelta(days=91))
    firms = [served, unserved, never, fresh, unassigned]
    publish(make_run(DAY1), firms)
    # Never served since December: more than twice the 90 days, so high.
    assert live_no_service() == {unserved.pk: "medium", never.pk: "high"}
    warning = CultivationWarning.objects.get(enterprise=unserved, kind=NO_SERVICE.kind)
    assert warning.values["value"] == 91 and warning.values["threshold"] == 90
    assert warning.values["last_service"] == (DAY1 - datetime.timedelta(days=91)).isoformat()
    assert warning.rule == "officers.no_service_days"
    # A service is logged; the next run finds the condition cleared.
    officer_factories.service(unserved, officer, served_on=DAY2)
    summary = publish(make_run(DAY2), firms)
    assert live_no_service() == {never.pk: "high"}
    warning.refresh_from_db()
    assert warning.state == "auto_resolved" and summary["auto_resolved"] == 1


def test_the_days_come_from_the_officer_settings(db):
    OfficerSettings.objects.create(no_service_days=30)
    officer = officer_factories.officer()
    firm = factories.EnterpriseFactory()
    officer_factories.assign(firm, officer, started_at=timezone.make_aware(datetime.datetime(2026, 1, 1, 9)))
    officer_factories.service(firm, officer, served_on=DAY1 - datetime.timedelta(days=31))
    publish(make_run(DAY1), [firm])
    assert live_no_service() == {firm.pk: "medium"}
    assert CultivationWarning.objects.get().values["threshold"] == 30


def test_an_ended_assignment_raises_nothing(db, city_staff):
    from officers.services import unassign_officer

    officer = officer_factories.officer()
    firm = factories.EnterpriseFactory()
    officer_factories.assign(firm, officer, started_at=timezone.make_aware(datetime.datetime(2025, 1, 1, 9)))
    unassign_officer(enterprise=firm, actor=city_staff, reason="moved")
    publish(make_run(DAY1), [firm])
    assert live_no_service() == {}


def test_the_days_and_the_severity_come_from_the_runs_rule_set_without_settings(db, monkeypatch):
    from dataclasses import replace

    from rulesets import RULESETS, OfficerRules

    rules = OfficerRules(no_service_days=30, no_service_high_factor=3)
    monkeypatch.setitem(RULESETS, 2026, replace(RULESETS[2026], officers=rules))
    officer = officer_factories.officer()
    medium, high = factories.EnterpriseFactory.create_batch(2)
    for firm in (medium, high):
        officer_factories.assign(firm, officer, started_at=timezone.make_aware(datetime.datetime(2025, 1, 1, 9)))
    officer_factories.service(medium, officer, served_on=DAY1 - datetime.timedelta(days=89))
    officer_factories.service(high, officer, served_on=DAY1 - datetime.timedelta(days=90))
    publish(make_run(DAY1), [medium, high])
    assert live_no_service() == {medium.pk: "medium", high.pk: "high"}
    assert CultivationWarning.objects.filter(values__threshold=30).count() == 2
