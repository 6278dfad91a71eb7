"""Which enterprises a user may see: the one place access to firm data is decided.

Every page, API view, export and download narrows its queryset through `scope_to_user`; anything outside
the scope is then simply not found (404), never "forbidden", so its existence is not revealed.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

from accounts.models import Role

ROLES_SEEING_ALL = frozenset({Role.CITY_ADMIN, Role.CITY_STAFF, Role.LEADER})
ROLES_EDITING_FIRMS = frozenset({Role.CITY_ADMIN, Role.CITY_STAFF, Role.COUNTY_STAFF, Role.ENTERPRISE})


def sees_whole_city(user) -> bool:
    """City-wide roles (administrator, staff, leaders): every firm of every county."""
    return bool(user and user.is_authenticated and user.is_active) and (
        user.is_superuser or user.role in ROLES_SEEING_ALL
    )


def sees_whole_counties(user) -> bool:
    """Roles whose scope is whole counties (every county, or their own): counts per county answer for them."""
    return sees_whole_city(user) or (
        bool(user and user.is_authenticated and user.is_active) and user.role == Role.COUNTY_STAFF
    )


def scope_to_user(queryset: QuerySet, *, user, enterprise_path: str = "") -> QuerySet:
    """Narrow `queryset` to the rows whose enterprise `user` may see.

    `enterprise_path` is the lookup from the queryset's model to Enterprise ("" for Enterprise itself,
    "enterprise" for indicators, "claim__enterprise" further away).
    """
    prefix = f"{enterprise_path}__" if enterprise_path else ""
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if user.is_superuser or user.role in ROLES_SEEING_ALL:
        return queryset
    if user.role == Role.COUNTY_STAFF:
        return queryset.filter(**{f"{prefix}county_id": user.county_id})
    if user.role == Role.ENTERPRISE:
        return queryset.filter(**{f"{prefix}pk": user.enterprise_id})
    if user.role == Role.OFFICER:
        # The firms actively assigned to the officer: a subquery, so that no join can multiply the rows.
        return queryset.filter(**{f"{prefix}pk__in": _officer_firm_ids(user)})
    return queryset.none()


# Which firms an officer serves is the officers app's data. It registers its active assignments here
# (officers/apps.py), so that the scope is decided in this module without importing an app above it.
_active_assignments: Callable[..., QuerySet] | None = None


def register_active_assignments(rows: Callable[..., QuerySet]) -> None:
    """`rows(officer_user_id=None)`: the active assignments (of one officer's user when given), as values of
    `enterprise_id`."""
    global _active_assignments
    _active_assignments = rows


def _assignments(**kwargs) -> QuerySet:
    if _active_assignments is None:
        raise ImproperlyConfigured("No app registered its officer assignments (accounts.scoping).")
    return _active_assignments(**kwargs)


def _officer_firm_ids(user) -> QuerySet:
    return _assignments(officer_user_id=user.pk)


def firms_with_officer() -> QuerySet:
    """The ids (`enterprise_id`) of the firms with an active officer, for an Exists or IN subquery."""
    return _assignments()


def is_assigned_officer(user, enterprise) -> bool:
    """Whether `user` is an officer actively assigned to the firm (one query; none for other roles)."""
    if not (user and user.is_authenticated and user.is_active) or user.role != Role.OFFICER:
        return False
    return _officer_firm_ids(user).filter(enterprise_id=enterprise.pk).exists()


def scope_counties(queryset: QuerySet, *, user) -> QuerySet:
    """Counties a user may pick in filters and forms."""
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if user.is_superuser or user.role in ROLES_SEEING_ALL:
        return queryset
    if user.role == Role.COUNTY_STAFF:
        return queryset.filter(pk=user.county_id)
    if user.role == Role.ENTERPRISE:
        return queryset.filter(enterprises__pk=user.enterprise_id)
    if user.role == Role.OFFICER:
        firms = _officer_firm_ids(user).values("enterprise__county_id")
        return queryset.filter(pk__in=firms)
    return queryset.none()


def scope_officers(queryset: QuerySet, *, user) -> QuerySet:
    """Officer profiles a user may see: city-wide roles all, county staff their county's, an officer their own."""
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if user.is_superuser or user.role in ROLES_SEEING_ALL:
        return queryset
    if user.role == Role.COUNTY_STAFF:
        return queryset.filter(county_id=user.county_id)
    if user.role == Role.OFFICER:
        return queryset.filter(user_id=user.pk)
    return queryset.none()


def can_edit_enterprise(user, enterprise) -> bool:
    """Write access to a firm's registry data. The firm must already be in the user's scope."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.role in (Role.CITY_ADMIN, Role.CITY_STAFF):
        return True
    if user.role == Role.COUNTY_STAFF:
        return enterprise.county_id == user.county_id
    if user.role == Role.ENTERPRISE:
        return enterprise.pk == user.enterprise_id
    return False


def scope_county_rows(queryset: QuerySet, *, user, county_path: str = "county") -> QuerySet:
    """Narrow rows that belong to a county, or to the whole city when their county is empty (notices, events), to
    those a staff user may see: everything for city-wide roles, their own county's and city-wide rows for county
    staff. Enterprise users reach such rows through their audience instead (policies.selectors); others see none."""
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if user.is_superuser or user.role in ROLES_SEEING_ALL:
        return queryset
    if user.role == Role.COUNTY_STAFF:
        return queryset.filter(Q(**{f"{county_path}__isnull": True}) | Q(**{f"{county_path}_id": user.county_id}))
    return queryset.none()
