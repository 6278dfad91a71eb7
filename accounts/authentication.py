from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
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


class PortalTokenScheme(OpenApiAuthenticationExtension):
    """The token in the API schema (drf-spectacular): `Authorization: Token …`."""

    target_class = "accounts.authentication.PortalTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A token from POST /api/v1/auth/token/, sent with the prefix "Token".',
        }
