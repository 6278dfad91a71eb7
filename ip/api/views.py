from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from ip.api.serializers import IpOverviewSerializer, PatentQuerySerializer, PatentSerializer
from ip.selectors import county_overview, patent_get, patent_list


@extend_schema(parameters=[PatentQuerySerializer])
class PatentListView(generics.ListAPIView):
    """The patent register in the caller's scope; filter by firm (credit code), county code, kind, high-value and
    held (not transferred out); ordered by value score (highest first) unless asked otherwise."""

    serializer_class = PatentSerializer
    filter_backends = []

    def get_queryset(self):
        query = PatentQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        patents = patent_list(user=self.request.user)
        if params.get("credit_code"):
            patents = patents.filter(enterprise__credit_code=params["credit_code"].upper())
        if params.get("county"):
            patents = patents.filter(enterprise__county__code=params["county"])
        if params.get("kind"):
            patents = patents.filter(kind=params["kind"])
        if params.get("high_value") is not None:
            patents = patents.filter(high_value=params["high_value"])
        if params.get("held") is not None:
            patents = patents.filter(transferred_out_on__isnull=params["held"])
        # Unevaluated rows (no score yet) last, whichever the direction.
        ordering = params.get("ordering", "-value_score")
        field = ordering.lstrip("-")
        expression = F(field).desc(nulls_last=True) if ordering.startswith("-") else F(field).asc(nulls_last=True)
        return patents.order_by(expression, "id")


class PatentDetailView(generics.RetrieveAPIView):
    """One right of the register; 404 outside the caller's scope."""

    serializer_class = PatentSerializer

    def get_object(self):
        return patent_get(user=self.request.user, pk=self.kwargs["pk"])


class IpOverviewView(APIView):
    """Patents, valid held rights, invention patents and high-value patents per county in the caller's scope, and
    rights transferred in and out by year (the IP overview page's figures)."""

    @extend_schema(responses=IpOverviewSerializer)
    def get(self, request):
        return Response(IpOverviewSerializer(county_overview(user=request.user)).data)
