"""MASE pages: thin views over sharing's base classes and mase.services.
Who sees which record is sharing's to decide; who may take a step, the
services'. A record the user may not see is a 404."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from audit.mixins import AccessLoggedDetailMixin, AccessLoggedListMixin
from mase import agenda, forms, services
from mase.models import (
    AgendaItem,
    Criterion,
    ListingRequest,
    MaseAction,
    Meeting,
    MeetingPack,
    MeetingStatus,
    Panel,
)
from mase.permissions import chairs, reads_mase
from mase.queues import listing_requests_awaiting_me
from referrals.models import Referral
from sharing.levels import AccessLevel
from sharing.mixins import SharableDetailView, SharableListView
from sharing.presentation import shown
from sharing.record_pages import RecordPageMixin, ServiceFormView
from sharing.refusals import REFUSALS, refusal_for


class CaseworkOnlyMixin:
    """The MASE pages are for casework roles (sharing shows them nothing else anyway)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not reads_mase(request.user):
            raise Http404("No such page")
        return super().dispatch(request, *args, **kwargs)


def _take(request, take, success_url, success_message):
    """A POST-only step: done, or the refusal shown at the top of the record's page."""
    try:
        take()
    except REFUSALS as error:
        messages.error(request, refusal_for(error).message)
        return redirect(success_url)
    messages.success(request, success_message)
    return redirect(success_url)


def shown_items(meeting, user) -> list:
    """The meeting's items the user sees, each showing only the fields of its
    level, with the name of a person or place they see (mase.topics)."""
    from mase import topics

    items = AgendaItem.objects.visible_to(user).with_access_level(user).on(meeting).select_related("referral")
    return topics.name_subjects([shown(item, item.access_level) for item in items], user)


# --- meetings ---------------------------------------------------------------------------


class MeetingListView(CaseworkOnlyMixin, SharableListView):
    model = Meeting
    template_name = "mase/meeting_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("panel").order_by("-starts_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["today"] = timezone.localdate()
        context["chaired_panels"] = Panel.objects.active().chaired_by(user) if user.has_role("mase-chair") else []
        context["awaiting"] = listing_requests_awaiting_me(user).count()
        context["my_panels"] = Panel.objects.active().for_member(user).order_by("name")
        return context


class MeetingDetailView(CaseworkOnlyMixin, SharableDetailView):
    model = Meeting
    template_name = "mase/meeting_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("panel")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, meeting = self.request.user, self.object
        context["items"] = shown_items(meeting, user)
        context["actions"] = (
            MaseAction.objects.visible_to(user)
            .with_access_level(user)
            .filter(meeting=meeting)
            .select_related("owner", "owner_agency")
        )
        context["actions_for_review"] = agenda.open_actions_for_review(meeting, user)
        context["attendance"] = meeting.attendance.select_related("agency")
        context["steps"] = services.MEETING_STEPS.allowed(user, meeting, self.access_level)
        context["is_chair"] = self.access_level == AccessLevel.CHANGE and chairs(user, meeting.panel)
        context["my_documents"] = (
            MeetingPack.objects.filter(meeting=meeting, recipient=user, status=MeetingPack.Status.READY)
            .select_related("agency", "meeting")
            .order_by("-issued_at")
        )
        context["statuses"] = MeetingStatus
        return context


class ChairedPanelMixin:
    """A page about a panel the user chairs (panels hold no case data: 404 otherwise)."""

    @cached_property
    def panel(self):
        return get_object_or_404(Panel.objects.active().chaired_by(self.request.user), pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.panel  # noqa: B018 - evaluated for its 404
        return super().dispatch(request, *args, **kwargs)


class MeetingScheduleView(CaseworkOnlyMixin, ChairedPanelMixin, FormView):
    form_class = forms.MeetingForm
    template_name = "mase/meeting_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(panel=self.panel, **kwargs)

    def form_valid(self, form):
        try:
            meeting = services.meeting_schedule(panel=self.panel, scheduled_by=self.request.user, **form.cleaned_data)
        except REFUSALS as error:
            refusal = refusal_for(error)
            refusal.add_to_form(form)
            return self.render_to_response(self.get_context_data(form=form), status=refusal.page_status)
        messages.success(self.request, f"Meeting {meeting.reference} scheduled")
        return redirect(meeting)


class MeetingStepView(CaseworkOnlyMixin, RecordPageMixin, View):
    record_model = Meeting
    required_level = AccessLevel.CHANGE

    def post(self, request, pk, step):
        if step not in services.MEETING_STEPS:
            raise Http404("No such step")
        chosen = services.MEETING_STEPS[step]
        return _take(
            request,
            lambda: chosen.take(record=self.record, user=request.user),
            self.record.get_absolute_url(),
            f"{chosen.label}: done",
        )


class AgendaBuilderView(CaseworkOnlyMixin, RecordPageMixin, FormView):
    """The chair's agenda builder: candidates by criterion with count and why,
    the items in order with their time, a person, place or theme to add."""

    record_model = Meeting
    required_level = AccessLevel.CHANGE
    record_related = ("panel",)
    form_class = forms.TopicItemForm
    template_name = "mase/agenda_builder.html"

    @cached_property
    def search(self) -> dict:
        """The search for a person, place, vehicle or theme (GET, and carried
        in the add form's POST so its results show again with an error)."""
        from audit.models import AccessEvent
        from audit.services import record_access
        from mase import topics

        data = self.request.GET if self.request.method == "GET" else self.request.POST
        kinds = topics.search_kinds()
        form = forms.SubjectSearchForm(data if "find" in data else None, kinds=kinds)
        found = {"form": form, "kinds": kinds, "query": "", "kind": "", "results": []}
        if form.is_bound and form.is_valid() and form.cleaned_data["find"].strip():
            found["query"], found["kind"] = form.cleaned_data["find"].strip(), form.cleaned_data["find_kind"]
            found["results"] = topics.search(self.request.user, found["kind"], found["query"])
            found["kind_label"] = dict(kinds).get(found["kind"], "")
            if found["kind"] != "theme" and self.request.method == "GET":
                record_access(
                    user=self.request.user, action=AccessEvent.Action.SEARCH,
                    record_kind=topics.SUBJECT_KINDS.get(found["kind"], ""),
                    record_ids=[value.split(":")[1] for value, _label in found["results"]], request=self.request,
                    details={"query": found["query"], "page": "mase agenda builder"},
                )  # fmt: skip
        return found

    def get_form_kwargs(self):
        # Adding needs no search: the value chosen is checked by the service.
        # A refused add shows the results again (get_context_data).
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            kwargs["results"] = self.search["results"]
        return kwargs

    # Change access to a meeting is its panel's chair's and deputy's (mase.models).

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if self.request.method != "GET":
            context["form"].offer(self.search["results"])
        context["groups"] = agenda.candidates(self.record, user) if self.record.agenda_open else []
        context["items"] = shown_items(self.record, user)
        context["total_minutes"] = sum(item.minutes_allotted for item in context["items"])
        context["search"] = self.search
        return context

    def form_valid(self, form):
        from mase import topics

        fields = dict(form.cleaned_data)
        try:
            if fields["subject"].startswith("theme:"):
                title, why = topics.resolve_theme(self.request.user, fields.pop("subject"))
                fields |= {"subject": "", "title": title, "why": fields["why"].strip() or why}
            services.agenda_item_add(
                meeting=self.record, added_by=self.request.user, criterion=Criterion.TOPIC, **fields
            )
        except REFUSALS as error:
            refusal = refusal_for(error)
            refusal.add_to_form(form)
            return self.render_to_response(self.get_context_data(form=form), status=refusal.page_status)
        messages.success(self.request, "Item added to the agenda")
        return redirect("mase:agenda_builder", pk=self.record.pk)


class AgendaAddCaseView(CaseworkOnlyMixin, RecordPageMixin, View):
    """Add a candidate case (or an accepted listing request) to the agenda."""

    record_model = Meeting
    required_level = AccessLevel.CHANGE

    def post(self, request, pk):
        user, data = request.user, request.POST
        listing = referral = None
        if data.get("listing", "").isdigit():
            listing = get_object_or_404(ListingRequest.objects.visible_to(user, AccessLevel.FULL), pk=data["listing"])
        elif data.get("referral", "").isdigit():
            referral = get_object_or_404(Referral.objects.visible_to(user, AccessLevel.FULL), pk=data["referral"])
        else:
            raise Http404("No such case")
        criterion = data.get("criterion", "")
        return _take(
            request,
            lambda: services.agenda_item_add(
                meeting=self.record,
                added_by=user,
                criterion=criterion,
                referral=referral,
                listing=listing,
                why=data.get("why", ""),
            ),
            reverse("mase:agenda_builder", args=[self.record.pk]),
            "Case added to the agenda",
        )


class AgendaArrangeView(CaseworkOnlyMixin, RecordPageMixin, View):
    """The items' order (position_<id>) and time (minutes_<id>), saved together."""

    record_model = Meeting
    required_level = AccessLevel.CHANGE

    def post(self, request, pk):
        positions, minutes = {}, {}
        for name, value in request.POST.items():
            kind, _, item = name.partition("_")
            if kind in ("position", "minutes") and item.isdigit():
                number = int(value) if value.strip().isdigit() else 0
                (positions if kind == "position" else minutes)[int(item)] = number
        order = sorted(positions, key=lambda item: (positions[item], item))
        return _take(
            request,
            lambda: services.agenda_arrange(
                meeting=self.record, arranged_by=request.user, order=order, minutes=minutes
            ),
            reverse("mase:agenda_builder", args=[self.record.pk]),
            "Agenda order and times saved",
        )


class AttendanceView(CaseworkOnlyMixin, ServiceFormView):
    record_model = Meeting
    required_level = AccessLevel.CHANGE
    form_class = forms.AttendanceForm
    template_name = "mase/attendance_form.html"
    success_message = "Attendance recorded"

    def get_form_kwargs(self):
        from accounts.models import Agency

        agencies = Agency.objects.filter(pk__in=self.record.panel.members.values("agency_id"))
        return super().get_form_kwargs() | {"agencies": agencies}

    def save(self, form):
        return services.attendance_record(meeting=self.record, recorded_by=self.request.user, **form.cleaned_data)


class ActionCreateView(CaseworkOnlyMixin, ServiceFormView):
    record_model = Meeting
    required_level = AccessLevel.CHANGE
    form_class = forms.ActionForm
    template_name = "mase/action_form.html"
    success_message = "Action agreed; its owner has been told"

    def get_form_kwargs(self):
        user = self.request.user
        agency_ids = list(self.record.panel.members.values_list("agency_id", flat=True))
        items = AgendaItem.objects.visible_to(user, AccessLevel.FULL).on(self.record)
        return super().get_form_kwargs() | {"owners": forms.action_owners(agency_ids), "items": items}

    def save(self, form):
        return services.action_create(meeting=self.record, created_by=self.request.user, **form.cleaned_data)


# --- agenda items ------------------------------------------------------------------------


class AgendaItemDetailView(CaseworkOnlyMixin, SharableDetailView):
    model = AgendaItem
    template_name = "mase/agendaitem_detail.html"
    context_object_name = "item"

    def get_queryset(self):
        return super().get_queryset().select_related("meeting__panel")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item, user = self.object, self.request.user
        context["meeting"] = item.meeting
        from mase import topics

        context["subject_name"] = topics.name_subjects([context["object"]], user)[0].subject_name
        context["can_remove"] = (
            context["can_see_full"]
            and item.meeting.status in services.ITEM_REMOVABLE
            and chairs(user, item.meeting.panel)
        )
        context["can_record"] = (
            context["can_see_full"] and item.meeting.status == MeetingStatus.HELD and chairs(user, item.meeting.panel)
        )
        return context


class AgendaItemRecordView(CaseworkOnlyMixin, ServiceFormView):
    record_model = AgendaItem
    record_name = "item"
    required_level = AccessLevel.FULL
    record_related = ("meeting__panel",)
    form_class = forms.ItemRecordForm
    template_name = "mase/agendaitem_record.html"
    success_message = "Item recorded"

    def get_initial(self):
        item = self.record
        return {
            "discussion_summary": item.discussion_summary,
            "agreed_risk_level": item.agreed_risk_level,
            "decisions": item.decisions,
        }

    def save(self, form):
        return services.agenda_item_record(item=self.record, recorded_by=self.request.user, **form.cleaned_data)


class AgendaItemRemoveView(CaseworkOnlyMixin, ServiceFormView):
    """Take an item off the agenda (the chair or deputy; before the meeting
    is held), with a confirmation saying what else it does: packs issued are
    superseded, the panel's shares of the case end, a listing goes back to
    accepted."""

    record_model = AgendaItem
    record_name = "item"
    required_level = AccessLevel.FULL
    record_related = ("meeting__panel", "referral")
    form_class = forms.ItemRemoveForm
    template_name = "mase/agendaitem_remove.html"

    def get_context_data(self, **kwargs):
        from mase.models import MeetingPack

        context = super().get_context_data(**kwargs)
        meeting = self.record.meeting
        context["meeting"] = meeting
        context["issued_packs"] = MeetingPack.objects.filter(
            meeting=meeting, kind=MeetingPack.Kind.PACK, agenda_version__gte=meeting.agenda_version
        ).count()
        context["agenda_closed"] = meeting.status == MeetingStatus.AGENDA_CLOSED
        context["removable"] = meeting.status in services.ITEM_REMOVABLE and chairs(self.request.user, meeting.panel)
        return context

    def save(self, form):
        self.removed = services.agenda_item_remove(
            item=self.record, removed_by=self.request.user, request=self.request, **form.cleaned_data
        )
        said = [f"{self.removed['reference']} taken off the agenda"]
        if self.removed["packs_superseded"]:
            said.append(f"the {self.removed['packs_superseded']} packs issued are superseded: issue them again")
        if self.removed["shares_ended"]:
            said.append(f"{self.removed['shares_ended']} shares of the case with the panel's agencies ended")
        if self.removed["listing"]:
            said.append("the listing request is accepted again, to be listed at a later meeting")
        self.success_message = "; ".join(said)
        return self.removed

    def get_success_url(self):
        meeting = self.record.meeting
        if meeting.status == MeetingStatus.SCHEDULED:
            return reverse("mase:agenda_builder", args=[meeting.pk])
        return meeting.get_absolute_url()


# --- listing requests ----------------------------------------------------------------------


class ListingRequestCreateView(CaseworkOnlyMixin, ServiceFormView):
    """A caseworker asks for the child of a referral they see in full to be listed."""

    record_model = Referral
    required_level = AccessLevel.FULL
    record_related = ("child",)
    form_class = forms.ListingRequestForm
    template_name = "mase/listingrequest_form.html"
    success_message = "Listing requested: the panel's chair will decide"

    def get_form_kwargs(self):
        user = self.request.user
        district = self.record.child.district_id
        panels = Panel.objects.active().filter(Q(districts=district) | Q(districts__isnull=True)).distinct()
        meetings = (
            Meeting.objects.visible_to(user).open_for_listing().filter(panel__in=panels).select_related("panel")
        ).order_by("starts_at")
        return super().get_form_kwargs() | {"panels": panels, "meetings": meetings}

    def save(self, form):
        self.listing = services.listing_request_create(
            referral=self.record, requested_by=self.request.user, **form.cleaned_data
        )
        return self.listing

    def get_success_url(self):
        return reverse("mase:listingrequest_detail", args=[self.listing.pk])


def visible_listings(user):
    """Listing requests are seen through their referral, in full only."""
    return ListingRequest.objects.visible_to(user, AccessLevel.FULL).select_related(
        "referral__child", "panel", "meeting", "requested_by", "agency"
    )


class ListingRequestListView(CaseworkOnlyMixin, AccessLoggedListMixin, ListView):
    model = ListingRequest
    template_name = "mase/listingrequest_list.html"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        mine = Q(requested_by=user) | Q(panel__in=Panel.objects.chaired_by(user))
        return visible_listings(user).filter(mine).order_by("-created_at", "-id")

    def get(self, request, *args, **kwargs):
        # "Request a listing" by a case's reference: to the form, for a case
        # the user sees in full; otherwise the list with the message.
        self.reference_error = ""
        reference = request.GET.get("reference", "").strip().upper()
        if reference:
            case = Referral.objects.visible_to(request.user, AccessLevel.FULL).filter(reference=reference).first()
            if case is not None:
                return redirect("mase:listingrequest_new", pk=case.pk)
            self.reference_error = f"No case {reference} that you can see in full"
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["awaiting"] = listing_requests_awaiting_me(self.request.user)
        context["reference_error"] = self.reference_error
        context["reference"] = self.request.GET.get("reference", "")
        return context


class ListingRequestDetailView(CaseworkOnlyMixin, AccessLoggedDetailMixin, DetailView):
    model = ListingRequest
    template_name = "mase/listingrequest_detail.html"
    context_object_name = "listing"

    def get_queryset(self):
        return visible_listings(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["steps"] = services.listing_steps_for(self.request.user, self.object)
        context["initials"] = services.initials(self.object.referral.child)
        return context


STEP_FORMS = {
    "accept": forms.NoteForm,
    "decline": forms.NoteForm,
    "monitor": forms.MonitorForm,
    "remove": forms.NoteForm,
}


class ListingStepView(CaseworkOnlyMixin, FormView):
    template_name = "mase/listing_step.html"

    @cached_property
    def listing(self):
        return get_object_or_404(visible_listings(self.request.user), pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if kwargs["step"] not in services.LISTING_STEPS:
            raise Http404("No such step")
        self.step = services.LISTING_STEPS[kwargs["step"]]
        if request.user.is_authenticated:
            self.listing  # noqa: B018 - evaluated for its 404
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return STEP_FORMS[self.step.name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(listing=self.listing, step=self.step, **kwargs)

    def form_valid(self, form):
        try:
            self.step.take(record=self.listing, user=self.request.user, **form.cleaned_data)
        except REFUSALS as error:
            refusal = refusal_for(error)
            refusal.add_to_form(form)
            return self.render_to_response(self.get_context_data(form=form), status=refusal.page_status)
        messages.success(self.request, f"{self.step.label}: done")
        return redirect("mase:listingrequest_detail", pk=self.listing.pk)


# --- actions -------------------------------------------------------------------------------


class ActionListView(CaseworkOnlyMixin, SharableListView):
    """The actions tracker: the user's agency's actions (and, for a chair, their
    panels'), filterable to mine, overdue, an agency or a status."""

    model = MaseAction
    template_name = "mase/action_list.html"
    paginate_by = 50

    def get_queryset(self):
        records = super().get_queryset().select_related("owner", "owner_agency", "meeting")
        shown = self.request.GET.get("show", "")
        if shown == "mine":  # the home queue "My MASE actions": outstanding ones only, as it counts
            records = records.owned_by(self.request.user).outstanding()
        elif shown == "overdue":
            records = records.overdue()
        elif shown == "outstanding":
            records = records.outstanding()
        agency = self.request.GET.get("agency", "")
        if agency:
            records = records.filter(owner_agency__code=agency)
        return records.order_by("due_date", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        visible = MaseAction.objects.visible_to(user)
        context["by_agency"] = (
            visible.values("owner_agency__code", "owner_agency__name")
            .annotate(
                outstanding=Count("pk", filter=Q(status__in=("open", "in_progress"))),
                overdue=Count("pk", filter=Q(status__in=("open", "in_progress"), due_date__lt=today)),
            )
            .order_by("owner_agency__name")
        )
        context["show"] = self.request.GET.get("show", "")
        return context


class ActionDetailView(CaseworkOnlyMixin, SharableDetailView):
    model = MaseAction
    template_name = "mase/action_detail.html"
    context_object_name = "action"

    def get_queryset(self):
        return super().get_queryset().select_related("meeting__panel", "owner", "owner_agency")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["steps"] = services.ACTION_STEPS.allowed(self.request.user, self.object, self.access_level)
        return context


class ActionStepView(CaseworkOnlyMixin, ServiceFormView):
    record_model = MaseAction
    record_name = "action"
    required_level = AccessLevel.CHANGE
    template_name = "mase/action_step.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["step"] not in services.ACTION_STEPS:
            raise Http404("No such step")
        self.step = services.ACTION_STEPS[kwargs["step"]]
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return forms.OutcomeForm if self.step.name in ("complete", "cancel") else forms.forms.Form

    def get_context_data(self, **kwargs):
        return super().get_context_data(step=self.step, **kwargs)

    def save(self, form):
        self.success_message = f"{self.step.label}: done"
        return self.step.take(record=self.record, user=self.request.user, **form.cleaned_data)


# --- packs ---------------------------------------------------------------------------------


DOCUMENT_TABLES = {
    MeetingPack.Kind.PACK: {"testid": "packs", "caption": "Packs issued", "issued_label": "Issued",
                            "empty": "No packs issued yet.", "noun": ("pack", "packs")},
    MeetingPack.Kind.MINUTES: {"testid": "minutes-copies", "caption": "Copies circulated",
                               "issued_label": "Circulated", "empty": "Not circulated yet.",
                               "noun": ("copy of the minutes", "copies of the minutes")},
}  # fmt: skip


def document_progress(meeting, kind: str) -> dict:
    """The meeting's documents of `kind` (packs or minutes), without their
    HTML and PDF, and how many are ready: the table and the words the live
    region announces (mase/partials/documents.html)."""
    documents = list(
        meeting.packs.filter(kind=kind)
        .defer("html", "pdf")
        .select_related("agency", "recipient", "protocol", "meeting")
        .order_by("-issued_at", "agency__name")
    )
    table = DOCUMENT_TABLES[kind]
    ready = sum(document.status == MeetingPack.Status.READY for document in documents)
    total, preparing = len(documents), len(documents) - ready
    one, many = table["noun"]
    if preparing:
        status_text = f"{ready} of {total} {many if total > 1 else one} ready; the rest are being prepared."
    elif total:
        status_text = f"All {total} {many if total > 1 else one} ready: open them from the list."
    else:
        status_text = ""
    return {**table, "kind": kind, "documents": documents, "ready": ready, "preparing": preparing,
            "status_text": status_text}  # fmt: skip


class DocumentProgressView(CaseworkOnlyMixin, RecordPageMixin, TemplateView):
    """The documents table alone, polled by the packs and minutes pages while
    any is being prepared; with the live region's words when the number
    ready differs from the `ready` the page last showed."""

    record_model = Meeting
    required_level = AccessLevel.CHANGE
    template_name = "mase/partials/documents.html"

    def get_context_data(self, **kwargs):
        if self.kwargs["kind"] not in MeetingPack.Kind.values:
            raise Http404("No such kind of document")
        context = super().get_context_data(**kwargs)
        progress = document_progress(self.record, self.kwargs["kind"])
        context["progress"] = progress
        context["oob"] = self.request.GET.get("ready", "") != str(progress["ready"])
        return context


class PackListView(CaseworkOnlyMixin, ServiceFormView):
    """The chair's packs for a meeting: issue them, see their progress and
    whether a changed agenda has superseded them."""

    record_model = Meeting
    required_level = AccessLevel.CHANGE
    form_class = forms.PackIssueForm
    template_name = "mase/pack_list.html"
    success_message = "Packs are being prepared"

    def get_form_kwargs(self):
        from sharing.models import LawfulBasis

        bases = LawfulBasis.objects.filter(active=True, regime=self.request.user.agency.regime)
        return super().get_form_kwargs() | {"bases": bases}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["progress"] = document_progress(self.record, MeetingPack.Kind.PACK)
        return context

    def save(self, form):
        return services.packs_issue(meeting=self.record, issued_by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("mase:pack_list", args=[self.record.pk])


class PackDownloadView(CaseworkOnlyMixin, View):
    """A pack, as PDF (or ?format=html), for its recipient and the panel's chair."""

    def get(self, request, pk):
        from django.http import HttpResponse

        from audit.models import AccessEvent
        from audit.services import record_access

        pack = get_object_or_404(MeetingPack.objects.for_user(request.user).filter(status="ready"), pk=pk)
        record_access(
            user=request.user, action=AccessEvent.Action.EXPORT, record_kind="mase.agendaitem",
            record_ids=pack.item_ids, request=request, details={"pack": pack.pk},
        )  # fmt: skip
        if request.GET.get("format") == "html":
            return HttpResponse(pack.html, content_type="text/html; charset=utf-8")
        response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
        name = f"mase-{pack.kind}-{pack.meeting_id}-{pack.agency.code}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class MinutesView(CaseworkOnlyMixin, ServiceFormView):
    """The chair's minutes: the general minutes (a form while they may be
    written), each item's record as the chair sees it, and the copies
    circulated to each agency."""

    record_model = Meeting
    required_level = AccessLevel.CHANGE
    record_related = ("panel",)
    form_class = forms.MinutesNotesForm
    template_name = "mase/minutes_page.html"
    success_message = "Minutes saved"

    def get_initial(self):
        return {"minutes_notes": self.record.minutes_notes}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items"] = shown_items(self.record, self.request.user)
        context["writable"] = self.record.status in services.MINUTES_OPEN
        context["progress"] = document_progress(self.record, MeetingPack.Kind.MINUTES)
        return context

    def save(self, form):
        return services.minutes_record(meeting=self.record, recorded_by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("mase:minutes", args=[self.record.pk])


class MinutesCirculateView(CaseworkOnlyMixin, ServiceFormView):
    """Circulate the approved minutes: each agency's copy, filtered as packs are."""

    record_model = Meeting
    required_level = AccessLevel.CHANGE
    record_related = ("panel",)
    form_class = forms.MinutesCirculateForm
    template_name = "mase/minutes_circulate.html"
    success_message = "Minutes circulated: each agency's copy is being prepared"

    def get_form_kwargs(self):
        from sharing.models import LawfulBasis

        bases = LawfulBasis.objects.filter(active=True, regime=self.request.user.agency.regime)
        return super().get_form_kwargs() | {"bases": bases}

    def save(self, form):
        return services.MEETING_STEPS["circulate_minutes"].take(
            record=self.record, user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("mase:minutes", args=[self.record.pk])


# --- the strategic CSE action plan ------------------------------------------------------------


class ActionPlanView(CaseworkOnlyMixin, ListView):
    """The strategic CSE action plan: work streams, actions, owners, RAG status
    and the latest update. Strategic, about no child."""

    template_name = "mase/action_plan.html"

    def get_queryset(self):
        from django.db.models import Prefetch

        from mase.models import PlanAction, WorkStream

        actions = PlanAction.objects.select_related("owner", "owner_agency").prefetch_related("updates")
        return WorkStream.objects.prefetch_related(Prefetch("actions", queryset=actions))


class PlanUpdateView(CaseworkOnlyMixin, FormView):
    form_class = forms.PlanUpdateForm
    template_name = "mase/plan_update.html"

    @cached_property
    def plan_action(self):
        from mase.models import PlanAction

        return get_object_or_404(PlanAction.objects.select_related("work_stream"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan_action=self.plan_action, **kwargs)

    def form_valid(self, form):
        try:
            services.plan_update_record(action=self.plan_action, recorded_by=self.request.user, **form.cleaned_data)
        except REFUSALS as error:
            refusal = refusal_for(error)
            refusal.add_to_form(form)
            return self.render_to_response(self.get_context_data(form=form), status=refusal.page_status)
        messages.success(self.request, "Update recorded")
        return redirect("mase:action_plan")


# --- terms of reference --------------------------------------------------------------------------


class PanelTermsView(CaseworkOnlyMixin, FormView):
    """A panel's terms of reference, every version with its state and
    sign-offs; its chair drafts a new version here. Panels hold no case data:
    any casework role may read them."""

    form_class = forms.TermsDraftForm
    template_name = "mase/terms_list.html"

    @cached_property
    def panel(self):
        return get_object_or_404(Panel.objects.select_related("chair", "deputy_chair"), pk=self.kwargs["pk"])

    def get_initial(self):
        latest = self.panel.terms_of_reference.first()
        return {"text": latest.text} if latest else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panel"] = self.panel
        context["versions"] = self.panel.terms_of_reference.prefetch_related("signatures__agency")
        context["members"] = self.panel.members.select_related("agency", "member", "deputy")
        context["is_chair"] = chairs(self.request.user, self.panel)
        return context

    def form_valid(self, form):
        try:
            terms = services.terms_draft(panel=self.panel, drafted_by=self.request.user, text=form.cleaned_data["text"])
        except REFUSALS as error:
            refusal = refusal_for(error)
            refusal.add_to_form(form)
            return self.render_to_response(self.get_context_data(form=form), status=refusal.page_status)
        messages.success(self.request, f"Version {terms.version} drafted")
        return redirect("mase:terms_detail", pk=terms.pk)


class TermsDetailView(CaseworkOnlyMixin, DetailView):
    """One version: its text, its state, and which member agencies have signed."""

    template_name = "mase/terms_detail.html"
    context_object_name = "terms"

    def get_queryset(self):
        from mase.models import TermsOfReference

        return TermsOfReference.objects.select_related("panel", "drafted_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        terms, user = self.object, self.request.user
        signed = {signature.agency_id: signature for signature in terms.signatures.select_related("signed_by")}
        seats = list(terms.panel.members.select_related("agency", "member", "deputy"))
        context["seats"] = [(seat, signed.get(seat.agency_id)) for seat in seats]
        context["steps"] = services.terms_steps_for(user, terms)
        return context


class TermsStepView(CaseworkOnlyMixin, View):
    """POST only: finalise (the chair) or sign (a member agency's member or deputy)."""

    def post(self, request, pk, step):
        from mase.models import TermsOfReference

        if step not in services.TERMS_STEPS:
            raise Http404("No such step")
        terms = get_object_or_404(TermsOfReference, pk=pk)
        chosen = services.TERMS_STEPS[step]
        return _take(
            request,
            lambda: chosen.take(record=terms, user=request.user),
            reverse("mase:terms_detail", args=[terms.pk]),
            f"{chosen.label}: done",
        )
