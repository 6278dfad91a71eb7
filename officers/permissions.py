"""Who may do what with officers, their firms, services and demands (DESIGN §6), built on the role primitives of
accounts.permissions. Which rows a user sees (a county's firms, an officer's assigned firms) is accounts.scoping's;
these answer for a row already found in that scope."""

from accounts.models import Role
from accounts.permissions import (
    is_active_user,
    is_city_admin,
    is_city_staff,
    is_enterprise_user,
    is_leader,
    is_officer,
    is_staff,
    is_staff_of_county,
)
from accounts.scoping import is_assigned_officer
from cultivation.permissions import can_pin

# The parties of the demand workflow: officers.workflows.DEMAND_TRANSITIONS names the one that may take each move,
# `demand_parties` which of them a user plays on a demand. The staff in scope (city admin and staff, county staff
# in the firm's county), the demand's owner, and the filing side (the firm's own users and its active officer).
STAFF, OWNER, FILER = "staff", "owner", "filer"


# ---------------------------------------------------------------------------------------------------------------
# Officers and assignments


def may_change_officer_settings(user) -> bool:
    """The officer settings (default load, days without service) are the city administrator's."""
    return is_city_admin(user)


def holds_officer_role(user) -> bool:
    """Whether `user` (active or not) may be given an officer profile."""
    return user.role == Role.OFFICER


def may_manage_officers(user) -> bool:
    """City admin and staff manage every officer; county staff their county's (DESIGN §6)."""
    return is_staff(user)


def may_see_officer_list(user) -> bool:
    """The officers page and the auto-assign runs: the staff who manage officers, and leaders (read-only)."""
    return may_manage_officers(user) or is_leader(user)


def can_manage_officer(user, officer) -> bool:
    """Changing, deactivating and activating an officer: city admin and staff any, county staff their county's."""
    return is_staff_of_county(user, officer.county_id)


def can_place_officer(user, county) -> bool:
    """Which county (None: city level) `user` may give an officer: city admin and staff any, county staff their
    own only."""
    return is_city_staff(user) or (county is not None and is_staff_of_county(user, county.pk))


def can_assign(user, enterprise) -> bool:
    """Assigning, re-assigning and ending a firm's officer: city admin and staff anywhere, county staff in their
    county."""
    return is_staff_of_county(user, enterprise.county_id)


def may_see_my_firms(user) -> bool:
    """The "my firms" page: an officer's own assigned firms."""
    return is_officer(user)


def may_see_coverage(user) -> bool:
    """The coverage page: staff, leaders and officers, each within their scope."""
    return is_staff(user) or is_leader(user) or is_officer(user)


# ---------------------------------------------------------------------------------------------------------------
# Service logs


def may_log_service(user, enterprise) -> bool:
    """Only the firm's active officer records the services it receives (one query, none for other roles)."""
    return is_assigned_officer(user, enterprise)


def may_read_service_logs(user) -> bool:
    """Officers' working notes: every role within its scope, except the firms themselves."""
    return is_active_user(user) and not is_enterprise_user(user)


# ---------------------------------------------------------------------------------------------------------------
# Demands


def may_see_demands(user) -> bool:
    """The demands page: every signed-in user, each within their scope (a firm its own, an officer its firms')."""
    return is_active_user(user)


def files_for_own_firm(user) -> bool:
    """An enterprise user files demands for its own firm only."""
    return is_enterprise_user(user)


def files_for_assigned_firms(user) -> bool:
    """An officer files demands for the firms assigned to them."""
    return is_officer(user)


def _is_firms_own_user(user, enterprise) -> bool:
    return is_enterprise_user(user) and user.enterprise_id == enterprise.pk


def can_file_demand(user, enterprise) -> bool:
    """The firm itself, its active officer, and staff in scope file demands; leaders read only."""
    if not is_active_user(user):
        return False
    if is_enterprise_user(user):
        return _is_firms_own_user(user, enterprise)
    return can_pin(user, enterprise) or is_assigned_officer(user, enterprise)


def demand_parties(user, demand) -> set[str]:
    """The parties `user` plays on `demand` (from a scoped selector); leaders play none."""
    if not is_active_user(user) or is_leader(user):
        return set()
    parties = set()
    if can_pin(user, demand.enterprise):
        parties.add(STAFF)
    if demand.owner_id == user.pk:
        parties.add(OWNER)
    if _is_firms_own_user(user, demand.enterprise) or is_assigned_officer(user, demand.enterprise):
        parties.add(FILER)
    return parties
