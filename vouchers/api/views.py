from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api import api_action, body, call_service, query_params
from enterprises.selectors import enterprise_get
from vouchers.api.serializers import (
    BulkTransitionSerializer,
    ClaimDetailSerializer,
    ClaimQuerySerializer,
    ClaimSerializer,
    ClaimWriteSerializer,
    CommentSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    MoveResultSerializer,
    ProviderQuerySerializer,
    ProviderSerializer,
    QueueClaimSerializer,
    QuotaQuerySerializer,
    QuotaSerializer,
    TransitionSerializer,
    VoucherPolicySerializer,
)
from vouchers.models import ClaimStatus, Provider, VoucherKind
from vouchers.permissions import can_claim, is_city_reviewer, reads_as_firm, reviews_vouchers
from vouchers.selectors import (
    attach_checks,
    claim_documents,
    claim_events,
    claim_get,
    claim_list,
    policy_get,
    policy_list,
    provider_get,
    provider_list,
    publicity_list,
    quota_for,
    review_queue,
)
from vouchers.services import claim_create, claim_update, document_add, provider_save
from vouchers.workflows import claim_transition


def _claim_fields(data: dict, policy) -> dict:
    """API input (kind code, provider id) to the service's objects."""
    values = dict(data)
    values.pop("year", None)
    if "kind" in values:
        kind = VoucherKind.objects.filter(policy=policy, code=values["kind"]).first()
        if kind is None:
            raise drf_serializers.ValidationError(
                {"kind": [f"No kind “{values['kind']}” in the {policy.year} policy."]}
            )
        values["kind"] = kind
    if values.get("provider") is not None:
        provider = Provider.objects.filter(pk=values["provider"]).first()
        if provider is None:
            raise drf_serializers.ValidationError({"provider": ["No such provider in the registry."]})
        values["provider"] = provider
    return values


def _detail(request, claim) -> dict:
    claim.document_list = list(claim_documents(claim=claim))
    claim.event_list = list(claim_events(claim=claim).select_related(None).select_related("actor"))
    if not reads_as_firm(request.user):
        attach_checks([claim])
    else:
        claim.checks = []
    return ClaimDetailSerializer(claim, context={"request": request}).data


class ClaimViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Voucher claims in the caller's scope (filter status, year, county, kind, q). Firms create and change their
    drafts, attach documents and submit; reviewers move claims through `transition`; `queue` is what waits for the
    caller's review, with the checks."""

    serializer_class = ClaimSerializer
    filter_backends = []

    def get_queryset(self):
        params = query_params(ClaimQuerySerializer, self.request)
        return claim_list(user=self.request.user, **params)

    @extend_schema(parameters=[ClaimQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: ClaimDetailSerializer})
    def retrieve(self, request, pk=None):
        return Response(_detail(request, claim_get(user=request.user, pk=pk)))

    @extend_schema(request=ClaimWriteSerializer, responses={201: ClaimDetailSerializer})
    def create(self, request):
        values = body(ClaimWriteSerializer, request)
        year = values.get("year") or timezone.localdate().year
        try:
            policy = policy_get(year=year)
        except Http404:
            raise drf_serializers.ValidationError({"year": [f"No voucher policy for {year}."]}) from None
        claim = call_service(claim_create, actor=request.user, policy=policy, **_claim_fields(values, policy))
        return Response(_detail(request, claim_get(user=request.user, pk=claim.pk)), status=status.HTTP_201_CREATED)

    @extend_schema(request=ClaimWriteSerializer, responses={200: ClaimDetailSerializer})
    def partial_update(self, request, pk=None):
        claim = claim_get(user=request.user, pk=pk)
        values = body(ClaimWriteSerializer, request, partial=True)
        call_service(claim_update, claim=claim, actor=request.user, **_claim_fields(values, claim.policy))
        return Response(_detail(request, claim_get(user=request.user, pk=pk)))

    def _move(self, request, pk, to: str | None, serializer_class):
        """Move one claim as the body says (`to`, or the body's own `to`): the scoped queryset is found and locked
        in one statement, so a claim outside the scope is a 404."""

        def move(data):
            claims = claim_list(user=request.user).filter(pk=pk)
            return claim_transition(
                claims=claims, to=to or data["to"], actor=request.user, comment=data.get("comment", "")
            )[0]

        return api_action(
            request,
            serializer_class,
            move,
            answer=lambda moved: MoveResultSerializer(moved, context={"request": request}).data,
        )

    @extend_schema(request=TransitionSerializer, responses={200: MoveResultSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        return self._move(request, pk, None, TransitionSerializer)

    @extend_schema(request=CommentSerializer, responses={200: MoveResultSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft or returned claim of the caller's firm (the same move as transition to=submitted)."""
        return self._move(request, pk, ClaimStatus.SUBMITTED, CommentSerializer)

    @extend_schema(request=DocumentUploadSerializer, responses={201: DocumentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def documents(self, request, pk=None):
        claim = claim_get(user=request.user, pk=pk)
        return api_action(
            request,
            DocumentUploadSerializer,
            lambda data: document_add(
                claim=claim,
                actor=request.user,
                kind=data["kind"],
                uploaded_file=data["file"],
                invoice_number=data.get("invoice_number", ""),
            ),
            answer=lambda document: DocumentSerializer(document).data,
            status_code=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={200: QueueClaimSerializer(many=True)})
    @action(detail=False, methods=["get"])
    def queue(self, request):
        if not reviews_vouchers(request.user):
            raise DrfPermissionDenied
        page = self.paginate_queryset(review_queue(user=request.user))
        attach_checks(page)
        return self.get_paginated_response(QueueClaimSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(request=BulkTransitionSerializer, responses={200: MoveResultSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="bulk-transition")
    def bulk_transition(self, request):
        """City staff: start the public notice for, or mark paid, many city-approved claims at once (all or none)."""
        if not is_city_reviewer(request.user):
            raise DrfPermissionDenied
        data = body(BulkTransitionSerializer, request)
        ids = set(data["ids"])
        claims = list(publicity_list(user=request.user).filter(pk__in=ids))
        if len(claims) != len(ids):
            raise drf_serializers.ValidationError({"ids": ["Some claims are not city-approved or in public notice."]})
        moved = call_service(
            claim_transition, claims=claims, to=data["to"], actor=request.user, comment=data.get("comment", "")
        )
        return Response(MoveResultSerializer(moved, many=True, context={"request": request}).data)


class QuotaView(generics.GenericAPIView):
    """A firm's voucher quota for a year: its own for a firm's user; staff name a firm in their scope."""

    serializer_class = QuotaSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(parameters=[QuotaQuerySerializer])
    def get(self, request):
        params = query_params(QuotaQuerySerializer, request)
        policy = policy_get(year=params.get("year") or timezone.localdate().year)
        if can_claim(request.user):
            enterprise_id = request.user.enterprise_id
        elif params.get("credit_code"):
            enterprise_id = enterprise_get(user=request.user, credit_code=params["credit_code"].upper()).pk
        else:
            raise drf_serializers.ValidationError({"credit_code": ["Name the firm."]})
        quota = quota_for(enterprise_id=enterprise_id, policy=policy)
        return Response(QuotaSerializer({"year": quota.year, "cap": quota.cap, "committed": quota.committed,
                                         "remaining": quota.remaining}).data)  # fmt: skip


class PolicyViewSet(viewsets.ReadOnlyModelViewSet):
    """Voucher policies by year, with their kinds and ratios (read by everyone signed in)."""

    serializer_class = VoucherPolicySerializer
    filter_backends = []
    lookup_field = "year"

    def get_queryset(self):
        return policy_list()

    def get_object(self):
        return policy_get(year=self.kwargs["year"])


class ProviderViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """The provider registry (filter q, kind, status, field); city staff register and change providers."""

    serializer_class = ProviderSerializer
    filter_backends = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        params = query_params(ProviderQuerySerializer, self.request) if self.action == "list" else {}
        return provider_list(q=params.get("q", ""), kind=params.get("kind", ""), status=params.get("status", ""),
                             field_=params.get("field", ""))  # fmt: skip

    def get_object(self):
        return provider_get(pk=self.kwargs["pk"])

    @extend_schema(parameters=[ProviderQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def create(self, request):
        return api_action(
            request,
            ProviderSerializer,
            lambda data: provider_save(actor=request.user, **data),
            answer=lambda provider: ProviderSerializer(provider).data,
            status_code=status.HTTP_201_CREATED,
        )

    def partial_update(self, request, pk=None):
        provider = self.get_object()
        values = {
            name: getattr(provider, name) for name in ProviderSerializer.Meta.fields if name not in ("id", "updated_at")
        }
        values.update(body(ProviderSerializer, request, instance=provider, partial=True))
        provider = call_service(provider_save, actor=request.user, provider=provider, **values)
        return Response(ProviderSerializer(provider).data)
