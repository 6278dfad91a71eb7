"""Writes to the enterprise registry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scoping import can_edit_enterprise
from enterprises.credit_codes import passes_check, validate_credit_code
from enterprises.models import Enterprise

CONTACT_FIELDS = ("address", "contact_person", "contact_phone")


def enterprise_create(*, credit_code: str, accept_failed_check: bool = False, **fields) -> Enterprise:
    """Register a firm. A code failing its check is stored only when staff accept it explicitly."""
    code = validate_credit_code(credit_code, allow_bad_check_character=accept_failed_check)
    enterprise = Enterprise(credit_code=code, credit_code_checked=passes_check(code), **fields)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_update_contact(*, enterprise: Enterprise, actor, data: dict) -> Enterprise:
    """Update a firm's address and contact details; the firm itself or staff responsible for it may."""
    if not can_edit_enterprise(actor, enterprise):
        raise PermissionDenied(_("You may not change this enterprise."))
    unknown = set(data) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    for field, value in data.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save(update_fields=[*data, "updated_at"])
    return locked
