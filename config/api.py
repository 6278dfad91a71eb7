"""What every API module needs between a request and a selector or service: validated query parameters, and a
service's Django errors as the API's 400 / 403."""

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied


def query_params(serializer_class, request) -> dict:
    """The request's query parameters, validated by `serializer_class` (400 with the field errors otherwise)."""
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def call_service(service, **kwargs):
    """Run a service, turning its Django errors into the API's 400 / 403."""
    try:
        return service(**kwargs)
    except PermissionDenied:
        raise DrfPermissionDenied from None
    except ValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise serializers.ValidationError(detail) from None
