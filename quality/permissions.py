"""Who sees the data-quality page (issue 20 point 6): the roles whose scope is whole counties — city admin, city
staff and leaders the city and every county, county staff their own (the rows: accounts.scoping)."""

from accounts.scoping import sees_whole_counties
from enterprises.permissions import can_resolve_conflicts


def may_see_quality(user) -> bool:
    return sees_whole_counties(user)


def may_open_conflicts(user) -> bool:
    """Whether the open-conflicts figure links to the conflicts page (staff resolve them there; leaders do not)."""
    return can_resolve_conflicts(user)
