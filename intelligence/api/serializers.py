"""The intelligence API's serializers: records rendered at the reader's level
(LevelAwareSerializer keeps a summary row's summary fields only); what is sent
is checked for shape here and for everything else by intelligence.services."""

from rest_framework import serializers

from accounts.models import District
from cse_team.validators import NARRATIVE_MAX_LENGTH, NOTE_MAX_LENGTH
from intelligence.models import (
    HANDLING_CODES,
    Association,
    HowKnown,
    IntelligenceReport,
    Location,
    PersonOfConcern,
    ReportOriginal,
    Scheme,
    Submission,
    Vehicle,
)
from intelligence.models.disruptions import CawnSection, Disruption, DisruptionKind
from intelligence.models.profiles import ProblemProfile
from intelligence.models.reviews import Review
from sharing.api import LevelAwareSerializer
from sharing.services import SHARE_TEXT_MAX


class SubmissionSerializer(LevelAwareSerializer):
    children = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "access_level", "reference", "status", "outcome", "submitted_at", "what_happened",
                  "occurred_on", "occurred_when", "where", "who", "how_known", "further_information", "children",
                  "outcome_at"]  # fmt: skip


class SubmissionCreateSerializer(serializers.Serializer):
    what_happened = serializers.CharField(max_length=NARRATIVE_MAX_LENGTH)
    how_known = serializers.ChoiceField(choices=HowKnown.choices)
    occurred_on = serializers.DateField(required=False, allow_null=True)
    occurred_when = serializers.CharField(required=False, allow_blank=True, max_length=200)
    where = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)
    who = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)
    further_information = serializers.CharField(required=False, allow_blank=True, max_length=NARRATIVE_MAX_LENGTH)
    children = serializers.ListField(child=serializers.IntegerField(), required=False)


class IntelligenceReportSerializer(LevelAwareSerializer):
    handling_code = serializers.CharField(read_only=True)
    sanitised_by = serializers.CharField(source="sanitised_by.display_name", read_only=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = IntelligenceReport
        fields = ["id", "access_level", "reference", "title", "handling_code", "handling_conditions", "district",
                  "sanitised_text", "sanitised_by", "sanitised_at", "created_at", "persons", "locations",
                  "vehicles"]  # fmt: skip


class IntelligenceReportCreateSerializer(serializers.Serializer):
    submission = serializers.IntegerField(required=False, allow_null=True)
    title = serializers.CharField(max_length=200)
    district = serializers.SlugRelatedField(
        slug_field="code", queryset=District.objects.all(), required=False, allow_null=True
    )
    original_text = serializers.CharField(max_length=NARRATIVE_MAX_LENGTH)
    sanitised_text = serializers.CharField(max_length=NARRATIVE_MAX_LENGTH)
    scheme = serializers.ChoiceField(choices=Scheme.choices)
    source_evaluation = serializers.CharField(max_length=1)
    intelligence_assessment = serializers.CharField(max_length=1)
    handling_code = serializers.ChoiceField(choices=HANDLING_CODES)
    handling_conditions = serializers.CharField(required=False, allow_blank=True, default="", max_length=SHARE_TEXT_MAX)
    source_type = serializers.ChoiceField(choices=ReportOriginal.SourceType.choices)
    source_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)


class ReportOriginalSerializer(LevelAwareSerializer):
    graded_by = serializers.CharField(source="graded_by.display_name", read_only=True)
    grading = serializers.CharField(read_only=True)
    # Where a report came from is the unit's: not on the shared report.
    submission = serializers.IntegerField(source="report.submission_id", read_only=True, allow_null=True)

    class Meta:
        model = ReportOriginal
        fields = ["id", "access_level", "report", "submission", "original_text", "scheme", "source_evaluation",
                  "intelligence_assessment", "grading", "source_type", "source_reference", "graded_by",
                  "graded_at"]  # fmt: skip


class PersonOfConcernSerializer(LevelAwareSerializer):
    class Meta:
        model = PersonOfConcern
        fields = ["id", "access_level", "first_name", "last_name", "aliases", "date_of_birth", "estimated_age",
                  "status", "description", "phone_numbers", "online_handles", "taxi_licence",
                  "created_at"]  # fmt: skip


class LocationSerializer(LevelAwareSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Location
        fields = ["id", "access_level", "name", "kind", "district", "address", "postcode", "created_at"]


class VehicleSerializer(LevelAwareSerializer):
    class Meta:
        model = Vehicle
        fields = ["id", "access_level", "registration", "make", "model", "colour", "private_hire", "created_at"]


class AssociationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Association
        fields = ["id", "report", "type", "first_seen", "last_seen", "a_person", "a_location", "a_vehicle",
                  "a_child", "b_person", "b_location", "b_vehicle", "b_child", "created_at"]  # fmt: skip


# --- disruptions ------------------------------------------------------------------


class DisruptionSerializer(LevelAwareSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    officer = serializers.CharField(source="officer.display_name", read_only=True)
    authorised_by = serializers.CharField(source="authorised_by.display_name", read_only=True, allow_null=True)
    persons = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    locations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    children = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Disruption
        fields = ["id", "access_level", "reference", "kind", "status", "district", "occurred_on", "details",
                  "officer", "cawn_section", "authorised_by", "authorised_at", "served_on", "expires_on",
                  "breached_on", "breach_details", "withdrawn_on", "withdrawal_reason", "persons", "locations",
                  "children", "created_at"]  # fmt: skip


class DisruptionRecordSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DisruptionKind.choices)
    occurred_on = serializers.DateField()
    district = serializers.SlugRelatedField(
        slug_field="code", queryset=District.objects.all(), required=False, allow_null=True
    )
    details = serializers.CharField(required=False, allow_blank=True, default="", max_length=NARRATIVE_MAX_LENGTH)
    cawn_section = serializers.ChoiceField(choices=CawnSection.choices, required=False, allow_blank=True, default="")
    persons = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    locations = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    children = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class CawnStepSerializer(serializers.Serializer):
    """Every step's arguments in one: serve `served_on`, `expires_on`; breach
    `breached_on`, `breach_details`; withdraw `withdrawal_reason`; authorise
    and activate none."""

    served_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)
    breached_on = serializers.DateField(required=False, allow_null=True)
    breach_details = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)
    withdrawal_reason = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)


STEP_ARGUMENTS = {
    "authorise": (),
    "serve": ("served_on", "expires_on"),
    "activate": (),
    "breach": ("breached_on", "breach_details"),
    "withdraw": ("withdrawal_reason",),
}


class ReviewSerializer(serializers.ModelSerializer):
    reviewed_by = serializers.CharField(source="reviewed_by.display_name", read_only=True)
    retention_rule = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "report", "decision", "rationale", "retention_rule", "next_review_due", "reviewed_by",
                  "reviewed_at"]  # fmt: skip


class ProblemProfileSerializer(LevelAwareSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    author = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = ProblemProfile
        fields = ["id", "access_level", "reference", "title", "district", "period_start", "period_end", "status",
                  "assessment", "recommendations", "plan_priority_ids", "snapshot", "author",
                  "approved_at"]  # fmt: skip
