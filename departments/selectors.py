"""Reads of the departments app."""

from departments.models import MappingProfile
from departments.profiles import DEFAULT_PROFILES


def profile_for(department_list: str) -> MappingProfile:
    """The list's stored profile, or (none stored yet) its default layout. Profiles are configuration, the same for
    every user who may upload the list: no row scope applies."""
    stored = MappingProfile.objects.filter(department_list=department_list).first()
    if stored is not None:
        return stored
    return MappingProfile(department_list=department_list, **DEFAULT_PROFILES[department_list])
