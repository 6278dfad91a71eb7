import itertools
import random
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from accounts.models import Role
from tests import factories
from tests.vouchers import factories as vf
from vouchers.models import (
    QUOTA_HOLDING,
    ClaimDocument,
    ClaimStatus,
    DocumentKind,
    VoucherBudget,
    VoucherClaim,
    VoucherQuota,
)
from vouchers.selectors import claims_sum, quota_for
from vouchers.services import claim_create, policy_update
from vouchers.workflows import claim_transition

CAP = Decimal("500000")


def _quota(firm, year=vf.YEAR):
    return VoucherQuota.objects.get(enterprise=firm, year=year)


def test_the_default_cap_comes_from_the_rule_set(voucher_world):
    assert voucher_world["policy"].annual_cap == CAP
    assert quota_for(enterprise_id=voucher_world["firm"].pk, policy=voucher_world["policy"]).remaining == CAP


def test_submission_takes_the_quota_and_every_way_out_gives_it_back(voucher_world, actors):
    world, firm = voucher_world, voucher_world["firm"]
    claim = vf.draft(world["policy"], world["enterprise"], expense="400000", subsidy="120000")
    claim = vf.move(claim, vf.PATHS[ClaimStatus.SUBMITTED], actors)
    assert _quota(firm).committed == Decimal("120000")
    claim = claim_transition(claims=[claim], to=ClaimStatus.RETURNED, actor=world["county"], comment="fix")[0]
    assert _quota(firm).committed == 0
    claim = claim_transition(claims=[claim], to=ClaimStatus.SUBMITTED, actor=world["enterprise"])[0]
    assert _quota(firm).committed == Decimal("120000")
    claim = claim_transition(claims=[claim], to=ClaimStatus.COUNTY_APPROVED, actor=world["county"])[0]
    claim = claim_transition(claims=[claim], to=ClaimStatus.RETURNED, actor=world["city"], comment="fix")[0]
    assert _quota(firm).committed == 0
    claim = claim_transition(claims=[claim], to=ClaimStatus.WITHDRAWN, actor=world["enterprise"])[0]
    assert _quota(firm).committed == 0
    other = vf.move(vf.draft(world["policy"], world["enterprise"]), vf.PATHS[ClaimStatus.PAID], actors)
    assert _quota(firm).committed == other.subsidy_requested
    rejected = vf.move(vf.draft(world["policy"], world["enterprise"]), vf.PATHS[ClaimStatus.REJECTED], actors)
    assert rejected.status == ClaimStatus.REJECTED
    assert _quota(firm).committed == other.subsidy_requested == claims_sum(year=vf.YEAR, enterprise_id=firm.pk)


def test_a_claim_above_the_remaining_quota_is_refused_and_changes_nothing(voucher_world, actors):
    world = voucher_world
    vf.move(vf.draft(world["policy"], world["enterprise"], expense="1500000", subsidy="450000"),
            vf.PATHS[ClaimStatus.SUBMITTED], actors)  # fmt: skip
    claim = vf.draft(world["policy"], world["enterprise"], expense="300000", subsidy="60000")
    with pytest.raises(ValidationError) as error:
        claim_transition(claims=[claim], to=ClaimStatus.SUBMITTED, actor=world["enterprise"])
    assert "50000" in " ".join(error.value.message_dict["subsidy_requested"])
    assert VoucherClaim.objects.get(pk=claim.pk).status == ClaimStatus.DRAFT
    assert _quota(world["firm"]).committed == Decimal("450000")
    assert not claim.events.filter(to_state=ClaimStatus.SUBMITTED).exists()


def test_the_check_constraint_backs_the_cap(voucher_world, actors):
    vf.move(vf.draft(voucher_world["policy"], voucher_world["enterprise"]), vf.PATHS[ClaimStatus.SUBMITTED], actors)
    with pytest.raises(IntegrityError), transaction.atomic():
        VoucherQuota.objects.filter(enterprise=voucher_world["firm"]).update(committed=F("cap") + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        VoucherQuota.objects.filter(enterprise=voucher_world["firm"]).update(committed=-1)


def test_the_city_budget_is_enforced_at_city_approval(voucher_world, actors):
    world = voucher_world
    policy_update(policy=world["policy"], actor=world["admin"], city_budget=Decimal("100000"))
    first = vf.move(vf.draft(world["policy"], world["enterprise"], expense="300000", subsidy="80000"),
                    vf.PATHS[ClaimStatus.CITY_APPROVED], actors)  # fmt: skip
    second = vf.move(vf.draft(world["policy"], world["enterprise"], expense="100000", subsidy="30000"),
                     vf.PATHS[ClaimStatus.COUNTY_APPROVED], actors)  # fmt: skip
    with pytest.raises(ValidationError):
        claim_transition(claims=[second], to=ClaimStatus.CITY_APPROVED, actor=world["city"])
    assert VoucherBudget.objects.get(year=vf.YEAR).committed == Decimal("80000")
    first = claim_transition(claims=[first], to=ClaimStatus.PUBLICITY, actor=world["city"])[0]
    claim_transition(claims=[first], to=ClaimStatus.REJECTED, actor=world["city"], comment="objection upheld")
    assert VoucherBudget.objects.get(year=vf.YEAR).committed == 0
    claim_transition(claims=[second], to=ClaimStatus.CITY_APPROVED, actor=world["city"])
    assert VoucherBudget.objects.get(year=vf.YEAR).committed == Decimal("30000")
    with pytest.raises(ValidationError):
        policy_update(policy=world["policy"], actor=world["admin"], city_budget=Decimal("20000"))


def test_a_new_cap_reaches_every_quota_row_unless_claims_exceed_it(voucher_world, actors):
    world = voucher_world
    vf.move(vf.draft(world["policy"], world["enterprise"], expense="1000000", subsidy="200000"),
            vf.PATHS[ClaimStatus.SUBMITTED], actors)  # fmt: skip
    with pytest.raises(ValidationError) as error:
        policy_update(policy=world["policy"], actor=world["admin"], annual_cap=Decimal("150000"))
    assert "annual_cap" in error.value.message_dict
    assert _quota(world["firm"]).cap == CAP
    policy_update(policy=world["policy"], actor=world["admin"], annual_cap=Decimal("300000"))
    assert _quota(world["firm"]).cap == Decimal("300000")
    with pytest.raises(PermissionDenied):
        policy_update(policy=world["policy"], actor=world["city"], annual_cap=Decimal("400000"))


# ---------------------------------------------------------------------------------------------------------------
# Under concurrency, on PostgreSQL


THREADS = 40
STEPS_PER_THREAD = 12


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cap_holds_under_concurrent_submissions_and_reviews(require_postgres):
    """40 threads submit, approve, return, reject and withdraw random claims of one firm at once. The sum of its
    claims under review, approved or paid never exceeds the cap, and the quota row always equals that sum (no
    amount given back is lost, none counted twice)."""
    world_admin = factories.make_user(Role.CITY_ADMIN)
    policy = vf.policy(actor=world_admin)
    firm = vf.eligible_firm()
    enterprise = vf.firm_user(firm)
    county = factories.make_user(Role.COUNTY_STAFF, county_code="410402")
    city = factories.make_user(Role.CITY_STAFF)
    equipment = policy.kinds.get(code="equipment")
    rng = random.Random(2026)
    claims = []
    for _ in range(120):
        subsidy = Decimal(rng.randrange(5_000_00, 60_000_00)) / 100
        claims.append(claim_create(
            actor=enterprise, policy=policy, kind=equipment, supplier_name="供应商", contract_number="HT",
            contract_date=policy.claims_open_on, eligible_expense=subsidy * 4, subsidy_requested=subsidy,
        ))  # fmt: skip
    ClaimDocument.objects.bulk_create(
        ClaimDocument(claim=claim, kind=kind, invoice_number="FP1" if kind == DocumentKind.INVOICE else "",
                      file="vouchers/test.pdf", original_name="x.pdf", content_type="application/pdf", size=1,
                      sha256="0" * 64, uploaded_by=enterprise)
        for claim in claims for kind in ("contract", "invoice", "payment_proof")
    )  # fmt: skip
    ids = [claim.pk for claim in claims]
    connection.close()

    barrier = threading.Barrier(THREADS + 1)
    stop = threading.Event()
    outcomes: dict[str, int] = {"moved": 0, "refused_cap": 0, "refused_other": 0, "give_backs": 0}
    lock = threading.Lock()
    highest_seen = []
    errors = []
    moves_by_status = {
        ClaimStatus.DRAFT: [(ClaimStatus.SUBMITTED, enterprise)],
        ClaimStatus.RETURNED: [(ClaimStatus.SUBMITTED, enterprise), (ClaimStatus.WITHDRAWN, enterprise)],
        ClaimStatus.SUBMITTED: [(ClaimStatus.COUNTY_APPROVED, county), (ClaimStatus.RETURNED, county),
                                (ClaimStatus.REJECTED, county), (ClaimStatus.WITHDRAWN, enterprise)],
        ClaimStatus.COUNTY_APPROVED: [(ClaimStatus.CITY_APPROVED, city), (ClaimStatus.RETURNED, city)],
        ClaimStatus.CITY_APPROVED: [(ClaimStatus.PUBLICITY, city)],
        ClaimStatus.PUBLICITY: [(ClaimStatus.PAID, city), (ClaimStatus.REJECTED, city)],
    }  # fmt: skip

    def worker(seed):
        local = random.Random(seed)
        try:
            barrier.wait()
            for _ in range(STEPS_PER_THREAD):
                claim = VoucherClaim.objects.get(pk=local.choice(ids))
                options = moves_by_status.get(claim.status)
                if not options:
                    continue
                to, actor = local.choice(options)
                try:
                    claim_transition(claims=[claim], to=to, actor=actor, comment="concurrency")
                except ValidationError as error:
                    key = "refused_cap" if "subsidy_requested" in getattr(error, "error_dict", {}) else "refused_other"
                    with lock:
                        outcomes[key] += 1
                except PermissionDenied:
                    # The claim moved on meanwhile, to a status where another party takes this step.
                    with lock:
                        outcomes["refused_other"] += 1
                else:
                    with lock:
                        outcomes["moved"] += 1
                        if claim.status in QUOTA_HOLDING and to not in QUOTA_HOLDING:
                            outcomes["give_backs"] += 1
        except Exception as error:  # pragma: no cover - reported below
            errors.append(repr(error))
        finally:
            connection.close()

    def watcher():
        try:
            barrier.wait()
            while not stop.is_set():
                highest_seen.append(claims_sum(year=policy.year, enterprise_id=firm.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(THREADS)]
    watch = threading.Thread(target=watcher)
    for thread in [*threads, watch]:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    stop.set()
    watch.join(timeout=30)

    assert not errors, errors
    assert outcomes["moved"] > THREADS and outcomes["refused_cap"] > 0 and outcomes["give_backs"] > 0, outcomes
    assert highest_seen and max(highest_seen) <= CAP
    holding = claims_sum(year=policy.year, enterprise_id=firm.pk)
    quota = VoucherQuota.objects.get(enterprise=firm, year=policy.year)
    assert holding <= CAP
    assert quota.committed == holding
    # Every claim's history is whole: its events chain from draft to its status.
    for claim in VoucherClaim.objects.prefetch_related("events"):
        steps = [(event.from_state, event.to_state) for event in claim.events.all()]
        assert all(prev[1] == nxt[0] for prev, nxt in itertools.pairwise(steps))
        assert steps[-1][1] == claim.status
