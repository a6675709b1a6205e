"""The MASE API: meetings, agenda items and actions at the reader's level
(sharing decides; a record the user may not see is a 404), listing requests
through their referral. Writes call mase.services; refusals become 400, 403,
404 or 409 as for every app (sharing.api_writes)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action

from mase import services
from mase.api import serializers as api
from mase.models import AgendaItem, ListingRequest, MaseAction, Meeting
from sharing.api import SharableViewSet
from sharing.api_writes import ERROR_RESPONSES, DependentRecordViewSet, SharableWriteViewSet, id_filter


class MeetingViewSet(SharableViewSet):
    """Meetings of the panels the user's agency sits on."""

    model = Meeting
    serializer_class = api.MeetingSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("panel")


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("meeting", int, description="Only its items")]))
class AgendaItemViewSet(SharableViewSet):
    """Agenda items: an item about a child at the level the protocol gives the
    reader's agency on the child's case; others to the panel's agencies."""

    model = AgendaItem
    serializer_class = api.AgendaItemSerializer

    def get_queryset(self):
        records = super().get_queryset()
        meeting = id_filter(self.request, "meeting")
        return records.filter(meeting_id=meeting) if meeting is not None else records


class MaseActionViewSet(SharableWriteViewSet):
    """MASE actions: seen by the owner's agency and the panel's chair; worked
    by the owner's agency (start, complete, cancel)."""

    model = MaseAction
    serializer_class = api.MaseActionSerializer
    write_serializers = {"step": api.OutcomeSerializer}
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("owner", "owner_agency")

    @extend_schema(request=api.OutcomeSerializer, responses={200: api.MaseActionSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step>[a-z_]+)")
    def step(self, request, pk=None, step=None):
        if step not in services.ACTION_STEPS:
            raise Http404("No such step")
        record = self.get_object()
        fields = self.validated()
        if step == "start":
            fields = {}
        return self.rendered(services.ACTION_STEPS[step].take(record=record, user=request.user, **fields))


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("referral", int, description="Only this referral's requests")]),
    create=extend_schema(
        request=api.ListingRequestCreateSerializer, responses={201: api.ListingRequestSerializer, **ERROR_RESPONSES}
    ),
)
class ListingRequestViewSet(DependentRecordViewSet, mixins.CreateModelMixin):
    """Listing requests, seen through their referral in full."""

    model = ListingRequest
    serializer_class = api.ListingRequestSerializer
    write_serializers = {"create": api.ListingRequestCreateSerializer}

    def create(self, request, *args, **kwargs):
        fields = self.validated()
        referral = fields.pop("referral")  # one the user sees in full (VisibleRecordField)
        listing = services.listing_request_create(referral=referral, requested_by=request.user, **fields)
        return self.rendered(listing, code=201)
