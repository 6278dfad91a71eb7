"""Who may do what in three-tier cultivation (DESIGN §6): pin a firm, edit its plan, see the board, handle its
warnings, run the high-tech campaign, change the cultivation settings. Built on accounts.permissions (who a user is)
and accounts.scoping (which rows a user sees); nothing else in the app reads a user's role."""

from accounts.permissions import (
    is_active_user,
    is_city_admin,
    is_city_staff,
    is_county_staff,
    is_enterprise_user,
    is_staff,
    is_staff_of_county,
)
from accounts.scoping import is_assigned_officer, sees_whole_city, sees_whole_counties


def can_pin(user, enterprise) -> bool:
    """City admin and staff pin any firm; county staff the firms of their county (DESIGN §6)."""
    return is_staff_of_county(user, enterprise.county_id)


def can_edit_plan(user, enterprise) -> bool:
    """Who adds and edits a firm's plan tasks: city admin and staff anywhere, county staff in their county, and the
    firm's active officer (here and only here)."""
    return can_pin(user, enterprise) or is_assigned_officer(user, enterprise)


def can_change_task(user, task) -> bool:
    """Changing a plan task (its fields, its status): whoever edits its firm's plan."""
    return can_edit_plan(user, task.enterprise)


def may_see_board(user) -> bool:
    """City admin, city staff and leaders see every county's board; county staff their own (DESIGN §6): the roles
    whose scope is whole counties."""
    return sees_whole_counties(user)


def board_shows_own_county(user) -> bool:
    """Whether the board opens on the user's own county rather than on every county: county staff's does."""
    return is_county_staff(user) and not sees_whole_city(user)


def can_handle_warning(user, warning) -> bool:
    """Acknowledging and resolving warnings: the staff who pin (city admin and staff anywhere, county staff in their
    county); leaders read only."""
    return can_pin(user, warning.enterprise)


def can_open_campaign(user) -> bool:
    """A year's high-tech campaign is opened by city admin and staff."""
    return is_city_staff(user)


def can_select_candidates(user) -> bool:
    """Whom the campaign page offers its candidate picker: bureau staff (adding checks each firm with `can_pin`)."""
    return is_staff(user)


def can_act_on_entry(user, entry) -> bool:
    """Selecting and moving entries: city admin and staff anywhere, county staff in their county."""
    return can_pin(user, entry.enterprise)


def may_change_settings(user) -> bool:
    """The cultivation settings (the key list's size) are the city administrator's; other staff with admin access
    may look."""
    return is_city_admin(user)


def may_see_warning_list(user) -> bool:
    """The early-warning list is the staff's, officers' and leaders' worklist; a firm reads its own on its page."""
    return is_active_user(user) and not is_enterprise_user(user)
