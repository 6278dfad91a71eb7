"""An office whose every home figure was counted by hand (the expected numbers are in `office`'s docstring).

新华区 (X): x1…x6; 汝州市 (R): r1, r2. "Now" is when the fixture runs; ages are whole days before it (an hour
more, so that a day is never a few seconds short)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from cultivation.models import (
    Campaign,
    CampaignEntry,
    CampaignStage,
    CultivationWarning,
    TierPin,
    TierPlacement,
    WarningSeverity,
    WarningState,
)
from enterprises.credit_codes import make_credit_code
from enterprises.models import ImportJob
from firm_accounts.models import AccountRequest, AccountRequestState
from officers.demands import demand_create
from officers.models import Demand, DemandStatus, DemandUrgency
from policies.models import MatchStatus, NoticeRead, PolicyMatch
from scoring.models import Portrait, ScoringRun
from tests import factories
from tests.firm_accounts.factories import account_request
from tests.officers import factories as officer_factories
from tests.policies.factories import NoticeFactory, PolicyFactory
from tests.vouchers import factories as voucher_factories
from vouchers.models import ClaimStatus, VoucherClaim

XINHUA, RUZHOU, WEIDONG = "410402", "410482", "410403"
NOW = timezone.now()
TODAY = timezone.localdate()
YEAR = TODAY.year


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days, hours=1)


def day(days: int) -> datetime.date:
    """`days` from today (negative: before it)."""
    return TODAY + datetime.timedelta(days=days)


# The portrait of x1, a T2 firm: the names of its details and their values.
DETAIL = {
    "ht_st_ratio": 0.07, "gap_ht_st_people": 3.0,
    "ht_rd_ratio_3y": 0.021, "ht_rd_threshold": 0.05, "ht_rd_years": 3, "gap_ht_rd_yuan": 1234000.0,
    "ht_domestic_share": 0.9, "gap_ht_domestic_rd_yuan": None,
    "gap_ht_class2": 2.0, "ht_field_met": 1, "gap_ht_registered_days": None,
    "ht_high_tech_share": 0.65, "gap_ht_high_tech_revenue_yuan": 0.0,
    "gap_ht_capability_points": 12.5,
}  # fmt: skip


def claim(policy, firm, status, actors, *, submitted_days_ago=None, subsidy="30000"):
    """A claim of `firm` moved to `status` through the real transitions; its submission back-dated."""
    user = firm.users.filter(role=Role.ENTERPRISE).first() or voucher_factories.firm_user(firm)
    made = voucher_factories.draft(policy, user, expense=str(Decimal(subsidy) * 4), subsidy=subsidy)
    made = voucher_factories.move(made, voucher_factories.PATHS[status], {**actors, "enterprise": user})
    if submitted_days_ago is not None:
        VoucherClaim.objects.filter(pk=made.pk).update(submitted_at=ago(submitted_days_ago))
    return made


def warning(firm, kind, severity, state=WarningState.OPEN, *, days_ago=1):
    return CultivationWarning.objects.create(
        enterprise=firm, kind=kind, severity=severity, rule="test", state=state, opened_at=ago(days_ago)
    )


def import_job(user, status, *, days_ago, county=None):
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.ENTERPRISES, status=status, created_by=user, county=county, file="imports/test.csv",
        file_name="企业名录.csv", file_sha256="0" * 64, file_size=100,
    )  # fmt: skip
    ImportJob.objects.filter(pk=job.pk).update(created_at=ago(days_ago))
    return job


def entry(campaign, firm, stage, actor, *, days_ago=1):
    made = CampaignEntry.objects.create(campaign=campaign, enterprise=firm, stage=stage, selected_by=actor)
    CampaignEntry.objects.filter(pk=made.pk).update(updated_at=ago(days_ago))
    return made


def demand(firm, actor, *, urgency=DemandUrgency.NORMAL, days_ago=1, status=None):
    made = demand_create(enterprise=firm, actor=actor, category="talent", title=f"需求{firm.pk}",
                         description="d", urgency=urgency)  # fmt: skip
    Demand.objects.filter(pk=made.pk).update(filed_at=ago(days_ago), **({"status": status} if status else {}))
    return made


def match(policy, firm, status=MatchStatus.MEETS):
    nearly = status == MatchStatus.NEARLY
    return PolicyMatch.objects.create(
        policy=policy, enterprise=firm, county_id=firm.county_id, status=status,
        missing_index=0 if nearly else None, missing_field="rd_ratio" if nearly else "",
        missing_actual=0.021 if nearly else None,
    )  # fmt: skip


@pytest.fixture
def office(db, make_user):
    """Every role's work, with things that must not be counted next to those that must.

    Voucher claims (a policy of this year):
      x1 submitted 10 days ago, x2 submitted 3 days ago         → 新华区's county queue: 2, the oldest 10 days
      x2 county-approved, r1 county-approved                     → the city queue: 2
      x3 returned (reviewed), x1 draft, x1 rejected               → in no queue
      r1 submitted                                               → 汝州市's queue (not 新华区's)
      x1's claims under way: submitted and draft                  → the firm: 2 (its rejected one, and every other
                                                                    firm's, not)
    Open warnings: x1 high (20 days), x2 high (5 days), x3 medium  → 新华区: high 2 (oldest 20 days), medium 1: 3
      not counted: x4 low acknowledged, x5 high resolved; r1 high open (汝州市; the city's figure: 4 open)
    Account requests: x1 pending 6 days, x2 pending 1 day          → 新华区: 2, the oldest 6 days
      not counted: x3 refused; r1 pending (汝州市); a firm outside the registry (the city's)
    Imports of 新华区: checking (1 day), ready (2 days)            → in progress 2
      has errors (3 days)                                        → failed 1 (within 30 days)
      not counted: failed 40 days ago, committed; 汝州市's failed one; a city-level failed one
    Officer of 新华区 (`officer`), 90 days without a service is overdue:
      x2 assigned 200 days ago, never served                     → overdue, due 110 days ago
      x1 assigned 200 days ago, served 100 days ago              → overdue, due 10 days ago
      x3 assigned 10 days ago, x4 served 5 days ago              → not overdue (due in 80 and 85 days)
      r1 (汝州市's officer) assigned 200 days ago, never served   → overdue in 汝州市 only
      → 新华区: 2 overdue (x2 first); the officer: 4 firms, 2 overdue
    Demands: x1 critical (4 days), x2 normal (30 days) open       → the officer: 2, x1's first, the oldest 30 days
      not counted: x3 closed; x5 open (not the officer's firm); r1 open (汝州市)
    Campaigns: this year x1, x2 candidates, x3 pre-reviewed, x4 submitted; last year x6 still a candidate
      → 新华区: this year's candidates 2, pre-reviewed 1, submitted 1, last year's candidates 1: 5
      not counted: x5 approved, x6 withdrawn (this year); r1 candidate (汝州市: the city's 6)
    Pins in force: x1 ending in 10 days, r1 in 25 days            → the city: 2 ending within 30 days
      not counted: x2 ending in 60 days; x3's pin ended (it would have ended in 5 days)
    Policies for x1: A met (deadline in 20 days), B nearly met (no deadline) → 2
      not counted: C met but its deadline passed, D met but inactive, E met by x2 only
    Notices: one to every county and one to 新华区 unread        → x1's user: 2 unread
      not counted: one to every county it has read, one to 汝州市
    """
    xinhua, ruzhou = factories.county(XINHUA), factories.county(RUZHOU)
    x = {f"x{n}": factories.EnterpriseFactory(county=xinhua, name=f"新华测试{n}公司") for n in range(1, 7)}
    r = {f"r{n}": factories.EnterpriseFactory(county=ruzhou, name=f"汝州测试{n}公司") for n in range(1, 3)}
    firms = {**x, **r}
    admin = make_user(Role.CITY_ADMIN)
    users = {
        "county": make_user(Role.COUNTY_STAFF, county_code=XINHUA),
        "other_county": make_user(Role.COUNTY_STAFF, county_code=RUZHOU),
        "city": make_user(Role.CITY_STAFF),
        "admin": admin,
        "leader": make_user(Role.LEADER),
        "firm": voucher_factories.firm_user(firms["x1"]),
    }
    officer = officer_factories.officer(county_code=XINHUA)
    other_officer = officer_factories.officer(county_code=RUZHOU)
    users["officer"] = officer.user

    # Voucher claims.
    policy = voucher_factories.policy(actor=admin)
    x_actors = {"county": users["county"], "city": users["city"]}
    r_actors = {"county": users["other_county"], "city": users["city"]}
    claim(policy, firms["x1"], ClaimStatus.SUBMITTED, x_actors, submitted_days_ago=10)
    claim(policy, firms["x2"], ClaimStatus.SUBMITTED, x_actors, submitted_days_ago=3)
    claim(policy, firms["x2"], ClaimStatus.COUNTY_APPROVED, x_actors)
    claim(policy, firms["r1"], ClaimStatus.COUNTY_APPROVED, r_actors)
    claim(policy, firms["x3"], ClaimStatus.RETURNED, x_actors)
    claim(policy, firms["x1"], ClaimStatus.DRAFT, x_actors)
    claim(policy, firms["x1"], ClaimStatus.REJECTED, x_actors)
    claim(policy, firms["r1"], ClaimStatus.SUBMITTED, r_actors, submitted_days_ago=2)

    # Warnings.
    warning(firms["x1"], "certificate_expiring", WarningSeverity.HIGH, days_ago=20)
    warning(firms["x2"], "readiness_drop", WarningSeverity.HIGH, days_ago=5)
    warning(firms["x3"], "ip_falling", WarningSeverity.MEDIUM, days_ago=2)
    warning(firms["x4"], "no_service", WarningSeverity.LOW, WarningState.ACKNOWLEDGED)
    warning(firms["x5"], "certificate_expiring", WarningSeverity.HIGH, WarningState.RESOLVED)
    warning(firms["r1"], "certificate_expiring", WarningSeverity.HIGH)

    # Account requests.
    for firm, days_ago in (("x1", 6), ("x2", 1), ("r1", 1)):
        made = account_request(firms[firm])
        AccountRequest.objects.filter(pk=made.pk).update(submitted_at=ago(days_ago))
    account_request(credit_code=make_credit_code("91410400987654321"), firm_name="名录外公司")
    account_request(firms["x3"], state=AccountRequestState.REFUSED, decided_by=users["county"], decided_at=NOW,
                    refusal_reason="无法核实")  # fmt: skip

    # Imports.
    for status, days_ago in (
        (ImportJob.Status.VALIDATING, 1), (ImportJob.Status.READY, 2), (ImportJob.Status.INVALID, 3),
        (ImportJob.Status.FAILED, 40), (ImportJob.Status.COMMITTED, 1),
    ):  # fmt: skip
        import_job(users["county"], status, days_ago=days_ago, county=xinhua)
    import_job(users["other_county"], ImportJob.Status.FAILED, days_ago=1, county=ruzhou)
    import_job(users["city"], ImportJob.Status.FAILED, days_ago=1)

    # Officers, services and demands.
    for firm, assigned, served in (("x1", 200, 100), ("x2", 200, None), ("x3", 10, None), ("x4", 200, 5)):
        officer_factories.assign(firms[firm], officer, started_at=ago(assigned))
        if served is not None:
            officer_factories.service(firms[firm], officer, served_on=day(-served))
    officer_factories.assign(firms["r1"], other_officer, started_at=ago(200))
    demand(firms["x1"], users["county"], urgency=DemandUrgency.CRITICAL, days_ago=4)
    demand(firms["x2"], users["county"], days_ago=30)
    demand(firms["x3"], users["county"], status=DemandStatus.CLOSED)
    demand(firms["x5"], users["county"])
    demand(firms["r1"], users["other_county"])

    # Campaigns.
    this_year = Campaign.objects.create(year=YEAR, title="高企申报", opened_by=users["city"])
    last_year = Campaign.objects.create(year=YEAR - 1, title="去年高企申报", opened_by=users["city"])
    for firm, stage, days_ago in (
        ("x1", CampaignStage.CANDIDATE, 30), ("x2", CampaignStage.CANDIDATE, 8), ("x3", CampaignStage.PRE_REVIEWED, 12),
        ("x4", CampaignStage.SUBMITTED, 40), ("x5", CampaignStage.APPROVED, 2), ("x6", CampaignStage.WITHDRAWN, 2),
        ("r1", CampaignStage.CANDIDATE, 1),
    ):  # fmt: skip
        entry(this_year, firms[firm], stage, users["city"], days_ago=days_ago)
    entry(last_year, firms["x6"], CampaignStage.CANDIDATE, users["city"], days_ago=300)

    # Pins.
    for firm, ends_in, ended in (("x1", 10, False), ("r1", 25, False), ("x2", 60, False), ("x3", 5, True)):
        TierPin.objects.create(
            enterprise=firms[firm], tier="t2", reason="保持培育", ends_on=day(ends_in), created_by=users["city"],
            ended_at=NOW if ended else None, ended_by=users["city"] if ended else None,
        )  # fmt: skip

    # The firm's portrait, placement, policies and notices.
    run = ScoringRun.objects.create(
        run_date=TODAY, ruleset_year=2026, forced=True, status=ScoringRun.Status.PUBLISHED, finished_at=NOW,
        detail_keys=list(DETAIL),
    )  # fmt: skip
    Portrait.objects.create(
        run=run, enterprise=firms["x1"], county=xinhua, tier="t2", readiness=60, sme_score=70, sme_eligible=True,
        sme_passes=True, capability_estimate=57.5, capability_low=50, capability_high=65, conditions_met=4,
        innovative_sme_score=50, gazelle_candidate=False, srdi_candidate=False, above_scale=False, innovative=True,
        detail=list(DETAIL.values()),
    )  # fmt: skip
    TierPlacement.objects.create(enterprise=firms["x1"], tier="t2", county=xinhua, since=TODAY, readiness=60)
    conditions = [{"field": "rd_ratio", "op": "gte", "value": "0.03"}]
    policies = {
        "A": PolicyFactory(title="政策A", applies_until=day(20)),
        "B": PolicyFactory(title="政策B", applies_until=None, conditions=conditions),
        "C": PolicyFactory(title="政策C", applies_until=day(-1)),
        "D": PolicyFactory(title="政策D", active=False),
        "E": PolicyFactory(title="政策E"),
    }
    match(policies["A"], firms["x1"])
    match(policies["B"], firms["x1"], MatchStatus.NEARLY)
    match(policies["C"], firms["x1"])
    match(policies["D"], firms["x1"])
    match(policies["E"], firms["x2"])
    NoticeFactory(title="全市通知")
    NoticeFactory(title="新华区通知", county=xinhua)
    NoticeRead.objects.create(notice=NoticeFactory(title="已读通知"), user=users["firm"])
    NoticeFactory(title="汝州市通知", county=ruzhou)
    return {"firms": firms, "users": users, "officer": officer, "policy": policy}


def grow(office) -> None:
    """One more of everything each home counts (in 新华区, for the officer and for x1), so that a test can show
    that the homes' numbers of queries do not depend on the amount of data."""
    firms, users = office["firms"], office["users"]
    extra = [factories.EnterpriseFactory(county=firms["x1"].county) for _ in range(3)]
    actors = {"county": users["county"], "city": users["city"]}
    for firm in extra:
        claim(office["policy"], firm, ClaimStatus.SUBMITTED, actors, submitted_days_ago=1)
        claim(office["policy"], firm, ClaimStatus.COUNTY_APPROVED, actors)
        warning(firm, "certificate_expiring", WarningSeverity.LOW)
        account_request(firm)
        import_job(users["county"], ImportJob.Status.FAILED, days_ago=1, county=firm.county)
        officer_factories.assign(firm, office["officer"], started_at=ago(300))
        demand(firm, users["county"], urgency=DemandUrgency.URGENT)
        entry(Campaign.objects.get(year=YEAR), firm, CampaignStage.SUBMITTED, users["city"])
        TierPin.objects.create(enterprise=firm, tier="t1", reason="r", ends_on=day(3), created_by=users["city"])
    claim(office["policy"], firms["x1"], ClaimStatus.DRAFT, actors)
    match(PolicyFactory(title="政策F"), firms["x1"])
    NoticeFactory(title="又一通知")
