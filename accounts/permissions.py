"""The role predicates every app's permissions module builds on: who a user is (DESIGN §6). Apps ask these, or
their own permissions module, never `user.role` itself; which rows a user sees is `accounts.scoping`'s.

Every predicate is False for an anonymous or inactive user. A superuser counts as the city administrator."""

from django.conf import settings

from accounts.models import Role

CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.CITY_STAFF})
STAFF_ROLES = frozenset({Role.CITY_ADMIN, Role.CITY_STAFF, Role.COUNTY_STAFF})


def is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def has_role(user, roles) -> bool:
    """The user is active and holds one of `roles` (a superuser holds the city administrator's)."""
    if not is_active_user(user):
        return False
    return user.role in roles or (user.is_superuser and Role.CITY_ADMIN in roles)


def is_city_admin(user) -> bool:
    return has_role(user, {Role.CITY_ADMIN})


def is_city_staff(user) -> bool:
    """City administrator or city staff: works on every county."""
    return has_role(user, CITY_ROLES)


def is_county_staff(user) -> bool:
    return has_role(user, {Role.COUNTY_STAFF})


def is_staff(user) -> bool:
    """Bureau staff of the city or of a county (not leaders, officers or firms)."""
    return has_role(user, STAFF_ROLES)


def is_staff_of_county(user, county_id) -> bool:
    """City staff anywhere, county staff in their own county."""
    return is_city_staff(user) or (is_county_staff(user) and county_id is not None and user.county_id == county_id)


def is_leader(user) -> bool:
    return has_role(user, {Role.LEADER})


def is_officer(user) -> bool:
    return has_role(user, {Role.OFFICER})


def is_enterprise_user(user) -> bool:
    """A firm's own account (bound to its firm)."""
    return has_role(user, {Role.ENTERPRISE}) and user.enterprise_id is not None


def opens_admin_site(user) -> bool:
    """Only city administrators get the Django admin (whatever box is ticked): the role decides."""
    return user.role == Role.CITY_ADMIN


def may_open_admin_site(user) -> bool:
    """The admin site's own rule (django.contrib.admin): an active user with the staff flag, which
    `opens_admin_site` gives city administrators only."""
    return is_active_user(user) and user.is_staff


def needs_second_factor(user) -> bool:
    """The user's role must give an authenticator code at login (settings.OTP_REQUIRED_ROLES)."""
    return has_role(user, set(settings.OTP_REQUIRED_ROLES))


def has_idle_timeout(user) -> bool:
    """The user's session ends after settings.SESSION_IDLE_TIMEOUT_MINUTES without a request."""
    return has_role(user, set(settings.SESSION_IDLE_TIMEOUT_ROLES))
