"""The aggregates follow the changes that move a figure: each is refreshed once the change commits, inline here (the
test settings run tasks eagerly) and by a real Celery worker over Redis in the last test."""

import subprocess
import sys
import uuid
from decimal import Decimal

import pytest

from accounts.models import Role
from cultivation.models import CampaignEntry, CampaignStage
from cultivation.workflows import campaign_entry_transition
from dashboards.models import CountyFigures, DashboardRefresh, PointKind, RefreshTrigger
from dashboards.services import refresh_dashboard
from tests.dashboards.conftest import TODAY
from tests.data.make_corpus import R1
from tests.processes import process_env, wait_for
from tests.scoring.test_worker import BASE_DIR, worker  # noqa: F401  (the worker fixture)
from tests.vouchers import factories as voucher_factories
from vouchers.models import ClaimStatus, VoucherClaim, VoucherPolicy
from vouchers.workflows import claim_transition


def _current(county, refresh=None) -> CountyFigures:
    refresh = refresh or DashboardRefresh.objects.order_by("-pk").first()
    return CountyFigures.objects.get(point__refresh=refresh, point__kind=PointKind.CURRENT, county=county)


def _county_approved_claim(small_city, make_user, subsidy="25000"):
    firm = small_city["firms"]["x2"]
    user = firm.users.get()
    claim = voucher_factories.draft(VoucherPolicy.objects.get(), user, expense="100000", subsidy=subsidy)
    county = make_user(Role.COUNTY_STAFF, county_code="410402")
    return voucher_factories.move(claim, voucher_factories.PATHS[ClaimStatus.COUNTY_APPROVED], {
        "enterprise": user, "county": county})  # fmt: skip


def test_aggregates_change_after_a_claim_is_approved(refreshed, make_user, django_capture_on_commit_callbacks):
    xinhua = refreshed["xinhua"]
    before = _current(xinhua)
    assert before.vouchers_granted == Decimal("80000")
    claim = _county_approved_claim(refreshed, make_user)
    # Submitted and county-approved claims are not yet granted: no refresh was queued for them.
    assert DashboardRefresh.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        claim_transition(claims=[claim], to=ClaimStatus.CITY_APPROVED, actor=make_user(Role.CITY_STAFF))
    assert len(callbacks) == 1  # one refresh queued (it ran inline)
    refresh = DashboardRefresh.objects.order_by("-pk").first()
    assert refresh.pk != refreshed["refresh"].pk and refresh.trigger == RefreshTrigger.CLAIM
    after = _current(xinhua, refresh)
    assert after.vouchers_granted == Decimal("105000") and after.vouchers_granted_claims == 3
    assert _current(refreshed["ruzhou"], refresh).vouchers_granted == Decimal("40000")


def test_a_granted_claim_rejected_in_the_notice_leaves_the_figures(refreshed, make_user,
                                                                   django_capture_on_commit_callbacks):  # fmt: skip
    claim = VoucherClaim.objects.get(enterprise=refreshed["firms"]["r2"], status=ClaimStatus.PUBLICITY)
    with django_capture_on_commit_callbacks(execute=True):
        claim_transition(claims=[claim], to=ClaimStatus.REJECTED, actor=make_user(Role.CITY_STAFF), comment="异议成立")
    assert _current(refreshed["ruzhou"]).vouchers_granted == 0


def test_a_campaign_outcome_refreshes_the_pass_rate(refreshed, make_user, django_capture_on_commit_callbacks):
    entry = CampaignEntry.objects.get(enterprise=refreshed["firms"]["x6"])
    assert entry.stage == CampaignStage.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        campaign_entry_transition(entry=entry, to=CampaignStage.FAILED, actor=make_user(Role.CITY_STAFF),
                                  reason="研发费用占比不足")  # fmt: skip
    figures = _current(refreshed["xinhua"])
    assert (figures.campaign_approved, figures.campaign_decided) == (1, 3)
    assert DashboardRefresh.objects.order_by("-pk").first().trigger == RefreshTrigger.CAMPAIGN


def test_an_imported_qualification_is_counted(run_import, run_commit, corpus_registry, make_user):
    refresh_dashboard()
    xinhua = corpus_registry[R1["credit_code"]].county  # the file's high-tech firm
    before = _current(xinhua).high_tech
    city = make_user(Role.CITY_STAFF)
    job = run_commit(run_import("good_qualifications.csv", user=city, kind="qualifications"), user=city)
    assert job.status == "committed"
    refresh = DashboardRefresh.objects.order_by("-pk").first()
    assert refresh.trigger == RefreshTrigger.IMPORT
    # The file's high-tech certificate (2024-12-01 to 2027-11-30) is valid today.
    assert TODAY.isoformat() <= "2027-11-30"
    assert _current(xinhua, refresh).high_tech == before + 1


def test_publishing_a_scoring_run_refreshes(small_city, django_capture_on_commit_callbacks):
    from pipeline import nightly

    with django_capture_on_commit_callbacks(execute=True):
        run = nightly.start_run(on=TODAY, force=True)
    run.refresh_from_db()
    assert run.status == "published"
    refresh = DashboardRefresh.objects.get()
    assert refresh.trigger == RefreshTrigger.SCORING
    # The run placed the firms: the funnel now counts what the placement tallies hold.
    figures = _current(small_city["xinhua"], refresh)
    assert sum((figures.tier_outside, figures.tier_t1, figures.tier_t2, figures.tier_t3)) == 6


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_refreshes_after_an_approval_in_another_process(small_city, worker, make_user):  # noqa: F811
    refresh_dashboard()
    claim = _county_approved_claim(small_city, make_user, subsidy="15000")
    city = make_user(Role.CITY_STAFF)
    code = (
        "from accounts.models import User\n"
        "from vouchers.models import VoucherClaim\n"
        "from vouchers.workflows import claim_transition\n"
        f"claim_transition(claims=[VoucherClaim.objects.get(pk={claim.pk})], to='city_approved',"
        f" actor=User.objects.get(pk={city.pk}))\n"
    )
    env = {**process_env(worker["queue"]), "CACHE_KEY_PREFIX": f"dashboards-test-{uuid.uuid4().hex[:8]}"}
    output = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert output.returncode == 0, output.stderr[-3000:]

    def refreshed_by_worker():
        return DashboardRefresh.objects.filter(trigger=RefreshTrigger.CLAIM).order_by("-pk").first()

    refresh = wait_for(refreshed_by_worker, timeout=60, interval=0.2, what="the worker's refresh")
    assert _current(small_city["xinhua"], refresh).vouchers_granted == Decimal("95000")
    assert "dashboards.refresh" in worker["log"].read_text()
