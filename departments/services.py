"""Writes of the departments app (the lists themselves are written by the importer's commit: lists.py)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from departments.models import MappingProfile
from departments.permissions import can_edit_profiles


def profile_save(*, profile: MappingProfile, actor) -> MappingProfile:
    """Save a list's mapping profile (checked: profile_problems); the next upload of the list reads with it."""
    if not can_edit_profiles(actor):
        raise PermissionDenied
    profile.full_clean()
    profile.updated_by = actor
    with transaction.atomic():
        profile.save()
    return profile
