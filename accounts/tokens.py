"""API tokens (django-rest-knox): only a hash of each token is stored, each expires, and logging out or changing
the password revokes every token of the account.

A person's token (POST /api/v1/auth/token/) lasts settings.API_TOKEN_TTL_HOURS; an integration's, issued by the
city administrator with `manage.py issue_api_token`, up to settings.API_INTEGRATION_TOKEN_TTL_DAYS.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from knox.models import AuthToken

from accounts.models import User


def api_token_issue(*, user: User, lifetime: timedelta | None = None) -> tuple[str, datetime]:
    """A new token for `user` (already authenticated): (the token, shown once; when it expires).
    An account still holding a one-time password gets none."""
    if not user.is_active:
        raise PermissionDenied
    if user.must_change_password:
        raise PermissionDenied(
            _("Your account was given a one-time password: log in to the portal and choose your own first.")
        )
    if lifetime is None:
        lifetime = timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    longest = timedelta(days=settings.API_INTEGRATION_TOKEN_TTL_DAYS)
    if lifetime <= timedelta(0) or lifetime > longest:
        raise ValidationError(_("A token lasts at least a minute and at most %(days)d days.") % {"days": longest.days})
    instance, token = AuthToken.objects.create(user=user, expiry=lifetime)
    return token, instance.expiry


def api_tokens_revoke(*, user_id: int) -> int:
    """Revoke every API token of the account; how many there were."""
    deleted, _kinds = AuthToken.objects.filter(user_id=user_id).delete()
    return deleted
