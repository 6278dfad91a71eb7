from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from accounts.middleware import PASSWORD_CHANGE_REQUIRED


class PortalTokenAuthentication(TokenAuthentication):
    """django-rest-knox's hashed, expiring tokens ("Authorization: Token …") that, like the pages, refuse an
    account still holding its one-time password."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        if user.must_change_password:
            raise exceptions.AuthenticationFailed(_("%(message)s Log in to the portal first.") % {
                "message": PASSWORD_CHANGE_REQUIRED})  # fmt: skip
        return user, token
