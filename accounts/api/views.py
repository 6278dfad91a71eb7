from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import needs_second_factor
from accounts.second_factor import code_check
from accounts.throttles import ClientAddressAnonThrottle
from accounts.tokens import api_token_issue, api_tokens_revoke


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    code = serializers.CharField(required=False, allow_blank=True, help_text="Authenticator or recovery code")


class TokenLoginView(APIView):
    """A token for the API: username, password, and for roles with the second factor the authenticator code.
    The token lasts settings.API_TOKEN_TTL_HOURS; logging out or changing the password revokes it."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientAddressAnonThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
            )
        },
    )
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # The Django request, so that django-axes counts the failure and the client address as the login page does.
        user = authenticate(
            request._request, username=body.validated_data["username"], password=body.validated_data["password"]
        )
        if user is None:
            raise ValidationError({"detail": _("The username or password is not right.")})
        if needs_second_factor(user):
            try:
                device = code_check(user=user, code=body.validated_data.get("code", ""))
            except DjangoValidationError as error:
                raise ValidationError({"code": error.messages}) from None
            if device is None:
                raise ValidationError({"code": _("Give the code from your authenticator app, or a recovery code.")})
        try:
            token, expiry = api_token_issue(user=user)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error) or None) from None
        return Response({"token": token, "expiry": expiry}, status=status.HTTP_200_OK)


class TokenLogoutView(APIView):
    """Revoke every API token of the account (the one in use included)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        api_tokens_revoke(user_id=request.user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
