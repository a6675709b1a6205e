"""The signed-in person's notifications over the API: the list (newest first,
`?unread=true` for unread only), the unread count the header shows, and
marking one or all read. Each is the reader's own and listed only while its
record is visible to them at the level its news needs (visible_to), as on
the pages: anything else is 404."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from notifications import services
from notifications.api.serializers import MarkedReadSerializer, NotificationSerializer, UnreadCountSerializer
from notifications.context_processors import unread_count
from notifications.models import Notification


class NotificationPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("unread", bool, description="Only notifications not yet read")])
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    pagination_class = NotificationPagination
    lookup_value_regex = "[0-9]+"  # anything else is no notification: a 404, never a 500

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI document, made without a reader
            return Notification.objects.none()
        notifications = Notification.objects.visible_to(self.request.user)
        if self.action == "list" and self._only_unread():
            notifications = notifications.unread()
        return notifications

    def _only_unread(self) -> bool:
        unread = self.request.query_params.get("unread")
        if unread not in (None, "true", "false"):
            raise ValidationError({"unread": ["Give true or false."]})
        return unread == "true"

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        return Response(self.get_serializer(services.mark_read(user=request.user, notification=notification)).data)

    @extend_schema(request=None, responses=MarkedReadSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked_read": services.mark_all_read(user=request.user)})

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        count, label = unread_count(request.user)
        return Response({"unread": count, "label": label})
