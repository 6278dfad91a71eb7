from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.response import Response

from core.api import api_action, body, call_service, query_params
from cultivation.api.serializers import (
    CampaignEntryQuerySerializer,
    CampaignEntrySerializer,
    CampaignSerializer,
    CampaignTransitionSerializer,
    MovementQuerySerializer,
    MovementSerializer,
    PinCreateSerializer,
    PinEndSerializer,
    PinQuerySerializer,
    PinSerializer,
    PlacementQuerySerializer,
    PlacementSerializer,
    PlanSerializer,
    PlanTaskQuerySerializer,
    PlanTaskSerializer,
    PlanTaskWriteSerializer,
    WarningQuerySerializer,
    WarningSerializer,
    WarningTransitionSerializer,
)
from cultivation.campaigns import campaign_funnel, campaign_get, campaign_list, entry_get, entry_list
from cultivation.models import PlanGap
from cultivation.permissions import can_edit_plan, can_handle_warning
from cultivation.plans import plan_task_create, plan_task_update
from cultivation.selectors import (
    movement_list,
    pin_get,
    pin_list,
    placement_list,
    plan_enterprise_get,
    plan_gaps,
    plan_task_get,
    plan_task_list,
    plan_tasks,
    warning_get,
    warning_list,
)
from cultivation.services import pin_create, pin_end
from cultivation.workflows import campaign_entry_transition, plan_task_transition, warning_transition
from enterprises.selectors import enterprise_get


@extend_schema(parameters=[PlacementQuerySerializer])
class PlacementListView(generics.ListAPIView):
    """Every firm's current tier in the caller's scope; filter by county and tier."""

    serializer_class = PlacementSerializer
    filter_backends = []

    def get_queryset(self):
        params = query_params(PlacementQuerySerializer, self.request)
        return placement_list(user=self.request.user, county=params.get("county"), tier=params.get("tier"))


@extend_schema(parameters=[MovementQuerySerializer])
class MovementListView(generics.ListAPIView):
    """Tier movements in the caller's scope, newest first; filter by county, date range and direction."""

    serializer_class = MovementSerializer
    filter_backends = []

    def get_queryset(self):
        params = query_params(MovementQuerySerializer, self.request)
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
        params = query_params(PinQuerySerializer, self.request) if self.action == "list" else {}
        return pin_list(user=self.request.user, live=params.get("live"), county=params.get("county"))

    def get_object(self):
        return pin_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[PinQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=PinCreateSerializer, responses={201: PinSerializer})
    def create(self, request):
        def create_pin(data):
            # Scoped: a firm outside the caller's scope is a 404.
            enterprise = enterprise_get(user=request.user, credit_code=data.pop("credit_code").upper())
            return pin_create(enterprise=enterprise, actor=request.user, **data)

        return api_action(
            request,
            PinCreateSerializer,
            create_pin,
            answer=lambda created: PinSerializer(pin_get(user=request.user, pk=created.pk)).data,
            status_code=status.HTTP_201_CREATED,
        )

    @extend_schema(request=PinEndSerializer, responses={200: PinSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        pin = self.get_object()
        return api_action(
            request,
            PinEndSerializer,
            lambda data: pin_end(pin=pin, actor=request.user, reason=data["reason"]),
            answer=lambda ended: PinSerializer(pin_get(user=request.user, pk=ended.pk)).data,
        )


# ---------------------------------------------------------------------------------------------------------------
# One plan per firm


class PlanView(generics.GenericAPIView):
    """A firm's plan in the caller's scope: open and closed gaps, and its tasks (404 outside the scope)."""

    serializer_class = PlanSerializer
    filter_backends = []
    pagination_class = None

    def get(self, request, credit_code):
        enterprise = plan_enterprise_get(user=request.user, credit_code=credit_code)
        gaps = plan_gaps(user=request.user, enterprise=enterprise)
        plan = {
            "credit_code": enterprise.credit_code,
            "name": enterprise.name,
            "county": enterprise.county.code,
            "can_edit": can_edit_plan(request.user, enterprise),
            "open_gaps": [gap for gap in gaps if gap.is_open],
            "closed_gaps": [gap for gap in gaps if not gap.is_open],
            "tasks": plan_tasks(user=request.user, enterprise=enterprise),
        }
        return Response(PlanSerializer(plan).data)


def _gap_of(enterprise, gap_id):
    if gap_id is None:
        return None
    gap = PlanGap.objects.filter(enterprise=enterprise, pk=gap_id).first()
    if gap is None:
        raise drf_serializers.ValidationError({"gap": [_("No such gap for this firm.")]})
    return gap


class PlanTaskViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Plan tasks in the caller's scope (filter `county`, `status`, `overdue`); staff in scope create and change
    them (PATCH; a `status` goes through the allowed transitions)."""

    serializer_class = PlanTaskSerializer
    filter_backends = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        params = query_params(PlanTaskQuerySerializer, self.request) if self.action == "list" else {}
        return plan_task_list(
            user=self.request.user,
            county=params.get("county"),
            status=params.get("status"),
            overdue=params.get("overdue"),
        )

    def get_object(self):
        return plan_task_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[PlanTaskQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=PlanTaskWriteSerializer, responses={201: PlanTaskSerializer})
    def create(self, request):
        params = body(PlanTaskWriteSerializer, request)
        if "credit_code" not in params:
            raise drf_serializers.ValidationError({"credit_code": [_("This field is required.")]})
        params.pop("status", None)
        enterprise = plan_enterprise_get(user=request.user, credit_code=params.pop("credit_code"))
        if not can_edit_plan(request.user, enterprise):
            raise DrfPermissionDenied
        params["gap"] = _gap_of(enterprise, params.get("gap"))
        task = call_service(plan_task_create, enterprise=enterprise, actor=request.user, **params)
        return Response(
            PlanTaskSerializer(plan_task_get(user=request.user, pk=task.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=PlanTaskWriteSerializer, responses={200: PlanTaskSerializer})
    def partial_update(self, request, pk=None):
        task = self.get_object()
        params = body(PlanTaskWriteSerializer, request, partial=True)
        params.pop("credit_code", None)
        new_status = params.pop("status", None)
        if not can_edit_plan(request.user, task.enterprise):
            raise DrfPermissionDenied
        if "gap" in params:
            params["gap"] = _gap_of(task.enterprise, params["gap"])
        with transaction.atomic():
            if params:
                call_service(plan_task_update, task=task, actor=request.user, **params)
            if new_status and new_status != task.status:
                call_service(plan_task_transition, task=task, to=new_status, actor=request.user)
        return Response(PlanTaskSerializer(plan_task_get(user=request.user, pk=task.pk)).data)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)
        return self.partial_update(request, pk=kwargs.get("pk"))


class WarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Warnings in the caller's scope (filter `county`, `kind`, `severity`, `state`; default open and acknowledged);
    staff in scope acknowledge and resolve them."""

    serializer_class = WarningSerializer
    filter_backends = []

    def get_queryset(self):
        params = query_params(WarningQuerySerializer, self.request) if self.action == "list" else {}
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
        return api_action(
            request,
            WarningTransitionSerializer,
            lambda data: warning_transition(warning=warning, action=action_name, actor=request.user, note=data["note"]),
            answer=lambda moved: WarningSerializer(warning_get(user=request.user, pk=moved.pk)).data,
        )

    @extend_schema(request=WarningTransitionSerializer, responses={200: WarningSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._transition(request, "acknowledge")

    @extend_schema(request=WarningTransitionSerializer, responses={200: WarningSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._transition(request, "resolve")


# ---------------------------------------------------------------------------------------------------------------
# The high-tech application campaign


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Campaigns by year; the detail adds the funnel per county in the caller's scope and its total."""

    serializer_class = CampaignSerializer
    filter_backends = []
    lookup_field = "year"

    def get_queryset(self):
        return campaign_list(user=self.request.user)

    def retrieve(self, request, year=None):
        campaign = campaign_get(user=request.user, year=int(year) if str(year).isdigit() else 0)
        rows, total = campaign_funnel(user=request.user, campaign=campaign)

        def row_data(row):
            return {"county": row.county_code, "county_name": row.county_name, **row.counts, "pass_rate": row.pass_rate}

        return Response(
            {**CampaignSerializer(campaign).data, "funnel": [row_data(row) for row in rows], "total": row_data(total)}
        )


class CampaignEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Campaign entries in the caller's scope (filter `year`, `county`, `stage`); staff in scope move them."""

    serializer_class = CampaignEntrySerializer
    filter_backends = []

    def get_queryset(self):
        params = query_params(CampaignEntryQuerySerializer, self.request) if self.action == "list" else {}
        return entry_list(
            user=self.request.user, year=params.get("year"), county=params.get("county"), stage=params.get("stage")
        )

    def get_object(self):
        return entry_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[CampaignEntryQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CampaignTransitionSerializer, responses={200: CampaignEntrySerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        entry = self.get_object()
        return api_action(
            request,
            CampaignTransitionSerializer,
            lambda data: campaign_entry_transition(entry=entry, actor=request.user, **data),
            answer=lambda moved: CampaignEntrySerializer(entry_get(user=request.user, pk=moved.pk)).data,
        )
