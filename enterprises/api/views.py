from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enterprises.access import record_contact_view
from enterprises.api.serializers import EnterpriseDetailSerializer, EnterpriseListSerializer
from enterprises.filters import EnterpriseFilter
from enterprises.importing.views import export_response
from enterprises.selectors import enterprise_get, enterprise_list


class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    """The enterprise registry, scoped to the caller: list with the page's filters, detail by credit code."""

    lookup_field = "credit_code"
    lookup_value_regex = "[0-9A-Za-z]{18}"
    filterset_class = EnterpriseFilter

    def get_queryset(self):
        return enterprise_list(user=self.request.user)

    def get_object(self):
        return enterprise_get(user=self.request.user, credit_code=self.kwargs["credit_code"].upper())

    def retrieve(self, request, *args, **kwargs):
        enterprise = self.get_object()
        record_contact_view(request=request, enterprise=enterprise, where="api")
        return Response(self.get_serializer(enterprise).data)

    def get_serializer_class(self):
        return EnterpriseDetailSerializer if self.action == "retrieve" else EnterpriseListSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("file_format", str, enum=["xlsx", "csv"], description="Default xlsx."),
            OpenApiParameter("year", str, description="A year, “latest” (default) or “all”."),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=False, url_path="export", filter_backends=[], pagination_class=None)
    def export(self, request):
        """The list as filtered by the same parameters, in the import template's columns (xlsx or csv)."""
        return export_response(request=request, params=request.query_params)
