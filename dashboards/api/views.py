from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.response import Response

from core.api import query_params
from dashboards.api.serializers import DashboardQuerySerializer, DashboardSerializer, FigureFirmSerializer
from dashboards.models import FirmFigure
from dashboards.permissions import may_see_dashboard
from dashboards.presentation import dashboard_data
from dashboards.selectors import (
    current_refresh,
    dashboard,
    dashboard_counties,
    dashboard_county,
    figure_firms,
    firm_set_get,
    with_firm_details,
)


def _scope(request):
    if not may_see_dashboard(request.user):
        raise DrfPermissionDenied
    params = query_params(DashboardQuerySerializer, request)
    counties = dashboard_counties(user=request.user)
    return counties, dashboard_county(user=request.user, counties=counties, code=params.get("county"))


class DashboardView(generics.GenericAPIView):
    """The dashboard of the city, or of one county (`?county=`), from the newest refresh of its aggregates: headline
    figures with their targets and change since a year ago, the county comparison with ranks, trends by year, the
    tier funnel, movements by month, the readiness distribution per tier and voucher spend. Scoped: county staff
    read their own county; another county is a 404."""

    serializer_class = DashboardSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(parameters=[DashboardQuerySerializer])
    def get(self, request):
        counties, county = _scope(request)
        result = dashboard(user=request.user, county=county, counties=counties)
        data = dashboard_data(result, county_url=lambda code: reverse("dashboards:county", args=[code]))
        return Response(DashboardSerializer(data).data)


class DashboardFirmsView(generics.ListAPIView):
    """The firms a figure counted at the newest refresh (`key`: one of the dashboard's `firm_sets`), in scope."""

    serializer_class = FigureFirmSerializer
    filter_backends = []

    @extend_schema(parameters=[DashboardQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def paginate_queryset(self, queryset):
        return with_firm_details(super().paginate_queryset(queryset))

    def get_queryset(self):
        firm_set = firm_set_get(self.kwargs["key"])
        _counties, county = _scope(self.request)
        refresh = current_refresh()
        if refresh is None:
            return FirmFigure.objects.none()
        return figure_firms(user=self.request.user, firm_set=firm_set, county=county, refresh=refresh)
