"""A small city whose every dashboard figure was counted by hand (the numbers are written next to the data).

新华区 (X): x1…x6; 汝州市 (R): r1…r4. "Now" is today; "a year ago" is the same day last year.

qualifications valid …           now                         a year ago
  x1 high-tech, gazelle           high-tech, gazelle          high-tech
  x2 tech-SME                     tech-SME                    —
  x3 tech-SME, provincial 专精特新  tech-SME, 专精特新            专精特新
  x4 high-tech (ended 10 days ago) —                          high-tech
  r1 high-tech (from 200 days ago) high-tech                   —
  r2 national 小巨人, tech-SME      both                        —
  r4 R&D platform                 R&D platform                R&D platform

last year's figures (above scale from 20,000,000 yuan revenue):
  above scale with R&D: x1, x3, r1, r2 (exactly 20 M); above scale without R&D: x4, x6
  below: x2, x5, r3 (19,999,999.99); r4 has only a row older than six years (ignored)
officers: x1 (since 30 days), x2 (since 2 years), r1 (since 30 days) active; x3's ended 20 days ago (2 years long)
vouchers this year (budget 1,000,000): x2 30,000 paid; x3 50,000 city approved, 20,000 submitted;
  r2 40,000 in public notice, 10,000 rejected
campaign this year: X one approved, one failed, one submitted; R one approved
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from cultivation.models import (
    Campaign,
    CampaignEntry,
    CampaignEvent,
    CampaignStage,
    PlacementTally,
    TierMovement,
    TierPlacement,
)
from enterprises.models import QualificationKind
from officers.models import Assignment, AssignmentSource
from tests import factories
from tests.officers import factories as officer_factories
from tests.vouchers import factories as voucher_factories
from vouchers.models import ClaimStatus

TODAY = timezone.localdate()
YEAR = TODAY.year
DAY = datetime.timedelta(days=1)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def qualification(firm, kind, valid_from, valid_to):
    factories.QualificationFactory(enterprise=firm, kind=kind, valid_from=valid_from, valid_to=valid_to)


def figures(firm, year, revenue, rd):
    factories.IndicatorFactory(
        enterprise=firm, year=year, revenue=Decimal(revenue), main_business_revenue=Decimal(revenue),
        rd_expense=Decimal(rd), high_tech_revenue=Decimal(0),
    )  # fmt: skip


def entry(campaign, firm, stage, actor):
    made = CampaignEntry.objects.create(campaign=campaign, enterprise=firm, stage=stage, selected_by=actor)
    CampaignEvent.objects.create(entry=made, from_state="", to_state=CampaignStage.CANDIDATE, actor=actor)
    if stage != CampaignStage.CANDIDATE:
        CampaignEvent.objects.create(entry=made, from_state=CampaignStage.SUBMITTED, to_state=stage, actor=actor)
    return made


@pytest.fixture
def small_city(db, make_user):
    xinhua, ruzhou = factories.county("410402"), factories.county("410482")
    x = {f"x{n}": factories.EnterpriseFactory(county=xinhua, name=f"新华测试{n}公司") for n in range(1, 7)}
    r = {f"r{n}": factories.EnterpriseFactory(county=ruzhou, name=f"汝州测试{n}公司") for n in range(1, 5)}
    firms = {**x, **r}
    now_only = (TODAY - 100 * DAY, TODAY + 100 * DAY)
    both = (years_before(TODAY, 2), TODAY + 365 * DAY)
    qualification(firms["x1"], QualificationKind.HIGH_TECH, *both)
    qualification(firms["x1"], QualificationKind.GAZELLE, TODAY - 100 * DAY, TODAY + 300 * DAY)
    qualification(firms["x2"], QualificationKind.TECH_SME, *now_only)
    qualification(firms["x3"], QualificationKind.TECH_SME, *now_only)
    qualification(firms["x3"], QualificationKind.SRDI_PROVINCIAL, *both)
    qualification(firms["x4"], QualificationKind.HIGH_TECH, years_before(TODAY, 3), TODAY - 10 * DAY)
    qualification(firms["r1"], QualificationKind.HIGH_TECH, TODAY - 200 * DAY, TODAY + 730 * DAY)
    qualification(firms["r2"], QualificationKind.SRDI_NATIONAL, TODAY - 100 * DAY, TODAY + 730 * DAY)
    qualification(firms["r2"], QualificationKind.TECH_SME, *now_only)
    qualification(firms["r4"], QualificationKind.RD_PLATFORM, years_before(TODAY, 5), TODAY + 365 * DAY)

    last = YEAR - 1
    for name, revenue, rd in (
        ("x1", "50000000", "2000000"), ("x2", "5000000", "300000"), ("x3", "25000000", "1000000"),
        ("x4", "30000000", "0"), ("x5", "1000000", "0"), ("x6", "22000000", "0"), ("r1", "80000000", "4000000"),
        ("r2", "20000000", "1500000"), ("r3", "19999999.99", "500000"),
    ):  # fmt: skip
        figures(firms[name], last, revenue, rd)
    # The end of the year before last: x6 above scale with R&D, x1 below scale.
    figures(firms["x6"], YEAR - 2, "30000000", "200000")
    figures(firms["x1"], YEAR - 2, "15000000", "1000000")
    # Too old to count (more than six years before any point).
    figures(firms["r4"], YEAR - 12, "100000000", "5000000")

    staff = make_user(Role.CITY_STAFF)
    officer = officer_factories.officer(county_code="410402", max_load=15)
    for name, started, ended in (
        ("x1", TODAY - 30 * DAY, None), ("x2", years_before(TODAY, 2), None), ("r1", TODAY - 30 * DAY, None),
        ("x3", years_before(TODAY, 2), TODAY - 20 * DAY),
    ):  # fmt: skip
        at = timezone.make_aware(datetime.datetime.combine(started, datetime.time(10)))
        end = timezone.make_aware(datetime.datetime.combine(ended, datetime.time(10))) if ended else None
        Assignment.objects.create(
            enterprise=firms[name], officer=officer, source=AssignmentSource.MANUAL, started_at=at,
            assigned_by=staff, ended_at=end,
        )  # fmt: skip

    admin = make_user(Role.CITY_ADMIN)
    policy = voucher_factories.policy(actor=admin, city_budget=Decimal("1000000"))
    actors = {
        "county": make_user(Role.COUNTY_STAFF, county_code="410402"),
        "city": staff,
    }
    other_county = make_user(Role.COUNTY_STAFF, county_code="410482")
    paths = voucher_factories.PATHS
    for firm, subsidy, status in (
        ("x2", "30000", ClaimStatus.PAID), ("x3", "50000", ClaimStatus.CITY_APPROVED),
        ("x3", "20000", ClaimStatus.SUBMITTED), ("r2", "40000", ClaimStatus.PUBLICITY),
        ("r2", "10000", ClaimStatus.REJECTED),
    ):  # fmt: skip
        user = voucher_factories.firm_user(firms[firm]) if not firms[firm].users.exists() else firms[firm].users.get()
        claim = voucher_factories.draft(policy, user, expense=str(Decimal(subsidy) * 4), subsidy=subsidy)
        county_actor = actors["county"] if firms[firm].county_id == xinhua.pk else other_county
        voucher_factories.move(claim, paths[status], {"enterprise": user, "county": county_actor, "city": staff})

    campaign = Campaign.objects.create(year=YEAR, title="高企申报", opened_by=staff)
    entry(campaign, firms["x4"], CampaignStage.APPROVED, staff)
    entry(campaign, firms["x5"], CampaignStage.FAILED, staff)
    entry(campaign, firms["x6"], CampaignStage.SUBMITTED, staff)
    entry(campaign, firms["r3"], CampaignStage.APPROVED, staff)

    # Tiers now (the tallies cultivation keeps), readiness for the distribution, and moves by month.
    for county, tier, number in ((xinhua, "outside", 2), (xinhua, "t1", 2), (xinhua, "t2", 1), (xinhua, "t3", 1),
                                 (ruzhou, "outside", 1), (ruzhou, "t2", 3)):  # fmt: skip
        PlacementTally.objects.create(county=county, tier=tier, firms=number, listed=number)
    for name, tier, readiness in (("x2", "t1", 15), ("x3", "t1", 17.5), ("x4", "t2", 65), ("x1", "t3", 100),
                                  ("r2", "t2", 5), ("r3", "t2", None)):  # fmt: skip
        TierPlacement.objects.create(
            enterprise=firms[name], tier=tier, county_id=firms[name].county_id, since=TODAY, readiness=readiness
        )
    this_month = TODAY.replace(day=1)
    previous_month = (this_month - DAY).replace(day=1)
    for name, direction, day in (("x2", 1, this_month), ("x3", -1, previous_month), ("x4", 1, previous_month),
                                 ("r2", 0, this_month), ("r1", 1, years_before(this_month, 1) - 31 * DAY)):  # fmt: skip
        TierMovement.objects.create(
            enterprise=firms[name], from_tier="t1", to_tier="t2", direction=direction, date=day, cause="rules"
        )
    return {"xinhua": xinhua, "ruzhou": ruzhou, "firms": firms, "this_month": this_month,
            "previous_month": previous_month}  # fmt: skip


@pytest.fixture
def refreshed(small_city):
    from dashboards.services import refresh_dashboard

    small_city["refresh"] = refresh_dashboard(trigger="manual")
    return small_city
