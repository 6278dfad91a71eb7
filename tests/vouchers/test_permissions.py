import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from vouchers import permissions
from vouchers.models import ClaimParty, ClaimStatus
from vouchers.workflows import CLAIM_TRANSITIONS, party_of_move

ENTERPRISE, COUNTY, CITY = ClaimParty.ENTERPRISE, ClaimParty.COUNTY, ClaimParty.CITY

# Per user of the voucher world (and an officer): may see voucher pages, can claim, reads as the firm, city reviewer,
# policy admin, edits providers, sees the city pages, the reviewing party, and the parties on a claim of the
# 新华区 firm.
EXPECTED = {
    "enterprise": (True, True, True, False, False, False, False, None, {ENTERPRISE}),
    "other_enterprise": (True, True, True, False, False, False, False, None, set()),
    "county": (True, False, False, False, False, False, False, COUNTY, {COUNTY}),
    "other_county": (True, False, False, False, False, False, False, COUNTY, set()),
    "city": (True, False, False, True, False, True, True, CITY, {CITY}),
    "admin": (True, False, False, True, True, True, True, CITY, {CITY}),
    "leader": (True, False, False, False, False, False, True, None, set()),
    "officer": (False, False, False, False, False, False, False, None, set()),
}


def _answers(user, claim):
    return (
        permissions.may_see_vouchers(user),
        permissions.can_claim(user),
        permissions.reads_as_firm(user),
        permissions.is_city_reviewer(user),
        permissions.is_policy_admin(user),
        permissions.can_edit_providers(user),
        permissions.sees_city_voucher_pages(user),
        permissions.reviewer_party(user),
        set(permissions.parties_of(user, claim)),
    )


class _Claim:
    """What parties_of reads of a claim: its firm and the firm's county."""

    def __init__(self, firm):
        self.enterprise_id, self.enterprise = firm.pk, firm


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_role_may_do_what_its_row_says(voucher_world, make_user, name):
    user = make_user(Role.OFFICER) if name == "officer" else voucher_world[name]
    claim = _Claim(voucher_world["firm"])
    assert _answers(user, claim) == EXPECTED[name]
    assert permissions.reviews_vouchers(user) == (EXPECTED[name][7] is not None)


@pytest.mark.parametrize("name", ["enterprise", "county", "city", "admin", "leader"])
def test_an_inactive_or_anonymous_user_may_do_nothing(voucher_world, name):
    user = voucher_world[name]
    user.is_active = False
    nothing = (False, False, False, False, False, False, False, None, set())
    claim = _Claim(voucher_world["firm"])
    assert _answers(user, claim) == nothing
    assert _answers(AnonymousUser(), claim) == nothing


def test_the_claim_table_names_a_party_for_every_move_from_every_status():
    assert set(CLAIM_TRANSITIONS) == set(ClaimStatus.values)
    for start, moves in CLAIM_TRANSITIONS.items():
        assert set(moves) <= set(ClaimStatus.values) and start not in moves
        assert set(moves.values()) <= set(ClaimParty.values)
    # Final statuses lead nowhere; a move the table lacks has no party.
    finals = (ClaimStatus.PAID, ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN)
    assert not any(CLAIM_TRANSITIONS[final] for final in finals)
    assert party_of_move(ClaimStatus.DRAFT, ClaimStatus.SUBMITTED) == ENTERPRISE
    assert party_of_move(ClaimStatus.SUBMITTED, ClaimStatus.COUNTY_APPROVED) == COUNTY
    assert party_of_move(ClaimStatus.PUBLICITY, ClaimStatus.PAID) == CITY
    assert party_of_move(ClaimStatus.DRAFT, ClaimStatus.PAID) is None
    assert party_of_move("", ClaimStatus.DRAFT) is None
