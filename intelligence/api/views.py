"""The intelligence API: every kind through the platform's viewsets, with the
same visibility and field levels as the pages."""

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from intelligence import services
from intelligence.api import serializers as api
from intelligence.models import (
    Association,
    IntelligenceReport,
    Location,
    PersonOfConcern,
    ReportOriginal,
    Submission,
    Vehicle,
)
from intelligence.models.disruptions import Disruption
from intelligence.models.profiles import ProblemProfile
from intelligence.models.reviews import DisruptionReview, ProfileReview, Review
from intelligence.services.disruptions import CAWN_STEPS
from intelligence.services.profiles import PROFILE_STEPS
from referrals.models import Child
from sharing.api import SharableViewSet
from sharing.api_writes import ERROR_RESPONSES, DependentRecordViewSet, SharableWriteViewSet
from sharing.levels import AccessLevel

NOT_VISIBLE = "Choose children from referrals you can see"


class ReviewActionMixin:
    """POST .../<id>/review/: a MoPI review of the record (retain, archive or
    dispose), by the intelligence unit with change access."""

    review_serializer = None

    def review_response(self, request):
        record = self.get_object()
        fields = self.validated(api.ReviewCreateSerializer)
        review = services.record_review(record=record, reviewed_by=request.user, request=request, **fields)
        return Response(self.review_serializer(review).data, status=status.HTTP_201_CREATED)


REVIEW_DESCRIPTION = (
    "Record a MoPI review: retain or archive (the next review is the retention rule's period from today) "
    "or dispose (a tombstone stays: the reference, dates and reviews; the content and its history go)."
)


class SubmissionViewSet(mixins.CreateModelMixin, SharableWriteViewSet):
    """Your submissions (the intelligence unit: every submission); POST submits one."""

    model = Submission
    serializer_class = api.SubmissionSerializer
    write_serializers = {"create": api.SubmissionCreateSerializer}
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("children")

    @extend_schema(request=api.SubmissionCreateSerializer, responses={201: api.SubmissionSerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        fields = self.validated()
        ids = fields.pop("children", [])
        # Children the user cannot see and ids that do not exist get one answer.
        children = list(Child.objects.visible_to(request.user, AccessLevel.FULL).filter(pk__in=ids))
        if len(children) != len(set(ids)):
            raise ValidationError({"children": [NOT_VISIBLE]})
        submission = services.submission_create(submitted_by=request.user, children=children, request=request, **fields)
        return self.rendered(submission, code=status.HTTP_201_CREATED)


class IntelligenceReportViewSet(ReviewActionMixin, mixins.CreateModelMixin, SharableWriteViewSet):
    """Sanitised reports the user sees; the intelligence unit creates them
    (POST) and reviews them (POST .../review/)."""

    model = IntelligenceReport
    serializer_class = api.IntelligenceReportSerializer
    write_serializers = {"create": api.IntelligenceReportCreateSerializer, "review": api.ReviewCreateSerializer}
    review_serializer = api.ReviewSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("district", "sanitised_by")
            .prefetch_related("persons", "locations", "vehicles")
        )

    @extend_schema(
        request=api.IntelligenceReportCreateSerializer,
        responses={201: api.IntelligenceReportSerializer, **ERROR_RESPONSES},
    )
    def create(self, request, *args, **kwargs):
        fields = self.validated()
        submission_id = fields.pop("submission", None)
        submission = None
        if submission_id is not None:
            submission = (
                Submission.objects.visible_to(request.user, AccessLevel.CHANGE).filter(pk=submission_id).first()
            )
            if submission is None:
                raise ValidationError({"submission": ["No such submission"]})
        report = services.report_create(created_by=request.user, submission=submission, request=request, **fields)
        return self.rendered(report, code=status.HTTP_201_CREATED)

    @extend_schema(
        request=api.ReviewCreateSerializer,
        responses={201: api.ReviewSerializer, **ERROR_RESPONSES},
        description=REVIEW_DESCRIPTION,
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self.review_response(request)


class ReportOriginalViewSet(SharableViewSet):
    """Originals and gradings: the intelligence unit only."""

    model = ReportOriginal
    serializer_class = api.ReportOriginalSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("graded_by", "report")


class PersonOfConcernViewSet(SharableViewSet):
    """Persons of concern, seen through the reports that reference them."""

    model = PersonOfConcern
    serializer_class = api.PersonOfConcernSerializer


class LocationViewSet(SharableViewSet):
    model = Location
    serializer_class = api.LocationSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("district")


class VehicleViewSet(SharableViewSet):
    model = Vehicle
    serializer_class = api.VehicleSerializer


class AssociationViewSet(DependentRecordViewSet):
    """Associations whose evidencing report the user sees in full and both of
    whose ends the user sees; `?report=<id>`."""

    model = Association
    serializer_class = api.AssociationSerializer
    http_method_names = ["get", "head", "options"]


@extend_schema_view(
    partial_update=extend_schema(
        request=api.DisruptionUpdateSerializer, responses={200: api.DisruptionSerializer, **ERROR_RESPONSES}
    )
)
class DisruptionViewSet(ReviewActionMixin, mixins.CreateModelMixin, SharableWriteViewSet):
    """Disruptions the user sees (CAWNs and others); the intelligence unit
    records them (POST), edits them (PATCH, with the version loaded), takes a
    CAWN's steps (POST .../workflow/<step>/) and reviews them (POST .../review/).
    Linked persons, locations and children are listed only as far as the
    reader sees each."""

    model = Disruption
    serializer_class = api.DisruptionSerializer
    write_serializers = {
        "create": api.DisruptionRecordSerializer,
        "partial_update": api.DisruptionUpdateSerializer,
        "workflow": api.CawnStepSerializer,
        "review": api.ReviewCreateSerializer,
    }
    review_serializer = api.DisruptionReviewSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        return (
            super()
            .get_queryset()
            .select_related("district", "officer", "authorised_by")
            .prefetch_related(
                Prefetch("persons", queryset=PersonOfConcern.objects.visible_to(user)),
                Prefetch("locations", queryset=Location.objects.visible_to(user)),
                Prefetch("children", queryset=Child.objects.visible_to(user)),
            )
        )

    @extend_schema(request=api.DisruptionRecordSerializer, responses={201: api.DisruptionSerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        disruption = services.disruption_record(recorded_by=request.user, request=request, **self.validated())
        return self.rendered(disruption, code=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        disruption = self.get_object()
        changes = self.validated()
        version = changes.pop("version")
        disruption = services.disruption_update(
            disruption=disruption, changed_by=request.user, expected_version=version, request=request, **changes
        )
        return self.rendered(disruption)

    @extend_schema(
        request=api.ReviewCreateSerializer,
        responses={201: api.DisruptionReviewSerializer, **ERROR_RESPONSES},
        description=REVIEW_DESCRIPTION,
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self.review_response(request)

    @extend_schema(
        parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH, enum=list(CAWN_STEPS))],
        request=api.CawnStepSerializer,
        responses={200: api.DisruptionSerializer, **ERROR_RESPONSES},
        description="Take a step of a child abduction warning notice: " + ", ".join(CAWN_STEPS) + ". "
        + (api.CawnStepSerializer.__doc__ or ""),
    )  # fmt: skip
    @action(detail=True, methods=["post"], url_path=r"workflow/(?P<step>[a-z]+)")
    def workflow(self, request, pk=None, step=None):
        if step not in CAWN_STEPS:
            raise Http404("No such workflow step")
        disruption = self.get_object()
        fields = self.validated()
        arguments = {name: fields.get(name) for name in api.STEP_ARGUMENTS[step]}
        for name in ("breach_details", "withdrawal_reason"):
            if name in arguments and arguments[name] is None:
                arguments[name] = ""
        disruption = CAWN_STEPS[step].take(record=disruption, user=request.user, request=request, **arguments)
        return self.rendered(disruption)


class ReviewViewSet(DependentRecordViewSet):
    """MoPI reviews of the reports the user sees in full; `?report=<id>`."""

    model = Review
    serializer_class = api.ReviewSerializer
    related = ("reviewed_by", "retention_rule")
    http_method_names = ["get", "head", "options"]


class DisruptionReviewViewSet(DependentRecordViewSet):
    """MoPI reviews of the disruptions the user sees in full; `?disruption=<id>`."""

    model = DisruptionReview
    serializer_class = api.DisruptionReviewSerializer
    related = ("reviewed_by", "retention_rule")
    http_method_names = ["get", "head", "options"]


class ProfileReviewViewSet(DependentRecordViewSet):
    """MoPI reviews of the problem profiles the user sees in full; `?profile=<id>`."""

    model = ProfileReview
    serializer_class = api.ProfileReviewSerializer
    related = ("reviewed_by", "retention_rule")
    http_method_names = ["get", "head", "options"]


@extend_schema_view(
    create=extend_schema(
        request=api.ProblemProfileCreateSerializer, responses={201: api.ProblemProfileSerializer, **ERROR_RESPONSES}
    ),
    partial_update=extend_schema(
        request=api.ProblemProfileUpdateSerializer, responses={200: api.ProblemProfileSerializer, **ERROR_RESPONSES}
    ),
)
class ProblemProfileViewSet(ReviewActionMixin, mixins.CreateModelMixin, SharableWriteViewSet):
    """Problem profiles the user sees (the unit; partners they were disseminated
    to). Analysts and intelligence officers draft them (POST) and edit drafts
    (PATCH, with the version loaded); the workflow's steps are POST
    .../workflow/<step>/; the unit reviews them (POST .../review/)."""

    model = ProblemProfile
    serializer_class = api.ProblemProfileSerializer
    write_serializers = {
        "create": api.ProblemProfileCreateSerializer,
        "partial_update": api.ProblemProfileUpdateSerializer,
        "workflow": api.ProfileStepSerializer,
        "review": api.ReviewCreateSerializer,
    }
    review_serializer = api.ProfileReviewSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("district", "author")

    def create(self, request, *args, **kwargs):
        fields = self.validated()
        fields["plan_priority_ids"] = fields.get("plan_priority_ids") or []
        profile = services.profile_create(author=request.user, request=request, **fields)
        return self.rendered(profile, code=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        profile = self.get_object()
        changes = self.validated()
        version = changes.pop("version")
        profile = services.profile_update(
            profile=profile, changed_by=request.user, expected_version=version, request=request, **changes
        )
        return self.rendered(profile)

    @extend_schema(
        parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH, enum=list(PROFILE_STEPS))],
        request=api.ProfileStepSerializer,
        responses={200: api.ProblemProfileSerializer, **ERROR_RESPONSES},
        description="Take a step of a problem profile's workflow: " + ", ".join(PROFILE_STEPS) + ". "
        + (api.ProfileStepSerializer.__doc__ or ""),
    )  # fmt: skip
    @action(detail=True, methods=["post"], url_path=r"workflow/(?P<step>[a-z]+)")
    def workflow(self, request, pk=None, step=None):
        if step not in PROFILE_STEPS:
            raise Http404("No such workflow step")
        profile = self.get_object()
        fields = self.validated()
        arguments = {name: fields.get(name) for name in api.PROFILE_STEP_ARGUMENTS[step]}
        if step == "disseminate":
            arguments["agencies"] = arguments["agencies"] or []
            arguments["purpose"] = arguments["purpose"] or ""
            arguments["conditions"] = arguments["conditions"] or ""
        profile = PROFILE_STEPS[step].take(record=profile, user=request.user, request=request, **arguments)
        return self.rendered(profile)

    @extend_schema(
        request=api.ReviewCreateSerializer,
        responses={201: api.ProfileReviewSerializer, **ERROR_RESPONSES},
        description=REVIEW_DESCRIPTION,
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self.review_response(request)
