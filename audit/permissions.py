"""Who may read the access log (DESIGN §6): the city administrator alone."""

from accounts.permissions import is_city_admin


def may_see_access_log(user) -> bool:
    return is_city_admin(user)
