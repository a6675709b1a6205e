"""The intelligence API's serializers: records rendered at the reader's level
(LevelAwareSerializer keeps a summary row's summary fields only); what is sent
is checked for shape here and for everything else by intelligence.services."""

from rest_framework import serializers

from accounts.models import Agency, District
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
from intelligence.models.disruptions import (
    DETAILS_MAX_LENGTH,
    STEP_TEXT_MAX_LENGTH,
    CawnSection,
    Disruption,
    DisruptionKind,
)
from intelligence.models.profiles import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, ProblemProfile
from intelligence.models.reviews import (
    RATIONALE_MAX_LENGTH,
    DisruptionReview,
    ProfileReview,
    RetentionRule,
    Review,
    ReviewDecision,
)
from intelligence.services.profiles import CONDITIONS_MAX_LENGTH, PURPOSE_MAX_LENGTH
from sharing.api import LevelAwareSerializer
from sharing.api_writes import StrictFieldsMixin
from sharing.models import LawfulBasis
from sharing.services import SHARE_TEXT_MAX


class CodeField(serializers.SlugRelatedField):
    """A district, agency or rule by its code; null where allowed, but never
    "" (DRF reads "" as null for related fields, which the OpenAPI document,
    saying a code has at least one character, does not allow)."""

    def run_validation(self, data=serializers.empty):
        if data == "":
            raise serializers.ValidationError("Give a code, or null", code="blank")
        return super().run_validation(data)


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
    district = CodeField(slug_field="code", queryset=District.objects.all(), required=False, allow_null=True)
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
                  "children", "created_at", "version", "review_due", "retention_status",
                  "disposed_at"]  # fmt: skip


def _ids():
    return serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False)


class DisruptionRecordSerializer(StrictFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=DisruptionKind.choices)
    occurred_on = serializers.DateField()
    district = CodeField(slug_field="code", queryset=District.objects.all(), required=False, allow_null=True)
    details = serializers.CharField(required=False, allow_blank=True, default="", max_length=DETAILS_MAX_LENGTH)
    cawn_section = serializers.ChoiceField(choices=CawnSection.choices, required=False, allow_blank=True, default="")
    persons = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    locations = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    children = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class DisruptionUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """An edit of a recorded disruption: `version` is the version the client
    loaded, and only the fields sent change. `persons`, `locations` and
    `children` replace the links the client sees (links to records it does
    not see are kept). A CAWN's date, section and child only while drafted."""

    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    occurred_on = serializers.DateField(required=False)
    district = CodeField(slug_field="code", queryset=District.objects.all(), required=False, allow_null=True)
    details = serializers.CharField(required=False, allow_blank=True, max_length=DETAILS_MAX_LENGTH)
    cawn_section = serializers.ChoiceField(choices=CawnSection.choices, required=False, allow_blank=True)
    persons = _ids()
    locations = _ids()
    children = _ids()


class CawnStepSerializer(serializers.Serializer):
    """Every step's arguments in one: serve `served_on`, `expires_on`; breach
    `breached_on`, `breach_details`; withdraw `withdrawal_reason`; authorise
    and activate none."""

    served_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)
    breached_on = serializers.DateField(required=False, allow_null=True)
    breach_details = serializers.CharField(required=False, allow_blank=True, max_length=STEP_TEXT_MAX_LENGTH)
    withdrawal_reason = serializers.CharField(required=False, allow_blank=True, max_length=STEP_TEXT_MAX_LENGTH)


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


class DisruptionReviewSerializer(ReviewSerializer):
    class Meta(ReviewSerializer.Meta):
        model = DisruptionReview
        fields = ["disruption" if name == "report" else name for name in ReviewSerializer.Meta.fields]


class ProfileReviewSerializer(ReviewSerializer):
    class Meta(ReviewSerializer.Meta):
        model = ProfileReview
        fields = ["profile" if name == "report" else name for name in ReviewSerializer.Meta.fields]


class ReviewCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """A MoPI review: retain or archive (the next review is the rule's period
    from today; the record's current rule unless another is given) or dispose."""

    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    rationale = serializers.CharField(max_length=RATIONALE_MAX_LENGTH)
    retention_rule = CodeField(slug_field="code", queryset=RetentionRule.objects.all(), required=False, allow_null=True)


class ProblemProfileSerializer(LevelAwareSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    author = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = ProblemProfile
        fields = ["id", "access_level", "reference", "title", "district", "period_start", "period_end", "status",
                  "assessment", "recommendations", "plan_priority_ids", "snapshot", "author",
                  "approved_at", "version", "review_due", "retention_status", "disposed_at"]  # fmt: skip


def _priorities():
    return serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), required=False)


class ProblemProfileCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    district = CodeField(
        slug_field="code", queryset=District.objects.all(), required=False, allow_null=True,
        help_text="The district's code; none for the county",
    )  # fmt: skip
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    assessment = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)
    recommendations = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH)
    plan_priority_ids = _priorities()


class ProblemProfileUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """An edit of a draft: `version` is the version the client loaded; only the fields sent change."""

    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    title = serializers.CharField(required=False, max_length=TITLE_MAX_LENGTH)
    assessment = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    recommendations = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    plan_priority_ids = _priorities()


class ProfileStepSerializer(StrictFieldsMixin, serializers.Serializer):
    """Every step's arguments in one: disseminate takes `agencies` (codes),
    `purpose`, `lawful_basis` (a code) and `conditions`; submit, return and
    approve take none."""

    agencies = serializers.ListField(child=CodeField(slug_field="code", queryset=Agency.objects.all()), required=False)
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=PURPOSE_MAX_LENGTH)
    lawful_basis = CodeField(
        slug_field="code", queryset=LawfulBasis.objects.filter(active=True), required=False, allow_null=True
    )
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=CONDITIONS_MAX_LENGTH)


PROFILE_STEP_ARGUMENTS = {
    "submit": (),
    "return": (),
    "approve": (),
    "disseminate": ("agencies", "purpose", "lawful_basis", "conditions"),
}
