from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.response import Response

from cultivation.api.serializers import (
    MovementQuerySerializer,
    MovementSerializer,
    PinCreateSerializer,
    PinEndSerializer,
    PinQuerySerializer,
    PinSerializer,
    PlacementQuerySerializer,
    PlacementSerializer,
    WarningQuerySerializer,
    WarningSerializer,
    WarningTransitionSerializer,
)
from cultivation.selectors import (
    can_handle_warning,
    movement_list,
    pin_get,
    pin_list,
    placement_list,
    warning_get,
    warning_list,
)
from cultivation.services import pin_create, pin_end, warning_transition
from enterprises.selectors import enterprise_get


def _params(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _call(service, **kwargs):
    """Run a service, turning its Django errors into the API's 400 / 403."""
    try:
        return service(**kwargs)
    except PermissionDenied:
        raise DrfPermissionDenied from None
    except ValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise drf_serializers.ValidationError(detail) from None


@extend_schema(parameters=[PlacementQuerySerializer])
class PlacementListView(generics.ListAPIView):
    """Every firm's current tier in the caller's scope; filter by county and tier."""

    serializer_class = PlacementSerializer
    filter_backends = []

    def get_queryset(self):
        params = _params(PlacementQuerySerializer, self.request)
        return placement_list(user=self.request.user, county=params.get("county"), tier=params.get("tier"))


@extend_schema(parameters=[MovementQuerySerializer])
class MovementListView(generics.ListAPIView):
    """Tier movements in the caller's scope, newest first; filter by county, date range and direction."""

    serializer_class = MovementSerializer
    filter_backends = []

    def get_queryset(self):
        params = _params(MovementQuerySerializer, self.request)
        return movement_list(
            user=self.request.user,
            county=params.get("county"),
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
            direction=params.get("direction"),
        )


class PinViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Pins in the caller's scope (filter `live`, `county`); staff in scope create and end them."""

    serializer_class = PinSerializer
    filter_backends = []

    def get_queryset(self):
        params = _params(PinQuerySerializer, self.request) if self.action == "list" else {}
        return pin_list(user=self.request.user, live=params.get("live"), county=params.get("county"))

    def get_object(self):
        return pin_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[PinQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=PinCreateSerializer, responses={201: PinSerializer})
    def create(self, request):
        data = PinCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        enterprise = enterprise_get(user=request.user, credit_code=params.pop("credit_code").upper())
        pin = _call(pin_create, enterprise=enterprise, actor=request.user, **params)
        return Response(PinSerializer(pin_get(user=request.user, pk=pin.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PinEndSerializer, responses={200: PinSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        pin = self.get_object()
        data = PinEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _call(pin_end, pin=pin, actor=request.user, reason=data.validated_data["reason"])
        return Response(PinSerializer(pin_get(user=request.user, pk=pin.pk)).data)


class WarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Warnings in the caller's scope (filter `county`, `kind`, `severity`, `state`; default open and acknowledged);
    staff in scope acknowledge and resolve them."""

    serializer_class = WarningSerializer
    filter_backends = []

    def get_queryset(self):
        params = _params(WarningQuerySerializer, self.request) if self.action == "list" else {}
        return warning_list(
            user=self.request.user,
            county=params.get("county"),
            kinds=sorted(params.get("kind", [])),
            severities=sorted(params.get("severity", [])),
            states=sorted(params.get("state", [])),
        )

    def get_object(self):
        return warning_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[WarningQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _transition(self, request, action_name: str) -> Response:
        warning = self.get_object()
        if not can_handle_warning(request.user, warning):
            raise DrfPermissionDenied
        data = WarningTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _call(
            warning_transition,
            warning=warning,
            action=action_name,
            actor=request.user,
            note=data.validated_data["note"],
        )
        return Response(WarningSerializer(warning_get(user=request.user, pk=warning.pk)).data)

    @extend_schema(request=WarningTransitionSerializer, responses={200: WarningSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._transition(request, "acknowledge")

    @extend_schema(request=WarningTransitionSerializer, responses={200: WarningSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._transition(request, "resolve")
