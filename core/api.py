"""What every API module needs between a request and a selector or service: validated query parameters and
bodies, a service's Django errors as the API's 400 / 403 / 409, and the one "body → service → response" step."""

from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.response import Response

from core.exceptions import AlreadyMoved


class Conflict(APIException):
    """409: the thing asked about has moved on since the client saw it (core.exceptions.AlreadyMoved)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "already_moved"


def query_params(serializer_class, request) -> dict:
    """The request's query parameters, validated by `serializer_class` (400 with the field errors otherwise)."""
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def body(serializer_class, request, **kwargs) -> dict:
    """The request's body, validated by `serializer_class` (400 with the field errors otherwise)."""
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


@contextmanager
def django_errors_as_api_errors():
    """A service's PermissionDenied as the API's 403, AlreadyMoved as a 409 and any other ValidationError as a 400,
    with the same messages."""
    try:
        yield
    except PermissionDenied:
        raise DrfPermissionDenied from None
    except AlreadyMoved as error:
        raise Conflict(detail=" ".join(error.messages)) from None
    except ValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise serializers.ValidationError(detail) from None


def call_service(service, **kwargs):
    """Run a service, turning its Django errors into the API's 400 / 403 / 409."""
    with django_errors_as_api_errors():
        return service(**kwargs)


def api_action(
    request,
    serializer_class,
    action: Callable[[dict], Any],
    *,
    answer: Callable[[Any], Any],
    status_code: int = status.HTTP_200_OK,
) -> Response:
    """The API twin of `core.pages.form_action`: validate the body with `serializer_class` (400), run
    `action(data)` (its Django errors become 400 / 403 / 409), and answer `answer(result)` with `status_code`."""
    data = body(serializer_class, request)
    with django_errors_as_api_errors():
        result = action(data)
    return Response(answer(result), status=status_code)
