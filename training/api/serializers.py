"""Training records in the API. Attendee names and feedback comments are in a
session's representation only for roles holding those permissions
(training.permissions); every other field is for every signed-in user."""

from rest_framework import serializers

from accounts.models import District, User
from cse_team.validators import NOTE_MAX_LENGTH
from training import permissions
from training.models import Audience, Campaign, CommunitySafetyPlan, Course, CourseVersion, Event, PlanPriority, Session


class CourseVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseVersion
        fields = ["id", "number", "status", "summary", "duration_minutes"]


class CourseSerializer(serializers.ModelSerializer):
    versions = CourseVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Course
        fields = ["id", "code", "title", "description", "versions"]


class SessionSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="course_version.course.title", read_only=True)
    course_version = serializers.IntegerField(source="course_version.number", read_only=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="code", read_only=True)
    trainer = serializers.CharField(source="trainer.display_name", read_only=True)
    organisations = serializers.SerializerMethodField()
    attendees = serializers.SerializerMethodField(help_text="Names: trainers and managers only")
    feedback_comments = serializers.SerializerMethodField(help_text="Trainers and managers only")

    class Meta:
        model = Session
        fields = [
            "id", "reference", "course", "course_version", "starts_at", "ends_at", "district", "venue", "trainer",
            "audience", "campaign", "organisations", "attendee_count", "status", "cancellation_reason",
            "attendees", "feedback_comments",
        ]  # fmt: skip
        optional_in_response = ("attendees", "feedback_comments")  # left out for others (cse_team/openapi.py)

    def get_organisations(self, session) -> list[dict]:
        return [
            {"name": organisation.name, "licence_number": organisation.licence_number}
            for organisation in session.organisations.all()
        ]

    def _user(self):
        request = self.context.get("request")
        return request.user if request else None

    def get_attendees(self, session) -> list[str] | None:
        if not permissions.can_see_attendees(self._user()):
            return None
        return [attendee.name for attendee in session.attendees.all()]

    def get_feedback_comments(self, session) -> list[str] | None:
        if not permissions.can_read_comments(self._user()):
            return None
        return [feedback.comment for feedback in session.feedback.all() if feedback.comment]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name in ("attendees", "feedback_comments"):
            if data.get(name) is None:
                data.pop(name, None)
        return data


class EventSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Event
        fields = ["id", "kind", "title", "campaign", "starts_at", "district", "venue", "status", "people_reached"]


class PlanPrioritySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:training-priority-detail")

    class Meta:
        model = PlanPriority
        fields = ["id", "url", "plan", "number", "title", "description"]


class CommunitySafetyPlanSerializer(serializers.ModelSerializer):
    districts = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    priorities = PlanPrioritySerializer(many=True, read_only=True)

    class Meta:
        model = CommunitySafetyPlan
        fields = ["id", "title", "districts", "period_start", "period_end", "priority_audiences", "priorities"]


class SessionPlanSerializer(serializers.Serializer):
    """What `POST /api/training/sessions/` takes (the service checks role and input)."""

    course_version = serializers.PrimaryKeyRelatedField(queryset=CourseVersion.objects.all())
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    district = serializers.SlugRelatedField(slug_field="code", queryset=District.objects.all())
    venue = serializers.CharField(max_length=200)
    trainer = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    audience = serializers.ChoiceField(choices=Audience.choices)
    campaign = serializers.SlugRelatedField(slug_field="code", queryset=Campaign.objects.all(), required=False)


class SessionDeliverSerializer(serializers.Serializer):
    attendee_count = serializers.IntegerField(min_value=1)


class SessionCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_MAX_LENGTH)


class NoArgumentsSerializer(serializers.Serializer):
    pass
