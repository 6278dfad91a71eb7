from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import is_enterprise_user
from core.api import call_service, query_params
from policies.api.serializers import (
    EventSerializer,
    MatchQuerySerializer,
    NoticeSerializer,
    PolicyMatchSerializer,
    PolicyQuerySerializer,
    PolicySerializer,
    RegistrationSerializer,
    RegistrationTransitionSerializer,
)
from policies.selectors import (
    event_get,
    event_list,
    event_registrations,
    notice_get,
    notice_list,
    policy_get,
    policy_list,
    policy_match_list,
    registration_get,
)
from policies.services import notice_mark_read
from policies.workflows import event_register, registration_transition


@extend_schema(parameters=[PolicyQuerySerializer])
class PolicyListView(generics.ListAPIView):
    """The policy library, with each policy's conditions in machine-readable form and in words."""

    serializer_class = PolicySerializer
    filter_backends = []

    def get_queryset(self):
        return policy_list(user=self.request.user, kind=query_params(PolicyQuerySerializer, self.request).get("kind"))


class PolicyDetailView(generics.RetrieveAPIView):
    serializer_class = PolicySerializer

    def get_object(self):
        return policy_get(user=self.request.user, pk=self.kwargs["pk"])


@extend_schema(parameters=[MatchQuerySerializer])
class PolicyMatchListView(generics.ListAPIView):
    """Firms meeting or nearly meeting policies, in the caller's scope (staff: their firms; a firm: itself);
    nearly-meeting rows name the missing condition and the gap."""

    serializer_class = PolicyMatchSerializer
    filter_backends = []

    def get_queryset(self):
        params = query_params(MatchQuerySerializer, self.request)
        policy = policy_get(user=self.request.user, pk=params["policy"]) if "policy" in params else None
        return policy_match_list(
            user=self.request.user, policy=policy, status=params.get("status"), county=params.get("county")
        )


class NoticeListView(generics.ListAPIView):
    """A firm: the notices addressed to it, unread first (`is_read`). Staff: the notices of their scope."""

    serializer_class = NoticeSerializer
    filter_backends = []

    def get_queryset(self):
        return notice_list(user=self.request.user)


class NoticeDetailView(generics.RetrieveAPIView):
    serializer_class = NoticeSerializer

    def get_object(self):
        return notice_get(user=self.request.user, pk=self.kwargs["pk"])


class NoticeReadView(APIView):
    """Mark a notice read for the calling firm user (idempotent)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request, pk):
        notice_mark_read(notice=notice_get(user=request.user, pk=pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EventListView(generics.ListAPIView):
    """A firm: the events it is invited to (`my_state` its registration). Staff: the events of their scope."""

    serializer_class = EventSerializer
    filter_backends = []

    def get_queryset(self):
        return event_list(user=self.request.user)


class EventDetailView(generics.RetrieveAPIView):
    serializer_class = EventSerializer

    def get_object(self):
        return event_get(user=self.request.user, pk=self.kwargs["pk"])


class EventRegisterView(APIView):
    """Register the calling firm for an event it is invited to; 400 when full or already registered."""

    @extend_schema(request=None, responses={201: RegistrationSerializer})
    def post(self, request, pk):
        event = event_get(user=request.user, pk=pk)
        if not is_enterprise_user(request.user):
            raise DrfPermissionDenied
        registration = call_service(event_register, event=event, enterprise=request.user.enterprise, actor=request.user)
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


class EventRegistrationListView(generics.ListAPIView):
    """Registrations of an event whose firms the caller may see (a firm: its own)."""

    serializer_class = RegistrationSerializer
    filter_backends = []

    def get_queryset(self):
        event = event_get(user=self.request.user, pk=self.kwargs["pk"])
        return event_registrations(user=self.request.user, event=event)


class RegistrationTransitionView(APIView):
    """Cancel (the firm or staff), or record attendance (staff), as the transition table allows."""

    @extend_schema(request=RegistrationTransitionSerializer, responses={200: RegistrationSerializer})
    def post(self, request, pk):
        registration = registration_get(user=request.user, pk=pk)
        body = RegistrationTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        registration = call_service(registration_transition, registration=registration, to=body.validated_data["to"],
                             actor=request.user)  # fmt: skip
        return Response(RegistrationSerializer(registration).data)
