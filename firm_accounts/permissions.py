"""Who may do what with enterprise accounts (DESIGN §6); the rows are narrowed by accounts.scoping."""

from accounts.models import Role
from accounts.permissions import is_staff


def may_review_requests(user) -> bool:
    """City admin and staff everywhere, county staff in their county (the scope narrows where)."""
    return is_staff(user)


def may_create_accounts(user) -> bool:
    """The reviewers of account requests: city admin and staff, county staff for their county."""
    return may_review_requests(user)


def is_enterprise_account(account) -> bool:
    """An account of a firm (active or not): the only kind firm accounts' staff give one-time passwords to."""
    return account.role == Role.ENTERPRISE
