"""Who may do what with innovation vouchers (DESIGN §5, §6): see the pages, claim, review, open a year's policy,
edit the provider registry, and which party of a claim's workflow a user is. Built on the role primitives of
accounts.permissions; which claims a user finds at all is accounts.scoping's (through vouchers.selectors)."""

from accounts.permissions import is_city_admin, is_city_staff, is_county_staff, is_enterprise_user, is_leader, is_staff
from vouchers.models import ClaimParty


def may_see_vouchers(user) -> bool:
    """Who has voucher pages at all: firms, county and city staff, administrators, leaders (not officers)."""
    return is_staff(user) or is_leader(user) or is_enterprise_user(user)


def may_list_claims(user) -> bool:
    """The list of every claim in scope: those with voucher pages but the firms (their own list is "my claims")."""
    return may_see_vouchers(user) and not can_claim(user)


def can_claim(user) -> bool:
    """A firm's own account: it claims for its firm."""
    return is_enterprise_user(user)


def reads_as_firm(user) -> bool:
    """A firm's user reads the gentler status labels and not the reviewers' checks."""
    return is_enterprise_user(user)


def is_city_reviewer(user) -> bool:
    """City staff and the city administrator: the city review, the public notice and payment, on every county."""
    return is_city_staff(user)


def is_policy_admin(user) -> bool:
    """The city administrator opens and changes a year's policy and its voucher kinds."""
    return is_city_admin(user)


def can_edit_providers(user) -> bool:
    """City staff keep the provider registry (everyone signed in reads it)."""
    return is_city_staff(user)


def sees_city_voucher_pages(user) -> bool:
    """City staff, administrators and leaders: the public notice and the policies (leaders read, never act)."""
    return is_city_staff(user) or is_leader(user)


def reviewer_party(user) -> str | None:
    """The reviewing party `user` is, if any (a claim still has to be in their scope)."""
    if is_city_staff(user):
        return ClaimParty.CITY
    if is_county_staff(user):
        return ClaimParty.COUNTY
    return None


def reviews_vouchers(user) -> bool:
    return reviewer_party(user) is not None


def parties_of(user, claim) -> frozenset[str]:
    """The parties `user` acts as on `claim` (its enterprise must be loaded): its own firm, county staff of the
    firm's county, city staff."""
    parties = set()
    if is_enterprise_user(user) and user.enterprise_id == claim.enterprise_id:
        parties.add(ClaimParty.ENTERPRISE)
    if is_county_staff(user) and user.county_id == claim.enterprise.county_id:
        parties.add(ClaimParty.COUNTY)
    if is_city_staff(user):
        parties.add(ClaimParty.CITY)
    return frozenset(parties)
