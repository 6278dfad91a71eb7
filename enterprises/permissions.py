"""Who may do what with the registry (DESIGN §6); which firms a user sees is accounts.scoping's."""

from accounts.permissions import (
    is_active_user,
    is_city_admin,
    is_city_staff,
    is_county_staff,
    is_enterprise_user,
    is_staff,
)


def can_import(user) -> bool:
    """City staff import for every county, county staff for their own."""
    return is_staff(user)


def imports_for_whole_city(user) -> bool:
    """Whether the user's imports (and import log) cover every county rather than only their own."""
    return is_city_staff(user)


def imports_for_own_county(user) -> bool:
    return is_county_staff(user)


def lists_many_enterprises(user) -> bool:
    """Whom the menu offers the registry list: every role whose scope holds firms, except a firm's own users, for
    whom it would hold one row (the list still answers them: accounts.scoping narrows it to their firm)."""
    return is_active_user(user) and not is_enterprise_user(user)


def has_own_enterprise(user) -> bool:
    """A firm's own account: its firm's page is its registry."""
    return is_enterprise_user(user)


def contact_view_is_recorded(user, enterprise) -> bool:
    """Whether showing `enterprise`'s contact person and phone to `user` goes into the access log: always, except
    to the firm's own accounts (its own details are not a disclosure)."""
    return not (is_enterprise_user(user) and user.enterprise_id == enterprise.pk)


def sees_sources(user) -> bool:
    """Who sees where each figure came from (the source tags and histories): bureau staff of the city and counties;
    a firm, a leader or an officer sees the figures only."""
    return is_staff(user)


def can_resolve_conflicts(user) -> bool:
    """County staff resolve their county's conflicts between sources; city staff every county's (the rows:
    accounts.scoping)."""
    return is_staff(user)


def can_configure_precedence(user) -> bool:
    """The order of sources and the tolerances of each figure are the city administrator's."""
    return is_city_admin(user)
