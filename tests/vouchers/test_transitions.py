import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from core.exceptions import AlreadyMoved
from notifications.models import Notification
from tests.vouchers import factories as vf
from vouchers.models import ClaimEvent, ClaimParty, ClaimStatus, VoucherClaim, VoucherQuota
from vouchers.selectors import claim_get
from vouchers.workflows import CLAIM_TRANSITIONS, allowed_moves, claim_transition, party_of_move

# Everyone who might try a move, and the party each one is for a claim of the 新华区 firm.
PARTY_OF = {
    "enterprise": ClaimParty.ENTERPRISE,
    "county": ClaimParty.COUNTY,
    "city": ClaimParty.CITY,
    "admin": ClaimParty.CITY,
    "leader": None,
    "other_enterprise": None,
    "other_county": None,
}


def _moved_on(start, to, party) -> bool:
    """Whether a claim at `start` has moved on from a status where `party` may move it to `to`."""
    seen, frontier = set(), [s for s in ClaimStatus if s != start and party_of_move(s, to) == party]
    while frontier:
        for following in CLAIM_TRANSITIONS[frontier.pop()]:
            if following not in seen:
                seen.add(following)
                frontier.append(following)
    return start in seen


def _claim_at(world, actors, status):
    claim = vf.draft(world["policy"], world["enterprise"])
    return vf.move(claim, vf.PATHS[status], actors)


def _snapshot(claim):
    return (
        VoucherClaim.objects.filter(pk=claim.pk).values().get(),
        ClaimEvent.objects.count(),
        Notification.objects.count(),
        list(VoucherQuota.objects.values_list("committed", flat=True)),
    )


@pytest.mark.parametrize("start", list(ClaimStatus))
@pytest.mark.parametrize("to", list(ClaimStatus))
def test_transition_table_with_every_role(voucher_world, actors, start, to):
    claim = _claim_at(voucher_world, actors, start)
    party = party_of_move(start, to)
    for name, actor_party in PARTY_OF.items():
        if party is not None and actor_party == party:
            continue
        before = _snapshot(claim)
        if actor_party is not None and _moved_on(start, to, actor_party):
            # The claim was where this actor could take the move, and has moved on since (a lost race).
            expected = AlreadyMoved
        else:
            expected = ValidationError if party is None else PermissionDenied
        with pytest.raises(expected) as raised:
            claim_transition(claims=[claim], to=to, actor=voucher_world[name], comment="because")
        assert type(raised.value) is expected
        assert _snapshot(claim) == before, name
    if party is None:
        return
    actor = voucher_world[next(name for name, p in PARTY_OF.items() if p == party)]
    events = ClaimEvent.objects.count()
    moved = claim_transition(claims=[claim], to=to, actor=actor, comment="because")[0]
    assert moved.status == to == VoucherClaim.objects.get(pk=claim.pk).status
    event = ClaimEvent.objects.latest("id")
    assert (event.claim_id, event.from_state, event.to_state, event.actor, event.note) == (
        claim.pk, start, to, actor, "because",
    )  # fmt: skip
    assert ClaimEvent.objects.count() == events + 1
    notification = Notification.objects.latest("id")
    assert notification.recipient_enterprise_id == claim.enterprise_id
    assert claim.reference in notification.message


def test_city_admin_also_takes_city_steps(voucher_world, actors):
    claim = _claim_at(voucher_world, actors, ClaimStatus.COUNTY_APPROVED)
    claim_transition(claims=[claim], to=ClaimStatus.CITY_APPROVED, actor=voucher_world["admin"])
    assert VoucherClaim.objects.get(pk=claim.pk).status == ClaimStatus.CITY_APPROVED


def test_claims_of_another_county_or_firm_are_not_found(voucher_world, actors):
    claim = _claim_at(voucher_world, actors, ClaimStatus.SUBMITTED)
    for name in ("other_county", "other_enterprise"):
        with pytest.raises(Http404):
            claim_get(user=voucher_world[name], pk=claim.pk)
    assert claim_get(user=voucher_world["leader"], pk=claim.pk) == claim


def test_returned_and_rejected_need_a_comment(voucher_world, actors):
    claim = _claim_at(voucher_world, actors, ClaimStatus.SUBMITTED)
    for to in (ClaimStatus.RETURNED, ClaimStatus.REJECTED):
        with pytest.raises(ValidationError) as error:
            claim_transition(claims=[claim], to=to, actor=voucher_world["county"], comment="  ")
        assert "comment" in error.value.message_dict
    assert VoucherClaim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED


def test_events_are_append_only_and_make_the_timeline(voucher_world, actors):
    claim = _claim_at(voucher_world, actors, ClaimStatus.PAID)
    steps = list(claim.events.values_list("from_state", "to_state"))
    assert steps == [
        ("", "draft"), ("draft", "submitted"), ("submitted", "county_approved"),
        ("county_approved", "city_approved"), ("city_approved", "publicity"), ("publicity", "paid"),
    ]  # fmt: skip
    with pytest.raises(ValueError):
        claim.events.first().save()


def test_allowed_moves_follow_the_table_and_the_party(voucher_world, actors):
    claim = claim_get(user=voucher_world["county"], pk=_claim_at(voucher_world, actors, ClaimStatus.SUBMITTED).pk)
    assert allowed_moves(voucher_world["county"], claim) == ["county_approved", "returned", "rejected"]
    assert allowed_moves(voucher_world["enterprise"], claim) == ["withdrawn"]
    assert allowed_moves(voucher_world["city"], claim) == []
    assert allowed_moves(voucher_world["leader"], claim) == []


@translation.override("en")
def test_public_labels_differ_from_internal_ones(voucher_world, actors):
    claim = _claim_at(voucher_world, actors, ClaimStatus.CITY_APPROVED)
    assert str(claim.public_status) == "Approved"
    assert str(ClaimStatus(claim.status).label) == "City approved, awaiting public notice"
    claim = _claim_at(voucher_world, actors, ClaimStatus.REJECTED)
    assert str(claim.public_status) == "Not approved"


def test_bulk_mark_paid_is_all_or_nothing(voucher_world, actors):
    in_notice = [_claim_at(voucher_world, actors, ClaimStatus.PUBLICITY) for _ in range(3)]
    approved = _claim_at(voucher_world, actors, ClaimStatus.CITY_APPROVED)
    with pytest.raises(ValidationError):
        claim_transition(claims=[*in_notice, approved], to=ClaimStatus.PAID, actor=voucher_world["city"])
    assert set(VoucherClaim.objects.filter(pk__in=[c.pk for c in in_notice]).values_list("status", flat=True)) == {
        ClaimStatus.PUBLICITY
    }
    claim_transition(claims=in_notice, to=ClaimStatus.PAID, actor=voucher_world["city"])
    paid = VoucherClaim.objects.filter(status=ClaimStatus.PAID)
    assert paid.count() == 3 and all(claim.paid_at for claim in paid)
    assert ClaimEvent.objects.filter(to_state=ClaimStatus.PAID).count() == 3


def test_reviewer_who_lost_the_race_is_told_where_the_claim_went(voucher_world, actors):
    """Two county reviewers open the same claim; one approves it, the other then returns it: not a 403 but the
    claim's new status."""
    claim = _claim_at(voucher_world, actors, ClaimStatus.SUBMITTED)
    claim_transition(claims=[claim], to=ClaimStatus.COUNTY_APPROVED, actor=voucher_world["county"])
    before = _snapshot(claim)
    with translation.override("en"), pytest.raises(AlreadyMoved) as raised:
        claim_transition(claims=[claim], to=ClaimStatus.RETURNED, actor=voucher_world["county"], comment="too late")
    with translation.override("en"):
        label = str(ClaimStatus.COUNTY_APPROVED.label)
    assert f"{claim.reference} has already moved to “{label}”" in raised.value.messages[0]
    assert _snapshot(claim) == before
    # A second click on the step already taken says the same.
    with pytest.raises(AlreadyMoved):
        claim_transition(claims=[claim], to=ClaimStatus.COUNTY_APPROVED, actor=voucher_world["county"])
