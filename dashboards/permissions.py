"""Who sees the leaders' dashboards and who sets their targets (DESIGN §6). Which counties a user sees is the tier
board's rule (cultivation): city admin, staff and leaders the city and every county, county staff their own."""

from accounts.permissions import is_city_admin
from cultivation.permissions import may_see_board


def may_see_dashboard(user) -> bool:
    """The same people as the tier board: officers and firms have none."""
    return may_see_board(user)


def may_set_targets(user) -> bool:
    return is_city_admin(user)
