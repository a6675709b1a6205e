"""The referrals API. Reads come from `visible_to` querysets (sharing decides
who sees what; a record the user may not see is a 404); every write is a call
to referrals.services, whose refusals sharing.api_writes maps to HTTP answers
(400 field errors, 403, 409, 404) as it does for every app."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action

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
from sharing.api_writes import ERROR_RESPONSES, DependentRecordViewSet, SharableWriteViewSet, id_filter
from sharing.levels import AccessLevel

STEPS = tuple(services.STEPS)


# --- children ---------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("q", str, description="A name or alias; tolerant of misspelling")])
)
class ChildViewSet(SharableWriteViewSet):
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
class ReferralViewSet(mixins.CreateModelMixin, SharableWriteViewSet):
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
        referral = services.STEPS[step].take(record=referral, user=request.user, request=request, **arguments)
        return self.rendered(referral)


# --- records seen through their referral --------------------------------------------


REFERRAL_PARAMETER = OpenApiParameter("referral", int, description="Only this referral's records")


@extend_schema_view(
    list=extend_schema(parameters=[REFERRAL_PARAMETER]),
    create=extend_schema(
        request=api.RiskAssessmentSubmitSerializer, responses={201: api.RiskAssessmentSerializer, **ERROR_RESPONSES}
    ),
)
class RiskAssessmentViewSet(DependentRecordViewSet, mixins.CreateModelMixin):
    """Risk assessments: submitted by a caseworker, approved or returned by another supervisor."""

    model = RiskAssessment
    serializer_class = api.RiskAssessmentSerializer
    write_serializers = {"create": api.RiskAssessmentSubmitSerializer, "return_assessment": api.ReturnSerializer}
    related = ("instrument", "assessed_by__agency", "decided_by__agency", "agency")
    prefetched = (Prefetch("answers", queryset=IndicatorAnswer.objects.select_related("indicator__section")),)

    def readable_records(self):
        # A draft (saved on the page to finish later) is its assessor's unfinished work, not the case's record.
        return super().readable_records().exclude(status=RiskAssessment.Status.DRAFT)

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
class ChronologyEntryViewSet(DependentRecordViewSet, mixins.CreateModelMixin):
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
class ActionViewSet(DependentRecordViewSet, mixins.CreateModelMixin):
    model = Action
    serializer_class = api.ActionSerializer
    write_serializers = {"create": api.ActionCreateSerializer, "done": api.ActionCompleteSerializer}
    related = ("owner__agency", "owner_agency", "created_by__agency", "agency", "completed_by__agency")

    def create(self, request, *args, **kwargs):
        created = services.action_create(created_by=request.user, request=request, **self.validated())
        return self.rendered(created, code=status.HTTP_201_CREATED)

    @extend_schema(request=api.ActionCompleteSerializer, responses={200: api.ActionSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        action_done = self.get_object()  # a 404 for an action not seen in full, before reading the body
        fields = self.validated()
        completed = services.action_complete(action=action_done, completed_by=request.user, request=request, **fields)
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
class MissingEpisodeViewSet(DependentRecordViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
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
