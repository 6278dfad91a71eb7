"""Who reads which notifications: besides those addressed to them, a firm's users read their firm's."""

from accounts.permissions import is_enterprise_user


def reads_firm_notifications(user) -> bool:
    """A firm's own account: the notifications addressed to its firm are its own too."""
    return is_enterprise_user(user)
