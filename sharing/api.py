"""DRF base classes for sharable records: the same visibility and field levels
as the pages. A record the user may not see is a 404; a summary-level record
is serialised with its summary fields only; lists and reads are audited."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from audit.models import AccessEvent
from audit.services import record_access
from sharing import registry
from sharing.field_levels import LevelAwareCursorPagination
from sharing.levels import AccessLevel


class LevelAwareSerializer(serializers.ModelSerializer):
    access_level = serializers.CharField(read_only=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if getattr(instance, "access_level", None) == AccessLevel.SUMMARY:
            kept = {"id", "access_level", *registry.summary_fields(type(instance))}
            data = {name: value for name, value in data.items() if name in kept}
        return data


@extend_schema_field(OpenApiTypes.INT)
class VisibleRecordField(serializers.PrimaryKeyRelatedField):
    """A record named by id in a write: one the requesting user sees at
    `level`. One they do not see gets the same answer as one that does not
    exist, so a write never discloses that an id exists."""

    default_error_messages = {"does_not_exist": "No {noun} you can see has id {pk_value}."}

    def __init__(self, model, *, level=AccessLevel.SUMMARY, noun=None, **kwargs):
        self.model, self.level = model, level
        self.noun = noun or model._meta.verbose_name
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model._default_manager.visible_to(self.context["request"].user, self.level)

    def fail(self, key, **kwargs):
        super().fail(key, noun=self.noun, **kwargs)


class NewestFirstCursorPagination(LevelAwareCursorPagination):
    """Newest first by id (the order of recording): a summary field, so every
    row is listed and no cursor carries a creation time (sharing.field_levels)."""

    ordering = ("-id",)


class SharableViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = NewestFirstCursorPagination
    model = None

    def get_queryset(self):
        user = self.request.user
        return self.model._default_manager.visible_to(user).with_access_level(user)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", response.data) if isinstance(response.data, dict) else response.data
        record_access(
            user=request.user,
            action=AccessEvent.Action.LIST,
            record_kind=self.model._meta.label_lower,
            record_ids=[row["id"] for row in rows],
            request=request,
        )
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        record_access(
            user=request.user,
            action=AccessEvent.Action.VIEW,
            record_kind=self.model._meta.label_lower,
            record_ids=[response.data["id"]],
            request=request,
        )
        return response
