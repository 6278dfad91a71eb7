from rest_framework import viewsets

from enterprises.api.serializers import EnterpriseDetailSerializer, EnterpriseListSerializer
from enterprises.filters import EnterpriseFilter
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

    def get_serializer_class(self):
        return EnterpriseDetailSerializer if self.action == "retrieve" else EnterpriseListSerializer
