"""Which home a user gets (DESIGN §6): each role's own work, built on the role primitives of accounts.permissions."""

from accounts.permissions import is_city_staff, is_county_staff, is_enterprise_user, is_leader, is_officer

FIRM, LEADER, OFFICER, COUNTY, CITY = "firm", "leader", "officer", "county", "city"


def home_kind(user) -> str:
    """The home of `user`: a firm's next steps, the leaders' dashboard, an officer's firms, a county's or the city's
    work queue ("" for an account without a role the portal knows)."""
    if is_enterprise_user(user):
        return FIRM
    if is_leader(user):
        return LEADER
    if is_officer(user):
        return OFFICER
    if is_county_staff(user):
        return COUNTY
    if is_city_staff(user):
        return CITY
    return ""
