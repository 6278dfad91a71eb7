"""Who may do what with the departments' lists."""

from accounts.permissions import is_city_admin
from enterprises.permissions import imports_for_whole_city


def can_upload_department_lists(user) -> bool:
    """Department lists are city-wide: city staff and the city administrator upload them, county staff do not."""
    return imports_for_whole_city(user)


def can_edit_profiles(user) -> bool:
    """How each list is read (its mapping profile) is the city administrator's."""
    return is_city_admin(user)
