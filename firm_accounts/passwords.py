"""A new one-time password for an existing enterprise account, issued by staff in scope and audited.

Staff who may create accounts for a firm (firm_accounts.permissions.may_create_accounts, within accounts.scoping)
may give any of its enterprise accounts a new one-time password: the account then has to choose its own password at
next login, like a new one. The password is shown once and never stored in clear.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.hashers import hash_one_time_password, one_time_password
from accounts.models import Role, User
from accounts.scoping import scope_to_user
from firm_accounts.models import OneTimePasswordIssue
from firm_accounts.permissions import is_enterprise_account, may_create_accounts


def firm_accounts(*, user, enterprise) -> list[User]:
    """The enterprise accounts of `enterprise` (a firm already in `user`'s scope) that `user` may manage: none for
    anyone who may not create accounts (one query, or none)."""
    if not may_create_accounts(user):
        return []
    queryset = User.objects.filter(role=Role.ENTERPRISE, enterprise=enterprise)
    return list(scope_to_user(queryset, user=user, enterprise_path="enterprise").order_by("username"))


def firm_account_get(*, user, pk: int) -> User:
    """An enterprise account whose firm is in `user`'s scope, for staff who may manage accounts; 404 otherwise."""
    queryset = scope_to_user(
        User.objects.filter(role=Role.ENTERPRISE).select_related("enterprise"), user=user, enterprise_path="enterprise"
    )
    try:
        account = queryset.get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such account") from None
    if not may_create_accounts(user):
        raise PermissionDenied
    return account


def one_time_password_issue(*, account: User, actor, reason: str) -> str:
    """Give `account` (from `firm_account_get`) a new one-time password, to be changed at next login; audited.
    Returns the password, to be shown once."""
    if not may_create_accounts(actor) or not is_enterprise_account(account):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why a new password is needed.")})
    password = one_time_password()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=account.pk)
        locked.password = hash_one_time_password(password)
        locked.must_change_password = True
        locked.save(update_fields=["password", "must_change_password"])
        OneTimePasswordIssue.objects.create(account=locked, issued_by=actor, reason=reason)
    return password
