"""The referrals API's serializers. They render records (summary-level rows
with their summary fields only, through LevelAwareSerializer) and check the
shape of what is sent; every rule about what may be written, by whom, is the
services' (referrals.services), which the views call."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Agency, District, User
from cse_team.validators import NARRATIVE_MAX_LENGTH, NOTE_MAX_LENGTH, refuse_invisible_characters
from referrals.models import (
    Action,
    Child,
    ChronologyEntry,
    ClosureReason,
    ConsentNotSoughtReason,
    ConsentOutcome,
    Ethnicity,
    ExploitationModel,
    Gender,
    Indicator,
    IndicatorAnswer,
    Instrument,
    MissingEpisode,
    Referral,
    RiskAssessment,
    RiskLevel,
    SpecialNeeds,
    Timeframe,
)
from referrals.models.assessments import Answer
from referrals.models.referrals import CONCERN_SUMMARY_MAX_LENGTH
from referrals.services import MISSING_EPISODE_FIELDS, TRIAGE_OUTCOMES
from sharing.api import LevelAwareSerializer, VisibleRecordField
from sharing.api_writes import StrictFieldsMixin

# --- fields ---------------------------------------------------------------------


class VisibleReferralField(VisibleRecordField):
    """A referral the requesting user can see. One they cannot see gets the same
    answer as one that does not exist: existence is not disclosed."""

    def __init__(self, **kwargs):
        super().__init__(Referral, noun="referral", **kwargs)

    def get_queryset(self):
        return super().get_queryset().select_related("child")


class VisibleChildField(VisibleRecordField):
    def __init__(self, **kwargs):
        super().__init__(Child, noun="child", **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class ActiveUserField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {"does_not_exist": "No active user has id {pk_value}."}

    def __init__(self, **kwargs):
        super().__init__(queryset=User.objects.filter(is_active=True).select_related("agency"), **kwargs)


def district_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=District.objects.all(), **kwargs)


def agency_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all(), **kwargs)


def by_code(**kwargs):
    """An agency or district, shown by its code (kcc, maidstone)."""
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


# --- people ---------------------------------------------------------------------


class ProfessionalSerializer(serializers.ModelSerializer):
    """A member of staff as a contact: who they are and how to reach them."""

    name = serializers.CharField(source="display_name", read_only=True)
    agency = by_code()

    class Meta:
        model = User
        fields = ["id", "name", "job_title", "email", "agency"]
        read_only_fields = fields


# --- children -------------------------------------------------------------------


class ChildSerializer(LevelAwareSerializer):
    district = by_code()

    class Meta:
        model = Child
        fields = [
            "id",
            "access_level",
            "first_name",
            "last_name",
            "aliases",
            "date_of_birth",
            "estimated_age",
            "gender",
            "ethnicity",
            "first_language",
            "special_needs",
            "district",
            "school",
            "looked_after",
            "placing_authority",
            "external_references",
            "created_at",
        ]
        read_only_fields = fields


class ChildIdentitySerializer(serializers.ModelSerializer):
    """The child as a referral shows them: the identifying (summary) fields."""

    district = by_code()

    class Meta:
        model = Child
        fields = ["id", "first_name", "last_name", "aliases", "date_of_birth", "estimated_age", "district"]
        read_only_fields = fields


class NewChildSerializer(serializers.Serializer):
    """A child not yet known, described on their first referral."""

    first_name = serializers.CharField(max_length=100, validators=[refuse_invisible_characters])
    last_name = serializers.CharField(max_length=100, validators=[refuse_invisible_characters])
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200, validators=[refuse_invisible_characters]), required=False
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    estimated_age = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False)
    first_language = serializers.CharField(max_length=100, required=False, allow_blank=True)
    special_needs = serializers.ChoiceField(choices=SpecialNeeds.choices, required=False)
    district = district_field()
    school = serializers.CharField(max_length=200, required=False, allow_blank=True)
    looked_after = serializers.BooleanField(required=False)
    placing_authority = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ChildUpdateSerializer(StrictFieldsMixin, NewChildSerializer):
    """An edit of a child's details, through one of their referrals that the
    client may change (`referral`); `version` is the child's version the client
    loaded, and only the fields sent are changed."""

    version = serializers.IntegerField(min_value=1)
    referral = serializers.IntegerField(min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name not in ("version", "referral"):
                field.required = False


# --- referrals ------------------------------------------------------------------


class ReferralSerializer(LevelAwareSerializer):
    child = ChildIdentitySerializer(read_only=True)
    district = by_code()
    lead_professional = ProfessionalSerializer(read_only=True)
    source_agency = by_code()
    owning_agency = by_code()
    created_by = ProfessionalSerializer(read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "access_level",
            "reference",
            "child",
            "district",
            "risk_level",
            "status",
            "lead_professional",
            "received_at",
            "channel",
            "referrer_name",
            "referrer_role",
            "referrer_agency",
            "source_agency",
            "owning_agency",
            "concern_summary",
            "exploitation_models",
            "immediate_risk",
            "consent_outcome",
            "consent_not_sought_reason",
            "consent_decided_by",
            "consent_decided_on",
            "review_due",
            "closure_reason",
            "needs_linking",
            "created_by",
            "created_at",
            "updated_at",
            "first_action_at",
            "triaged_at",
            "accepted_at",
            "risk_assessed_at",
            "opened_at",
            "closed_at",
            "version",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # The flag says a likely match exists that the referrer cannot see: for
        # the CSE team, who link records; to anyone else it would disclose that
        # a record they may not see exists.
        request = self.context.get("request")
        if not (request and getattr(request.user, "is_cse_team_member", False)):
            data.pop("needs_linking", None)
        return data


class ReferralCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """A new referral, about a child the user can see (`child`) or a new one (`new_child`)."""

    child = VisibleChildField(required=False, allow_null=True)
    new_child = NewChildSerializer(required=False, allow_null=True)
    received_at = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=Referral._meta.get_field("channel").choices)
    referrer_name = serializers.CharField(max_length=200, validators=[refuse_invisible_characters])
    referrer_role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    referrer_agency = serializers.CharField(max_length=200, required=False, allow_blank=True)
    source_agency = agency_field(required=False, allow_null=True)
    district = district_field(required=False, allow_null=True)
    concern_summary = serializers.CharField(max_length=CONCERN_SUMMARY_MAX_LENGTH)
    exploitation_models = serializers.ListField(
        child=serializers.ChoiceField(choices=ExploitationModel.choices), required=False
    )
    immediate_risk = serializers.BooleanField(required=False)
    consent_outcome = serializers.ChoiceField(choices=ConsentOutcome.choices)
    consent_not_sought_reason = serializers.ChoiceField(
        choices=ConsentNotSoughtReason.choices, required=False, allow_blank=True
    )
    consent_decided_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
    consent_decided_on = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if (attrs.get("child") is None) == (attrs.get("new_child") is None):
            raise serializers.ValidationError({"child": "Give either `child` (an id) or `new_child`, not both."})
        return attrs


class ReferralUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """An edit of the referral's details: `version` is the version the client
    loaded, and only the fields sent are changed."""

    version = serializers.IntegerField(min_value=1)
    channel = serializers.ChoiceField(choices=Referral._meta.get_field("channel").choices, required=False)
    referrer_name = serializers.CharField(max_length=200, required=False, validators=[refuse_invisible_characters])
    referrer_role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    referrer_agency = serializers.CharField(max_length=200, required=False, allow_blank=True)
    source_agency = agency_field(required=False, allow_null=True)
    district = district_field(required=False)
    concern_summary = serializers.CharField(required=False, max_length=CONCERN_SUMMARY_MAX_LENGTH)
    exploitation_models = serializers.ListField(
        child=serializers.ChoiceField(choices=ExploitationModel.choices), required=False
    )
    immediate_risk = serializers.BooleanField(required=False)
    consent_outcome = serializers.ChoiceField(choices=ConsentOutcome.choices, required=False)
    consent_not_sought_reason = serializers.ChoiceField(
        choices=ConsentNotSoughtReason.choices, required=False, allow_blank=True
    )
    consent_decided_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
    consent_decided_on = serializers.DateField(required=False, allow_null=True)


# --- workflow steps: one serializer per step, with that step's arguments -----------


class WorkflowStepSerializer(StrictFieldsMixin, serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version you loaded; a stale one is refused (409)"
    )


class NotedStepSerializer(WorkflowStepSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)


class TriageSerializer(WorkflowStepSerializer):
    note = serializers.CharField(help_text="What triage found", max_length=NOTE_MAX_LENGTH)


class DecideSerializer(NotedStepSerializer):
    outcome = serializers.ChoiceField(choices=[(status.value, status.label) for status in TRIAGE_OUTCOMES])


class AssignSerializer(WorkflowStepSerializer):
    lead_professional = ActiveUserField()


class CloseSerializer(NotedStepSerializer):
    reason = serializers.ChoiceField(choices=ClosureReason.choices)


STEP_SERIALIZERS = {
    "triage": TriageSerializer,
    "decide": DecideSerializer,
    "accept": NotedStepSerializer,
    "assign": AssignSerializer,
    "open": NotedStepSerializer,
    "close": CloseSerializer,
}


# --- risk assessments -------------------------------------------------------------


class IndicatorSerializer(serializers.ModelSerializer):
    section = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "code", "text", "family", "section"]
        read_only_fields = fields


class InstrumentSerializer(serializers.ModelSerializer):
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = Instrument
        fields = ["id", "code", "version", "name", "method", "description", "active", "review_months", "indicators"]
        read_only_fields = fields

    def get_indicators(self, instrument) -> list[dict]:
        indicators = [indicator for section in instrument.sections.all() for indicator in section.indicators.all()]
        return IndicatorSerializer(indicators, many=True).data


class IndicatorAnswerSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)

    class Meta:
        model = IndicatorAnswer
        fields = ["indicator", "indicator_code", "answer", "timeframe", "evidence"]
        read_only_fields = fields


class RiskAssessmentSerializer(serializers.ModelSerializer):
    instrument = serializers.StringRelatedField(read_only=True)
    instrument_id = serializers.IntegerField(read_only=True)
    assessed_by = ProfessionalSerializer(read_only=True)
    decided_by = ProfessionalSerializer(read_only=True)
    agency = by_code()
    answers = IndicatorAnswerSerializer(many=True, read_only=True)

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "referral",
            "instrument_id",
            "instrument",
            "status",
            "score",
            "band_label",
            "computed_level",
            "override_rules_applied",
            "professional_level",
            "rationale",
            "assessed_by",
            "agency",
            "created_at",
            "submitted_at",
            "decided_by",
            "decided_at",
            "return_reason",
            "review_due",
            "answers",
        ]
        read_only_fields = fields


class ResponseSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    answer = serializers.ChoiceField(choices=Answer.choices)
    timeframe = serializers.ChoiceField(choices=Timeframe.choices, required=False, allow_blank=True, default="")
    evidence = serializers.CharField(required=False, allow_blank=True, default="")


class RiskAssessmentSubmitSerializer(StrictFieldsMixin, serializers.Serializer):
    referral = VisibleReferralField()
    instrument = serializers.PrimaryKeyRelatedField(queryset=Instrument.objects.all())
    answers = ResponseSerializer(many=True, help_text="One per indicator answered; unanswered indicators count as no")
    professional_level = serializers.ChoiceField(choices=RiskLevel.choices)
    rationale = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)

    def validate_answers(self, answers):
        indicators = [answer["indicator"] for answer in answers]
        if len(indicators) != len(set(indicators)):
            raise serializers.ValidationError("Answer each indicator once.")
        return answers


class ReturnSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(help_text="What needs to change", max_length=NOTE_MAX_LENGTH)


# --- chronology, actions, missing episodes -----------------------------------------


class ChronologyEntrySerializer(serializers.ModelSerializer):
    recorded_by = ProfessionalSerializer(read_only=True)
    agency = by_code()

    class Meta:
        model = ChronologyEntry
        fields = ["id", "referral", "occurred_at", "kind", "summary", "recorded_by", "agency", "created_at"]
        read_only_fields = fields


class ChronologyEntryCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    referral = VisibleReferralField()
    occurred_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=ChronologyEntry.Kind.choices, default=ChronologyEntry.Kind.NOTE)
    summary = serializers.CharField(max_length=NARRATIVE_MAX_LENGTH)


class ActionSerializer(serializers.ModelSerializer):
    owner = ProfessionalSerializer(read_only=True)
    owner_agency = by_code()
    created_by = ProfessionalSerializer(read_only=True)
    agency = by_code()
    completed_by = ProfessionalSerializer(read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "referral",
            "description",
            "owner",
            "owner_agency",
            "due_date",
            "status",
            "overdue",
            "created_by",
            "agency",
            "created_at",
            "completed_at",
            "completed_by",
        ]
        read_only_fields = fields


class ActionCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    referral = VisibleReferralField()
    description = serializers.CharField(max_length=NOTE_MAX_LENGTH)
    owner = ActiveUserField(help_text="Someone who can see the referral in full")
    due_date = serializers.DateField()


class ActionCompleteSerializer(StrictFieldsMixin, serializers.Serializer):
    """Marking an action done asks what came of it, as the page does
    (ActionCompleteForm); the outcome goes on the case's chronology."""

    outcome = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, help_text="What was done and what came of it; added to the case's chronology"
    )


class MissingEpisodeSerializer(serializers.ModelSerializer):
    recorded_by = ProfessionalSerializer(read_only=True)
    agency = by_code()
    return_interview_due = serializers.DateTimeField(read_only=True, allow_null=True)
    return_interview_in_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = MissingEpisode
        fields = [
            "id",
            "referral",
            *MISSING_EPISODE_FIELDS,
            "return_interview_due",
            "return_interview_in_time",
            "recorded_by",
            "agency",
            "created_at",
        ]
        read_only_fields = fields


class MissingEpisodeFieldsSerializer(StrictFieldsMixin, serializers.Serializer):
    reported_missing_at = serializers.DateTimeField()
    found_at = serializers.DateTimeField(required=False, allow_null=True)
    missing_from = serializers.ChoiceField(choices=MissingEpisode.MissingFrom.choices)
    found_location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    cse_linked = serializers.BooleanField(required=False)
    return_interview_offered_at = serializers.DateTimeField(required=False, allow_null=True)
    return_interview_done_at = serializers.DateTimeField(required=False, allow_null=True)
    interview_findings = serializers.CharField(required=False, allow_blank=True, max_length=NARRATIVE_MAX_LENGTH)


class MissingEpisodeCreateSerializer(MissingEpisodeFieldsSerializer):
    referral = VisibleReferralField()


class MissingEpisodeUpdateSerializer(MissingEpisodeFieldsSerializer):
    """Only the fields sent are changed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class WorkflowArgumentsSerializer(serializers.Serializer):
    """For the API documentation: every step's arguments in one. Each step takes
    its own: triage `note` (required); decide `outcome`, `note`; accept `note`;
    assign `lead_professional`; open `note`; close `reason`, `note`."""

    version = serializers.IntegerField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)
    outcome = serializers.ChoiceField(
        choices=[(status.value, status.label) for status in TRIAGE_OUTCOMES], required=False
    )
    lead_professional = serializers.IntegerField(required=False)
    reason = serializers.ChoiceField(choices=ClosureReason.choices, required=False)


class StaleEditSerializer(serializers.Serializer):
    """The answer to an edit made from a stale version (409)."""

    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The referral's version now")
    changes = serializers.ListField(
        child=serializers.DictField(),
        help_text="What changed since your version: field, label, yours (as it was then), current (as it is now)",
    )
