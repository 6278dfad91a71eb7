from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts.middleware import PASSWORD_CHANGE_REQUIRED


class PortalTokenAuthentication(TokenAuthentication):
    """Token authentication that, like the pages, refuses an account still holding its one-time password."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if user.must_change_password:
            raise exceptions.AuthenticationFailed(_("%(message)s Log in to the portal first.") % {
                "message": PASSWORD_CHANGE_REQUIRED})  # fmt: skip
        return user, token
