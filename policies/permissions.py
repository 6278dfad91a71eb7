"""Who may do what with policies, notices, events and registrations (DESIGN §6); rows are narrowed by
accounts.scoping."""

from accounts.permissions import (
    is_active_user,
    is_city_staff,
    is_county_staff,
    is_enterprise_user,
    is_staff,
    is_staff_of_county,
)
from accounts.scoping import sees_whole_counties
from policies.models import ENTERPRISE, STAFF


def may_see_policies(user) -> bool:
    """The policy library: every signed-in user (a firm reads how it stands against each policy)."""
    return is_active_user(user)


def may_see_notices(user) -> bool:
    """Notices: every signed-in user, each reading those addressed to them (policies.selectors)."""
    return is_active_user(user)


def may_see_events(user) -> bool:
    """Briefings and training: every signed-in user, each reading those addressed to them."""
    return is_active_user(user)


def may_edit_policies(user) -> bool:
    return is_city_staff(user)


def may_publish(user) -> bool:
    """Notices and events: city admin and staff for any audience, county staff for their county's firms."""
    return is_staff(user)


def addresses_own_county_only(user) -> bool:
    """County staff publish to the firms of their own county only."""
    return is_county_staff(user) and not is_city_staff(user)


def may_see_matches(user) -> bool:
    """Lists of a policy's firms: staff and leaders (scoped); a firm sees only its own matches elsewhere."""
    return sees_whole_counties(user)


def is_firm_user_of(user, enterprise) -> bool:
    """The firm's own account."""
    return is_enterprise_user(user) and user.enterprise_id == enterprise.pk


def registration_side(user, enterprise) -> str | None:
    """Who `user` is for a registration of `enterprise`: the firm itself, staff whose scope holds the firm, or
    nobody (leaders read only)."""
    if is_enterprise_user(user):
        return ENTERPRISE if user.enterprise_id == enterprise.pk else None
    if is_staff_of_county(user, enterprise.county_id):
        return STAFF
    return None
