from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action

from core.api import api_action
from notifications.api.serializers import MarkReadResultSerializer, MarkReadSerializer, NotificationSerializer
from notifications.selectors import notification_get, notification_list, unread_count
from notifications.services import notifications_mark_read


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's notifications, newest first (`unread=true` for the unread only); mark them read."""

    serializer_class = NotificationSerializer
    filter_backends = []

    def get_queryset(self):
        unread = self.request.query_params.get("unread")
        return notification_list(user=self.request.user, unread=True if unread in ("1", "true") else None)

    def get_object(self):
        return notification_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("unread", bool)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MarkReadSerializer, responses={200: MarkReadResultSerializer})
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        return api_action(
            request,
            MarkReadSerializer,
            lambda data: notifications_mark_read(user=request.user, ids=data.get("ids")),
            answer=lambda marked: {"marked": marked, "unread": unread_count(user=request.user)},
        )
