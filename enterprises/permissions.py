"""Who may do what with the registry (DESIGN §6); which firms a user sees is accounts.scoping's."""

from accounts.permissions import is_city_staff, is_county_staff, is_staff


def can_import(user) -> bool:
    """City staff import for every county, county staff for their own."""
    return is_staff(user)


def imports_for_whole_city(user) -> bool:
    """Whether the user's imports (and import log) cover every county rather than only their own."""
    return is_city_staff(user)


def imports_for_own_county(user) -> bool:
    return is_county_staff(user)
