"""The referrals API. Reads come from `visible_to` querysets (sharing decides
who sees what; a record the user may not see is a 404); every write is a call
to referrals.services, whose refusals are mapped to HTTP answers here:

- ValidationError -> 400 `{field: [messages]}`
- StepNotAllowed -> 409 (not from this status) or 403 (not for this role/level), `{"detail": ...}`
- StaleEdit -> 409 `{"detail", "version", "changes": [{"field", "yours", "current"}]}`
- Http404 -> 404
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from referrals import services
from referrals.api import serializers as api
from referrals.models import (
    Action,
    Child,
    ChronologyEntry,
    IndicatorAnswer,
    Instrument,
    MissingEpisode,
    Referral,
    RiskAssessment,
)
from referrals.scoring import Response as IndicatorResponse
from sharing.api import SharableViewSet
from sharing.levels import AccessLevel

STEPS = tuple(services.STEPS)

ERROR_RESPONSES = {
    400: OpenApiResponse(description="Field errors: {field: [messages]}"),
    403: OpenApiResponse(description="Not for your role, or you cannot change this referral"),
    404: OpenApiResponse(description="No such record, or one you may not see"),
    409: OpenApiResponse(description="Not allowed from the record's current status"),
}


def field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def _plain(value):
    """A value from the change history as JSON: records by name, the rest as they are."""
    return str(value) if isinstance(value, Model) else value


# The services name changed fields by label; the API also gives the field's name.
FIELD_NAMES = {
    str(model._meta.get_field(name).verbose_name).capitalize(): name
    for model, names in ((Referral, services.CONFLICT_FIELDS), (Child, services.CHILD_FIELDS))
    for name in names
}


def stale_edit_response(error: services.StaleEdit) -> Response:
    """409: what changed since the version the client loaded (`yours`, as it was
    then; `current`, as it is now), read from the change history, and the
    version to send once the client has looked at them."""
    changes = [
        {"field": FIELD_NAMES.get(label, label), "label": label, "yours": _plain(yours), "current": _plain(now)}
        for label, yours, now in error.changes
    ]
    return Response(
        {"detail": str(error), "version": error.referral.version, "changes": changes}, status=status.HTTP_409_CONFLICT
    )


class ServiceRefusalsMixin:
    """Turns the services' refusals into HTTP answers (see the module docstring)."""

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            return Response(field_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, services.StepNotAllowed):
            code = status.HTTP_409_CONFLICT if exc.reason == "status" else status.HTTP_403_FORBIDDEN
            return Response({"detail": exc.message}, status=code)
        if isinstance(exc, services.StaleEdit):
            return stale_edit_response(exc)
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

    def rendered(self, record, *, code=status.HTTP_200_OK) -> Response:
        """The record as a reader sees it after the write, at their level now."""
        fresh = self.readable_records().filter(pk=record.pk).first()
        if fresh is None:  # written, but not (or no longer) visible to its writer
            return Response({"id": record.pk}, status=code)
        return Response(self.serializer_class(fresh, context=self.get_serializer_context()).data, status=code)


def id_filter(request, name: str = "referral") -> int | None:
    """The id in query parameter `name`, if given; anything but a whole number is a 400."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise ValidationError({name: ["Give an id (a whole number)."]})
    return int(value)


# --- children ---------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("q", str, description="A name or alias; tolerant of misspelling")])
)
class ChildViewSet(ServiceRefusalsMixin, WriteSerializersMixin, SharableViewSet):
    """Children the user can see through one of their referrals, at the highest
    level of those referrals; summary-level children show identifying fields only.
    Children are created with their first referral (`new_child`), and edited
    (PATCH) through a referral about them that the user may change."""

    model = Child
    serializer_class = api.ChildSerializer
    write_serializers = {"partial_update": api.ChildUpdateSerializer}
    http_method_names = ["get", "patch", "head", "options"]

    def readable_records(self):
        return super().get_queryset().select_related("district")

    def get_queryset(self):
        children = self.readable_records()
        query = self.request.query_params.get("q", "").strip()
        return children.filter(pk__in=Child.objects.named(query).values("pk")) if query else children

    @extend_schema(
        request=api.ChildUpdateSerializer,
        responses={200: api.ChildSerializer, 409: api.StaleEditSerializer, **ERROR_RESPONSES},
    )
    def partial_update(self, request, *args, **kwargs):
        child = self.get_object()
        changes = self.validated()
        version, referral_id = changes.pop("version"), changes.pop("referral")
        referral = (
            Referral.objects.visible_to(request.user, AccessLevel.CHANGE).filter(pk=referral_id, child=child).first()
        )
        if referral is None:
            raise DjangoValidationError({"referral": "Give a referral about this child that you may change"})
        child = services.child_update(
            child=child,
            referral=referral,
            changed_by=request.user,
            expected_version=version,
            request=request,
            **changes,
        )
        return self.rendered(child)


# --- referrals ----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("child", int, description="Only this child's referrals"),
            OpenApiParameter("status", str, description="Only referrals in this status"),
        ]
    ),
    create=extend_schema(
        request=api.ReferralCreateSerializer, responses={201: api.ReferralSerializer, **ERROR_RESPONSES}
    ),
    partial_update=extend_schema(
        request=api.ReferralUpdateSerializer,
        responses={200: api.ReferralSerializer, 409: api.StaleEditSerializer, **ERROR_RESPONSES},
    ),
)
class ReferralViewSet(ServiceRefusalsMixin, WriteSerializersMixin, mixins.CreateModelMixin, SharableViewSet):
    """Referrals the user can see; summary-level ones show their summary fields only."""

    model = Referral
    serializer_class = api.ReferralSerializer
    write_serializers = {"create": api.ReferralCreateSerializer, "partial_update": api.ReferralUpdateSerializer}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def readable_records(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "child__district",
                "district",
                "lead_professional__agency",
                "source_agency",
                "owning_agency",
                "created_by__agency",
            )
        )

    def get_queryset(self):
        referrals = self.readable_records()
        child = id_filter(self.request, "child")
        if child is not None:
            referrals = referrals.filter(child_id=child)
        if self.request.query_params.get("status"):
            referrals = referrals.filter(status=self.request.query_params["status"])
        return referrals

    def get_serializer_class(self):
        if self.action == "workflow":
            return api.STEP_SERIALIZERS.get(self.kwargs.get("step"), api.WorkflowArgumentsSerializer)
        return super().get_serializer_class()

    def create(self, request, *args, **kwargs):
        fields = self.validated()
        referral = services.referral_create(created_by=request.user, request=request, **fields)
        return self.rendered(referral, code=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        referral = self.get_object()
        changes = self.validated()
        version = changes.pop("version")
        referral = services.referral_update(
            referral=referral, changed_by=request.user, expected_version=version, request=request, **changes
        )
        return self.rendered(referral)

    @extend_schema(
        parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH, enum=STEPS)],
        request=api.WorkflowArgumentsSerializer,
        responses={200: api.ReferralSerializer, **ERROR_RESPONSES},
        description="Take a workflow step: "
        + ", ".join(STEPS)
        + ". "
        + (api.WorkflowArgumentsSerializer.__doc__ or ""),
    )
    @action(detail=True, methods=["post"], url_path=r"workflow/(?P<step>[a-z]+)")
    def workflow(self, request, pk=None, step=None):
        if step not in services.STEPS:
            raise Http404("No such workflow step")
        referral = self.get_object()
        arguments = self.validated()
        arguments["expected_version"] = arguments.pop("version", None)
        service, actor = {
            "triage": (services.referral_triage, "triaged_by"),
            "decide": (services.referral_decide, "decided_by"),
            "accept": (services.referral_accept, "accepted_by"),
            "assign": (services.referral_assign, "assigned_by"),
            "open": (services.referral_open, "opened_by"),
            "close": (services.referral_close, "closed_by"),
        }[step]
        referral = service(referral=referral, request=request, **{actor: request.user}, **arguments)
        return self.rendered(referral)


# --- records seen through their referral --------------------------------------------


class DependentViewSet(ServiceRefusalsMixin, WriteSerializersMixin, SharableViewSet):
    """Records of a referral (assessments, chronology, actions, missing episodes):
    listed only for referrals the user sees in full, filterable by `?referral=<id>`.
    Lists and reads are logged as the sharable viewsets' are."""

    related: tuple[str, ...] = ()
    prefetched: tuple = ()
    http_method_names = ["get", "post", "head", "options"]

    def readable_records(self):
        records = self.model._default_manager.visible_to(self.request.user, AccessLevel.FULL)
        return records.select_related("referral", *self.related).prefetch_related(*self.prefetched)

    def get_queryset(self):
        records = self.readable_records()
        referral = id_filter(self.request)
        return records.filter(referral_id=referral) if referral is not None else records


REFERRAL_PARAMETER = OpenApiParameter("referral", int, description="Only this referral's records")


@extend_schema_view(
    list=extend_schema(parameters=[REFERRAL_PARAMETER]),
    create=extend_schema(
        request=api.RiskAssessmentSubmitSerializer, responses={201: api.RiskAssessmentSerializer, **ERROR_RESPONSES}
    ),
)
class RiskAssessmentViewSet(DependentViewSet, mixins.CreateModelMixin):
    """Risk assessments: submitted by a caseworker, approved or returned by another supervisor."""

    model = RiskAssessment
    serializer_class = api.RiskAssessmentSerializer
    write_serializers = {"create": api.RiskAssessmentSubmitSerializer, "return_assessment": api.ReturnSerializer}
    related = ("instrument", "assessed_by__agency", "decided_by__agency", "agency")
    prefetched = (Prefetch("answers", queryset=IndicatorAnswer.objects.select_related("indicator__section")),)

    def create(self, request, *args, **kwargs):
        fields = self.validated()
        answers = fields.pop("answers")
        assessment = services.assessment_submit(
            assessed_by=request.user,
            responses={
                answer["indicator"]: IndicatorResponse(answer["answer"], answer["timeframe"]) for answer in answers
            },
            evidence={answer["indicator"]: answer["evidence"] for answer in answers},
            request=request,
            **fields,
        )
        return self.rendered(assessment, code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: api.RiskAssessmentSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        assessment = services.assessment_approve(
            assessment=self.get_object(), approved_by=request.user, request=request
        )
        return self.rendered(assessment)

    @extend_schema(request=api.ReturnSerializer, responses={200: api.RiskAssessmentSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"], url_path="return")
    def return_assessment(self, request, pk=None):
        assessment = self.get_object()
        fields = self.validated()
        assessment = services.assessment_return(
            assessment=assessment, returned_by=request.user, request=request, **fields
        )
        return self.rendered(assessment)


@extend_schema_view(
    list=extend_schema(parameters=[REFERRAL_PARAMETER]),
    create=extend_schema(
        request=api.ChronologyEntryCreateSerializer,
        responses={201: api.ChronologyEntrySerializer, **ERROR_RESPONSES},
    ),
)
class ChronologyEntryViewSet(DependentViewSet, mixins.CreateModelMixin):
    model = ChronologyEntry
    serializer_class = api.ChronologyEntrySerializer
    write_serializers = {"create": api.ChronologyEntryCreateSerializer}
    related = ("recorded_by__agency", "agency")

    def create(self, request, *args, **kwargs):
        entry = services.chronology_add(recorded_by=request.user, request=request, **self.validated())
        return self.rendered(entry, code=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[REFERRAL_PARAMETER]),
    create=extend_schema(request=api.ActionCreateSerializer, responses={201: api.ActionSerializer, **ERROR_RESPONSES}),
)
class ActionViewSet(DependentViewSet, mixins.CreateModelMixin):
    model = Action
    serializer_class = api.ActionSerializer
    write_serializers = {"create": api.ActionCreateSerializer}
    related = ("owner__agency", "owner_agency", "created_by__agency", "agency", "completed_by__agency")

    def create(self, request, *args, **kwargs):
        created = services.action_create(created_by=request.user, request=request, **self.validated())
        return self.rendered(created, code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: api.ActionSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        completed = services.action_complete(action=self.get_object(), completed_by=request.user, request=request)
        return self.rendered(completed)


@extend_schema_view(
    list=extend_schema(parameters=[REFERRAL_PARAMETER]),
    create=extend_schema(
        request=api.MissingEpisodeCreateSerializer, responses={201: api.MissingEpisodeSerializer, **ERROR_RESPONSES}
    ),
    partial_update=extend_schema(
        request=api.MissingEpisodeUpdateSerializer, responses={200: api.MissingEpisodeSerializer, **ERROR_RESPONSES}
    ),
)
class MissingEpisodeViewSet(DependentViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    model = MissingEpisode
    serializer_class = api.MissingEpisodeSerializer
    write_serializers = {
        "create": api.MissingEpisodeCreateSerializer,
        "partial_update": api.MissingEpisodeUpdateSerializer,
    }
    related = ("recorded_by__agency", "agency")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        episode = services.missing_episode_record(recorded_by=request.user, request=request, **self.validated())
        return self.rendered(episode, code=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        episode = self.get_object()
        episode = services.missing_episode_update(
            episode=episode, changed_by=request.user, request=request, **self.validated()
        )
        return self.rendered(episode)


# --- reference data -------------------------------------------------------------------


class InstrumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Risk assessment instruments (every version) with their indicators: the
    ids an assessment's answers refer to. Reference data, not personal data."""

    serializer_class = api.InstrumentSerializer
    queryset = Instrument.objects.prefetch_related("sections__indicators")
    pagination_class = None
