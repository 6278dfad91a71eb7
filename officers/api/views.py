from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.response import Response

from core.api import call_service, query_params
from officers import demands as demand_module
from officers import workflows
from officers.api.serializers import (
    AssignmentCreateSerializer,
    AssignmentQuerySerializer,
    AssignmentRunSerializer,
    AssignmentSerializer,
    AutoAssignSerializer,
    CoverageQuerySerializer,
    CoverageSerializer,
    DemandCreateSerializer,
    DemandDetailSerializer,
    DemandQuerySerializer,
    DemandSerializer,
    DemandTransitionSerializer,
    OfficerQuerySerializer,
    OfficerSerializer,
    ServiceLogCreateSerializer,
    ServiceLogQuerySerializer,
    ServiceLogSerializer,
)
from officers.permissions import may_see_coverage
from officers.selectors import (
    assignment_get,
    assignment_list,
    assignment_run_get,
    assignment_run_list,
    coverage_by_county,
    coverage_by_officer,
    firm_get,
    officer_get,
    officer_list,
    service_log_get,
    service_log_list,
    settings_in_force,
)
from officers.services import assign_officer, auto_assign_request, service_log_create


class OfficerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Officers in the caller's scope (city-wide roles all, county staff their county's, an officer themselves)."""

    serializer_class = OfficerSerializer
    filter_backends = []

    def get_queryset(self):
        params = query_params(OfficerQuerySerializer, self.request) if self.action == "list" else {}
        return officer_list(user=self.request.user, county=params.get("county"), active=params.get("active"))

    def get_object(self):
        return officer_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[OfficerQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Assignments (current and past) of the firms in the caller's scope; staff in scope assign or re-assign a
    firm's officer (POST) and start auto-assign (POST auto/)."""

    serializer_class = AssignmentSerializer
    filter_backends = []

    def get_queryset(self):
        params = query_params(AssignmentQuerySerializer, self.request) if self.action == "list" else {}
        return assignment_list(
            user=self.request.user,
            county=params.get("county"),
            officer=params.get("officer"),
            active=params.get("active"),
        )

    def get_object(self):
        return assignment_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[AssignmentQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AssignmentCreateSerializer, responses={201: AssignmentSerializer})
    def create(self, request):
        data = AssignmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        enterprise = firm_get(user=request.user, credit_code=params["credit_code"])
        officer = officer_get(user=request.user, pk=params["officer"])
        assignment = call_service(
            assign_officer, enterprise=enterprise, officer=officer, actor=request.user, reason=params["reason"]
        )
        return Response(
            AssignmentSerializer(assignment_get(user=request.user, pk=assignment.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=AutoAssignSerializer, responses={202: AssignmentRunSerializer})
    @action(detail=False, methods=["post"])
    def auto(self, request):
        data = AutoAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = call_service(
            auto_assign_request, actor=request.user, include_key_list=data.validated_data["include_key_list"]
        )
        return Response(
            AssignmentRunSerializer(assignment_run_get(user=request.user, pk=run.pk)).data,
            status=status.HTTP_202_ACCEPTED,
        )


class AssignmentRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Auto-assign runs and their reports (what was covered, what not and why)."""

    serializer_class = AssignmentRunSerializer
    filter_backends = []

    def get_queryset(self):
        return assignment_run_list(user=self.request.user)

    def get_object(self):
        return assignment_run_get(user=self.request.user, pk=self.kwargs["pk"])


class ServiceLogViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Service logs of the firms in the caller's scope; a firm's active officer records them (POST)."""

    serializer_class = ServiceLogSerializer
    filter_backends = []

    def get_queryset(self):
        params = query_params(ServiceLogQuerySerializer, self.request) if self.action == "list" else {}
        enterprise = None
        if params.get("credit_code"):
            enterprise = firm_get(user=self.request.user, credit_code=params["credit_code"])
        return service_log_list(
            user=self.request.user,
            enterprise=enterprise,
            officer=params.get("officer"),
            county=params.get("county"),
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
        )

    def get_object(self):
        return service_log_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[ServiceLogQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ServiceLogCreateSerializer, responses={201: ServiceLogSerializer})
    def create(self, request):
        data = ServiceLogCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        enterprise = firm_get(user=request.user, credit_code=params.pop("credit_code"))
        log = call_service(service_log_create, enterprise=enterprise, actor=request.user, **params)
        return Response(
            ServiceLogSerializer(service_log_get(user=request.user, pk=log.pk)).data, status=status.HTTP_201_CREATED
        )


class DemandViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Demands of the firms in the caller's scope (an enterprise: its own); the firm, its officer or staff file
    them; each step goes through the transition table (POST transition/)."""

    serializer_class = DemandSerializer
    filter_backends = []

    def get_queryset(self):
        params = query_params(DemandQuerySerializer, self.request) if self.action == "list" else {}
        enterprise = None
        if params.get("credit_code"):
            enterprise = firm_get(user=self.request.user, credit_code=params["credit_code"])
        return demand_module.demand_list(
            user=self.request.user,
            county=params.get("county"),
            status=sorted(params.get("status", [])),
            open_only=params.get("open", False),
            category=params.get("category"),
            urgency=params.get("urgency"),
            enterprise=enterprise,
        )

    def get_object(self):
        return demand_module.demand_get(user=self.request.user, pk=self.kwargs["pk"])

    def _detail(self, demand):
        demand = demand_module.demand_get(user=self.request.user, pk=demand.pk)
        demand.event_list = demand_module.demand_events(demand=demand)
        demand.provider_list = demand_module.matched_providers(demand=demand)
        demand.allowed_transitions = workflows.allowed_targets(self.request.user, demand)
        return DemandDetailSerializer(demand).data

    @extend_schema(parameters=[DemandQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: DemandDetailSerializer})
    def retrieve(self, request, pk=None):
        return Response(self._detail(self.get_object()))

    @extend_schema(request=DemandCreateSerializer, responses={201: DemandDetailSerializer})
    def create(self, request):
        data = DemandCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        enterprise = firm_get(user=request.user, credit_code=params.pop("credit_code"))
        demand = call_service(demand_module.demand_create, enterprise=enterprise, actor=request.user, **params)
        return Response(self._detail(demand), status=status.HTTP_201_CREATED)

    @extend_schema(request=DemandTransitionSerializer, responses={200: DemandDetailSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        demand = self.get_object()
        data = DemandTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        call_service(workflows.demand_transition, demand=demand, actor=request.user, **params)
        return Response(self._detail(demand))


class CoverageView(generics.GenericAPIView):
    """Coverage per county and per officer in the caller's scope: innovative enterprises, covered, coverage,
    services in the last N days, overdue firms, open demands and their age."""

    serializer_class = CoverageSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(parameters=[CoverageQuerySerializer])
    def get(self, request):
        if not may_see_coverage(request.user):
            raise DrfPermissionDenied
        params = query_params(CoverageQuerySerializer, request)
        days = settings_in_force().no_service_days
        counties, total = coverage_by_county(user=request.user, days=days)
        officers = coverage_by_officer(user=request.user, county=params.get("county"), days=days)
        payload = {
            "no_service_days": days,
            "counties": counties,
            "total": total,
            "officers": officers,
        }
        return Response(CoverageSerializer(payload).data)
