from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from scoring.api.serializers import PortraitDetailSerializer, PortraitQuerySerializer, PortraitSerializer
from scoring.selectors import portrait_get, portrait_history, portrait_list


@extend_schema(parameters=[PortraitQuerySerializer])
class PortraitListView(generics.ListAPIView):
    """Portraits of the current run in the caller's scope, ranked by readiness; filter by county, tier, tag and a
    score range (`score` picks which score `min_score` / `max_score` apply to)."""

    serializer_class = PortraitSerializer
    filter_backends = []

    def get_queryset(self):
        query = PortraitQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        return portrait_list(
            user=self.request.user,
            county=params.get("county"),
            tier=params.get("tier"),
            tag=params.get("tag"),
            min_score=params.get("min_score"),
            max_score=params.get("max_score"),
            score_field=params.get("score", "readiness"),
        )


class PortraitDetailView(generics.RetrieveAPIView):
    """The current portrait of one firm (by credit code), with every breakdown and its history; 404 outside scope."""

    serializer_class = PortraitDetailSerializer
    lookup_field = "credit_code"

    def get_object(self):
        return portrait_get(user=self.request.user, credit_code=self.kwargs["credit_code"].upper())

    def retrieve(self, request, *args, **kwargs):
        portrait = self.get_object()
        history = portrait_history(user=request.user, enterprise=portrait.enterprise)
        serializer = self.get_serializer(portrait, context={**self.get_serializer_context(), "history": history})
        return Response(serializer.data)
