"""Read-only API over the training records, for every signed-in user or token."""

from django.db.models import Prefetch
from rest_framework import viewsets
from rest_framework.pagination import CursorPagination

from audit.models import AccessEvent
from audit.services import record_access
from training import permissions
from training.api.serializers import (
    CommunitySafetyPlanSerializer,
    CourseSerializer,
    EventSerializer,
    PlanPrioritySerializer,
    SessionSerializer,
)
from training.models import Attendee, CommunitySafetyPlan, Course, Event, Feedback, PlanPriority, Session


class NewestFirst(CursorPagination):
    ordering = ("-id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SessionSerializer
    pagination_class = NewestFirst

    def get_queryset(self):
        user = self.request.user
        sessions = Session.objects.select_related("course_version__course", "district", "campaign", "trainer")
        prefetch = ["organisations"]
        if permissions.can_see_attendees(user):
            prefetch.append(Prefetch("attendees", Attendee.objects.order_by("name", "id")))
        if permissions.can_read_comments(user):
            prefetch.append(Prefetch("feedback", Feedback.objects.order_by("-submitted_at")))
        sessions = sessions.prefetch_related(*prefetch)
        for name in ("audience", "status"):
            if self.request.query_params.get(name):
                sessions = sessions.filter(**{name: self.request.query_params[name]})
        if self.request.query_params.get("district"):
            sessions = sessions.filter(district__code=self.request.query_params["district"])
        return sessions

    def _audit_names(self, request, rows) -> None:
        """Attendee names are personal data: a reader who received any is in the access log."""
        if not permissions.can_see_attendees(request.user):
            return
        named = [row["id"] for row in rows if row.get("attendees")]
        if named:
            record_access(
                user=request.user, action=AccessEvent.Action.VIEW, record_kind="training.attendee",
                request=request, details={"sessions": named},
            )  # fmt: skip

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self._audit_names(request, response.data.get("results", []))
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self._audit_names(request, [response.data])
        return response


class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CourseSerializer
    pagination_class = NewestFirst
    queryset = Course.objects.prefetch_related("versions")


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EventSerializer
    pagination_class = NewestFirst
    queryset = Event.objects.select_related("district", "campaign")


class CommunitySafetyPlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CommunitySafetyPlanSerializer
    pagination_class = NewestFirst
    queryset = CommunitySafetyPlan.objects.prefetch_related("districts", "priorities")


class PlanPriorityViewSet(viewsets.ReadOnlyModelViewSet):
    """Plan priorities are addressable: problem profiles (intelligence) link to them."""

    serializer_class = PlanPrioritySerializer
    pagination_class = NewestFirst
    queryset = PlanPriority.objects.all()
