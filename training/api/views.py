"""The training records through the project's API: reads for every signed-in
user or token; planning and the session workflow for trainers and managers."""

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination

from audit.models import AccessEvent
from audit.services import record_access
from sharing.api_writes import ERROR_RESPONSES, ServiceRefusalsMixin, WriteSerializersMixin
from sharing.field_levels import StrictPageSize
from training import permissions, services
from training.api.serializers import (
    CommunitySafetyPlanSerializer,
    CourseSerializer,
    EventSerializer,
    NoArgumentsSerializer,
    PlanPrioritySerializer,
    SessionCancelSerializer,
    SessionDeliverSerializer,
    SessionPlanSerializer,
    SessionSerializer,
)
from training.models import Attendee, CommunitySafetyPlan, Course, Event, Feedback, PlanPriority, Session


class NewestFirst(StrictPageSize, CursorPagination):
    ordering = ("-id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class SessionViewSet(ServiceRefusalsMixin, WriteSerializersMixin, viewsets.ReadOnlyModelViewSet):
    """Sessions for every signed-in user; planning and the workflow steps for
    trainers and managers (the services refuse anyone else with 403)."""

    serializer_class = SessionSerializer
    pagination_class = NewestFirst
    write_serializers = {"create": SessionPlanSerializer}
    step_serializers = {"deliver": SessionDeliverSerializer, "cancel": SessionCancelSerializer}

    @extend_schema(request=SessionPlanSerializer, responses={201: SessionSerializer, **ERROR_RESPONSES})
    def create(self, request):
        session = services.session_plan(planned_by=request.user, request=request, **self.validated())
        return self.rendered(session, code=status.HTTP_201_CREATED)

    @extend_schema(
        request=SessionDeliverSerializer,
        responses={200: SessionSerializer, **ERROR_RESPONSES},
        description="deliver {attendee_count}, evaluate {}, cancel {reason}",
    )
    @action(detail=True, methods=["post"], url_path=r"workflow/(?P<step>[a-z]+)")
    def workflow(self, request, pk=None, step=None):
        if step not in services.SESSION_STEPS:
            raise Http404("No such step")
        session = self.get_object()
        arguments = self.validated(self.step_serializers.get(step, NoArgumentsSerializer))
        taken = services.SESSION_STEPS[step].take(record=session, user=request.user, **arguments)
        return self.rendered(taken)

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
