"""Test data of the officers module: officers, a published scoring run with innovative portraits, assignments."""

import datetime

from django.utils import timezone

from accounts.models import Role
from officers.models import Assignment, AssignmentSource, OfficerLevel, OfficerProfile, ServiceLog
from scoring.models import Portrait, ScoringRun
from tests import factories


def officer(*, county_code: str | None = "410402", expertise=(), max_load: int = 15, level=None, username=None):
    """An officer user with a profile: county level when a county is given, else city level."""
    user = factories.make_user(Role.OFFICER, username=username)
    county = factories.county(county_code) if county_code else None
    return OfficerProfile.objects.create(
        user=user,
        level=level or (OfficerLevel.COUNTY if county else OfficerLevel.CITY),
        county=county,
        expertise=list(expertise),
        max_load=max_load,
    )


def published_run(on: datetime.date | None = None) -> ScoringRun:
    return ScoringRun.objects.create(
        run_date=on or timezone.localdate(),
        ruleset_year=2026,
        forced=True,
        status=ScoringRun.Status.PUBLISHED,
        finished_at=timezone.now(),
    )


def portraits(run, firms, *, innovative=True, tier="t2", readiness=50.0):
    Portrait.objects.bulk_create(
        Portrait(
            run=run, enterprise=firm, county_id=firm.county_id, tier=tier, readiness=readiness, sme_score=40,
            sme_eligible=True, sme_passes=False, capability_estimate=50, capability_low=40, capability_high=60,
            conditions_met=4, innovative_sme_score=40, gazelle_candidate=False, srdi_candidate=False,
            above_scale=False, innovative=innovative,
        )
        for firm in firms
    )  # fmt: skip


def innovative_firms(run, count: int, *, county_code: str = "410402", field: str = "", tier="t2"):
    county = factories.county(county_code)
    firms = factories.EnterpriseFactory.create_batch(count, county=county, high_tech_field=field)
    portraits(run, firms, tier=tier)
    return firms


def assign(firm, profile, *, by=None, started_at=None) -> Assignment:
    """An active assignment made directly (with the officer's load kept in step), for tests of what reads them."""
    by = by or factories.make_user(Role.CITY_STAFF)
    assignment = Assignment.objects.create(
        enterprise=firm,
        officer=profile,
        source=AssignmentSource.MANUAL,
        started_at=started_at or timezone.now(),
        assigned_by=by,
    )
    OfficerProfile.objects.filter(pk=profile.pk).update(load=profile.assignments.filter(ended_at__isnull=True).count())
    profile.refresh_from_db()
    return assignment


def service(firm, profile, *, served_on, kind="policy"):
    return ServiceLog.objects.create(
        enterprise=firm, officer=profile, served_on=served_on, kind=kind, duration_minutes=60, what_done="visit",
        created_by=profile.user,
    )  # fmt: skip
