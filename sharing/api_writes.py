"""DRF pieces for writing sharable records through services: refusals mapped
to HTTP answers (by sharing.refusals.refusal_for, as the pages are), a
serializer per write action, and a viewset for records seen through their
parent (sharing.registry's @dependent), filterable by the parent's id.

    ValidationError -> 400 {field: [messages]}
    StepNotAllowed  -> 409 (not from this status) or 403 (not for this role/level), {"detail": ...}
    StaleEdit       -> 409 {"detail", "version", "changes": [{"field", "label", "yours", "current"}]}
    Http404         -> 404
"""

from django.db.models import Model
from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from cse_team.validators import whole_number
from sharing import registry
from sharing.api import SharableViewSet
from sharing.levels import AccessLevel
from sharing.refusals import REFUSALS, StaleEdit, refusal_for

ERROR_RESPONSES = {
    400: OpenApiResponse(description="Field errors: {field: [messages]}"),
    403: OpenApiResponse(description="Not for your role, or you cannot change this record"),
    404: OpenApiResponse(description="No such record, or one you may not see"),
    409: OpenApiResponse(description="Not allowed from the record's current status, or changed since you loaded it"),
}


def _plain(value):
    """A value from the change history as JSON: records by name, the rest as they are."""
    return str(value) if isinstance(value, Model) else value


def stale_edit_response(error: StaleEdit) -> Response:
    """409: what changed since the version the client loaded (`yours`, as it was
    then; `current`, as it is now), read from the change history, and the
    version to send once the client has looked at them."""
    changes = [
        {"field": error.field_name(label), "label": label, "yours": _plain(yours), "current": _plain(now)}
        for label, yours, now in error.changes
    ]
    return Response(
        {"detail": str(error), "version": error.record.version, "changes": changes}, status=status.HTTP_409_CONFLICT
    )


def refusal_response(error: Exception) -> Response:
    refusal = refusal_for(error)
    if refusal.stale is not None:
        return stale_edit_response(refusal.stale)
    if refusal.status == status.HTTP_400_BAD_REQUEST:
        errors = {
            (api_settings.NON_FIELD_ERRORS_KEY if name is None else name): messages
            for name, messages in refusal.errors.items()
        }
        return Response(errors, status=refusal.status)
    return Response({"detail": refusal.message}, status=refusal.status)


class StrictFieldsMixin:
    """For a write serializer: refuse fields the endpoint does not take, rather
    than silently ignoring them: a client that sends `status` should learn it
    cannot be set here."""

    def validate(self, attrs):
        unknown = set(getattr(self, "initial_data", {})) - set(self.fields)
        if unknown:
            raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))
        return super().validate(attrs)


class ServiceRefusalsMixin:
    """Turns the services' refusals into HTTP answers (see the module docstring)."""

    def handle_exception(self, exc):
        if isinstance(exc, REFUSALS):
            return refusal_response(exc)
        return super().handle_exception(exc)


class WriteSerializersMixin:
    """A serializer for what is sent, by action; reads use `serializer_class`."""

    write_serializers: dict = {}

    def get_serializer_class(self):
        return self.write_serializers.get(self.action, self.serializer_class)

    def validated(self, serializer_class=None) -> dict:
        serializer = (serializer_class or self.get_serializer_class())(
            data=self.request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def readable_records(self):
        return self.get_queryset()

    def rendered(self, record, *, code=status.HTTP_200_OK) -> Response:
        """The record as a reader sees it after the write, at their level now."""
        fresh = self.readable_records().filter(pk=record.pk).first()
        if fresh is None:  # written, but not (or no longer) visible to its writer
            return Response({"id": record.pk}, status=code)
        return Response(self.serializer_class(fresh, context=self.get_serializer_context()).data, status=code)


def id_filter(request, name: str) -> int | None:
    """The id in query parameter `name`, if given; anything but a whole number is a 400."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    # Any size: the OpenAPI document says "an integer", and a filter on an id
    # no record has (past bigint too) lists nothing.
    found = whole_number(value, maximum=None)
    if found is None:
        raise ValidationError({name: ["Give an id (a whole number)."]})
    return found


class SharableWriteViewSet(ServiceRefusalsMixin, WriteSerializersMixin, SharableViewSet):
    """A sharable record kind's viewset whose writes call services."""


class DependentRecordViewSet(SharableWriteViewSet):
    """Records seen through their parent (a referral's assessments, chronology,
    actions): listed only where the user sees the parent in full, filterable by
    `?<parent field>=<id>`. The parent comes from the registry's @dependent
    declaration. Lists and reads are logged as the sharable viewsets' are."""

    related: tuple[str, ...] = ()
    prefetched: tuple = ()
    http_method_names = ["get", "post", "head", "options"]

    @classmethod
    def parent_field(cls) -> str:
        return registry.dependent_for_model(cls.model).parent_field

    def readable_records(self):
        records = self.model._default_manager.visible_to(self.request.user, AccessLevel.FULL)
        return records.select_related(self.parent_field(), *self.related).prefetch_related(*self.prefetched)

    def get_queryset(self):
        records = self.readable_records()
        field = self.parent_field()
        parent = id_filter(self.request, field)
        return records.filter(**{f"{field}_id": parent}) if parent is not None else records
