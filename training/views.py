"""Training pages. Sessions, courses, events, plans and coverage are for every
signed-in user; attendee names and feedback comments only for roles holding
those permissions (training.permissions); planning and recording for
trainers and managers (the services check again)."""

import csv
import datetime
from html import escape

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from audit.models import AccessEvent
from audit.services import client_address, record_access
from sharing.refusals import REFUSALS, refusal_for
from training import calendar as training_calendar
from training import permissions, services
from training.coverage import coverage, default_period
from training.forms import (
    EventForm,
    FeedbackForm,
    PeriodForm,
    PlanForm,
    RegisterMappingForm,
    RegisterUploadForm,
    SessionCancelForm,
    SessionDeliverForm,
    SessionEditForm,
    SessionFilterForm,
    SessionPlanForm,
    register_rows,
)
from training.models import (
    CommunitySafetyPlan,
    Course,
    CourseVersion,
    Event,
    Feedback,
    PlanPriority,
    Session,
)

SCORES = ("content_score", "delivery_score", "relevance_score")


def score_averages():
    return {f"{name}_avg": Avg(f"feedback__{name}") for name in SCORES} | {"responses": Count("feedback")}


class PlannerRequiredMixin:
    """Pages that record training: trainers and managers (403 for others)."""

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_plan(request.user):
            raise PermissionDenied("Only trainers or managers can record training")
        return super().dispatch(request, *args, **kwargs)


def _sessions():
    return Session.objects.select_related("course_version__course", "district", "trainer", "campaign")


class SessionListView(ListView):
    template_name = "training/session_list.html"
    paginate_by = 50
    context_object_name = "sessions"

    def get_queryset(self):
        self.filter_form = SessionFilterForm(self.request.GET or None)
        sessions = _sessions()
        if self.filter_form.is_bound and self.filter_form.is_valid():
            sessions = self.filter_form.filter(sessions)
        return sessions.order_by("-starts_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter_form=self.filter_form, can_plan=permissions.can_plan(self.request.user),
                       query=query.urlencode())  # fmt: skip
        return context


class SessionDetailView(DetailView):
    template_name = "training/session_detail.html"
    context_object_name = "session"

    def get_queryset(self):
        return _sessions().prefetch_related("organisations")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, session = self.request.user, self.object
        roll_up = Feedback.objects.filter(session=session).aggregate(
            **{f"{name}_avg": Avg(name) for name in SCORES}, responses=Count("id")
        )
        context.update(roll_up=roll_up, can_plan=permissions.can_plan(user))
        if permissions.can_see_attendees(user):
            attendees = list(session.attendees.select_related("organisation"))
            context["attendees"] = attendees
            if attendees:
                record_access(
                    user=user, action=AccessEvent.Action.VIEW, record_kind="training.attendee",
                    record_ids=[attendee.pk for attendee in attendees], request=self.request,
                )  # fmt: skip
        if permissions.can_read_comments(user):
            context["comments"] = list(session.feedback.exclude(comment="").values_list("comment", "submitted_at"))
        if context["can_plan"]:
            context["steps"] = [step for step in services.SESSION_STEPS.values() if step.offered_to(user, session)]
            context["deliver_form"] = SessionDeliverForm(initial={"attendee_count": session.attendee_count or None})
            context["cancel_form"] = SessionCancelForm()
            context["feedback_url"] = self.request.build_absolute_uri(
                reverse("training:feedback_form", args=[session.feedback_token])
            )
        return context


class SessionPlanView(PlannerRequiredMixin, FormView):
    template_name = "training/session_plan.html"
    form_class = SessionPlanForm

    def get_initial(self):
        return {"trainer": self.request.user.pk if self.request.user.has_role("trainer") else None}

    def form_valid(self, form):
        try:
            session = services.session_plan(planned_by=self.request.user, request=self.request, **form.cleaned_data)
        except REFUSALS as error:
            refusal = refusal_for(error)
            refusal.add_to_form(form)
            return self.render_to_response(self.get_context_data(form=form), status=refusal.page_status)
        messages.success(self.request, f"Session {session.reference} planned")
        return redirect(session)


class SessionEditView(PlannerRequiredMixin, FormView):
    """Change a planned session; a stale edit (someone saved it meanwhile) is a 409 with the form again."""

    template_name = "training/session_plan.html"
    form_class = SessionEditForm

    def dispatch(self, request, *args, **kwargs):
        self.session = get_object_or_404(_sessions(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = {name: getattr(self.session, name) for name in services.PLAN_FIELDS}
        initial["starts_at"] = timezone.localtime(self.session.starts_at)
        initial["ends_at"] = timezone.localtime(self.session.ends_at)
        return {**initial, "version": self.session.version}

    def get_context_data(self, **kwargs):
        return super().get_context_data(editing=self.session, **kwargs)

    def form_valid(self, form):
        changes = {name: form.cleaned_data[name] for name in services.PLAN_FIELDS}
        try:
            services.session_update(
                session=self.session, updated_by=self.request.user, expected_version=form.cleaned_data["version"],
                **changes,
            )  # fmt: skip
        except REFUSALS as error:
            refusal = refusal_for(error)
            refusal.add_to_form(form)
            return self.render_to_response(self.get_context_data(form=form), status=refusal.page_status)
        messages.success(self.request, f"Session {self.session.reference} changed")
        return redirect(self.session)


class SessionStepView(PlannerRequiredMixin, View):
    """POST a workflow step: deliver (attendee count), evaluate, cancel (reason)."""

    forms = {"deliver": SessionDeliverForm, "cancel": SessionCancelForm}

    def post(self, request, pk, step):
        session = get_object_or_404(_sessions(), pk=pk)
        if step not in services.SESSION_STEPS:
            raise Http404("No such step")
        form_class = self.forms.get(step)
        form = form_class(request.POST) if form_class else None
        if form is not None and not form.is_valid():
            return self.again(session, step, form, 200)
        try:
            services.SESSION_STEPS[step].take(record=session, user=request.user, **(form.cleaned_data if form else {}))
        except REFUSALS as error:
            refusal = refusal_for(error)
            if form is None:
                form = SessionDeliverForm() if step == "deliver" else SessionCancelForm()
            refusal.add_to_form(form)
            return self.again(session, step, form, refusal.page_status)
        messages.success(request, f"{services.SESSION_STEPS[step].label}: done")
        return redirect(session)

    def again(self, session, step, form, status):
        return render(
            self.request, "training/session_step.html",
            {"session": session, "step": services.SESSION_STEPS[step], "form": form}, status=status,
        )  # fmt: skip


def _register_key(pk) -> str:
    return f"training_register_{pk}"


class RegisterImportView(PlannerRequiredMixin, View):
    """Upload a CSV register, map its columns, see a line-by-line report;
    nothing is recorded until every line is good."""

    template_name = "training/register_import.html"

    def dispatch(self, request, *args, **kwargs):
        self.session = get_object_or_404(_sessions(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, status=200, **context):
        return render(self.request, self.template_name, {"session": self.session, **context}, status=status)

    def get(self, request, pk):
        request.session.pop(_register_key(pk), None)
        return self.render(upload_form=RegisterUploadForm())

    def post(self, request, pk):
        if "register" in request.FILES or "upload" in request.POST:
            upload_form = RegisterUploadForm(request.POST, request.FILES)
            if not upload_form.is_valid():
                return self.render(upload_form=upload_form)
            text = upload_form.cleaned_data["register"]
            request.session[_register_key(pk)] = text
            columns, rows = register_rows(text)
            return self.render(mapping_form=RegisterMappingForm(columns=columns), columns=columns, line_count=len(rows))
        text = request.session.get(_register_key(pk))
        if text is None:
            return self.render(upload_form=RegisterUploadForm(), expired=True)
        columns, rows = register_rows(text)
        mapping_form = RegisterMappingForm(request.POST, columns=columns)
        if not mapping_form.is_valid():
            return self.render(mapping_form=mapping_form, columns=columns, line_count=len(rows))
        try:
            attendees = services.register_import(
                session=self.session, imported_by=request.user, rows=mapping_form.mapped(rows), request=request
            )
        except REFUSALS as error:
            refusal = refusal_for(error)
            return self.render(
                status=refusal.page_status,
                upload_form=RegisterUploadForm(),
                problems=[message for messages_ in refusal.errors.values() for message in messages_],
            )
        request.session.pop(_register_key(pk), None)
        messages.success(request, f"{len(attendees)} attendees recorded from the register")
        return redirect(self.session)


class FeedbackQRCodeView(PlannerRequiredMixin, View):
    """The feedback link as a QR code (SVG) for the session's last slide."""

    def get(self, request, pk):
        session = get_object_or_404(Session, pk=pk)
        url = request.build_absolute_uri(reverse("training:feedback_form", args=[session.feedback_token]))
        svg = segno.make(url, error="m").svg_inline(scale=6, title="Feedback link")
        return HttpResponse(svg, content_type="image/svg+xml")


def _client_address(request) -> str:
    # The address the access log records: behind the load balancer, the client's
    # (TRUSTED_PROXIES), not the balancer's, which every attendee would share.
    return client_address(request) or ""


@method_decorator(login_not_required, name="dispatch")
class FeedbackView(View):
    """The attendees' form, reached by the session's unguessable link without
    signing in. Rate-limited per address and session in Django's cache; closed
    when the period ends or the session is evaluated."""

    template_name = "training/feedback_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.session = get_object_or_404(
            Session.objects.select_related("course_version__course"), feedback_token=kwargs["token"]
        )
        return super().dispatch(request, *args, **kwargs)

    def render(self, form=None, status=200, **context):
        return render(
            self.request, self.template_name,
            {"session": self.session, "form": form, "open": self.session.feedback_open, **context}, status=status,
        )  # fmt: skip

    def get(self, request, token):
        return self.render(FeedbackForm() if self.session.feedback_open else None)

    def post(self, request, token):
        if not self.session.feedback_open:
            return self.render(status=410)
        key = f"training-feedback:{self.session.pk}:{_client_address(request)}"
        cache.add(key, 0, timeout=3600)
        if cache.incr(key) > settings.TRAINING_FEEDBACK_PER_ADDRESS_PER_HOUR:
            return self.render(status=429, limited=True)
        form = FeedbackForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            services.feedback_submit(session=self.session, **form.cleaned_data)
        except REFUSALS as error:
            refusal = refusal_for(error)
            refusal.add_to_form(form)
            return self.render(form, status=refusal.page_status)
        return self.render(thanks=True)


class CourseListView(ListView):
    template_name = "training/course_list.html"
    context_object_name = "courses"

    def get_queryset(self):
        return Course.objects.annotate(**{
            f"{name}_avg": Avg(f"versions__sessions__feedback__{name}") for name in SCORES
        }).prefetch_related(Prefetch("versions", CourseVersion.objects.order_by("-number")))  # fmt: skip


class CourseDetailView(DetailView):
    template_name = "training/course_detail.html"
    model = Course

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["versions"] = (
            self.object.versions.annotate(sessions_count=Count("sessions", distinct=True))
            .annotate(**{f"{name}_avg": Avg(f"sessions__feedback__{name}") for name in SCORES})
            .order_by("-number")
        )
        return context


class FeedbackResultsView(TemplateView):
    """Feedback rolled up to course and trainer."""

    template_name = "training/feedback_results.html"

    def get_context_data(self, **kwargs):
        from accounts.models import User

        context = super().get_context_data(**kwargs)
        context["courses"] = Course.objects.annotate(
            responses=Count("versions__sessions__feedback"),
            **{f"{name}_avg": Avg(f"versions__sessions__feedback__{name}") for name in SCORES},
        )
        context["trainers"] = (
            User.objects.filter(training_sessions__isnull=False)
            .annotate(
                responses=Count("training_sessions__feedback"),
                **{f"{name}_avg": Avg(f"training_sessions__feedback__{name}") for name in SCORES},
            )
            .order_by("first_name", "last_name")
        )
        return context


class EventListView(ListView):
    template_name = "training/event_list.html"
    context_object_name = "events"
    queryset = Event.objects.select_related("district", "campaign")
    paginate_by = 50

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_plan=permissions.can_plan(self.request.user), **kwargs)


class EventDetailView(DetailView):
    template_name = "training/event_detail.html"
    queryset = Event.objects.select_related("district", "campaign", "organiser")
    context_object_name = "event"


class EventCreateView(PlannerRequiredMixin, FormView):
    template_name = "training/event_form.html"
    form_class = EventForm

    def form_valid(self, form):
        try:
            event = services.event_record(recorded_by=self.request.user, **form.cleaned_data)
        except REFUSALS as error:
            refusal_for(error).add_to_form(form)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(self.request, "Event recorded")
        return redirect(event)


class PlanListView(ListView):
    template_name = "training/plan_list.html"
    context_object_name = "plans"
    queryset = CommunitySafetyPlan.objects.prefetch_related("districts", "priorities")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_manage=permissions.can_manage_plans(self.request.user), **kwargs)


class PlanCreateView(FormView):
    template_name = "training/plan_form.html"
    form_class = PlanForm

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_manage_plans(request.user):
            raise PermissionDenied("Only trainers or managers can record Community Safety Plans")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            plan = services.plan_record(recorded_by=self.request.user, **form.service_arguments())
        except REFUSALS as error:
            refusal = refusal_for(error)
            refusal.add_to_form(form)
            return self.render_to_response(self.get_context_data(form=form), status=refusal.page_status)
        messages.success(self.request, "Plan recorded")
        return redirect(plan)


class PlanDetailView(DetailView):
    template_name = "training/plan_detail.html"
    queryset = CommunitySafetyPlan.objects.prefetch_related("districts", "priorities")
    context_object_name = "plan"


class PriorityDetailView(DetailView):
    template_name = "training/priority_detail.html"
    queryset = PlanPriority.objects.select_related("plan")
    context_object_name = "priority"


def _period(request):
    start, end = default_period(timezone.localdate())
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end


PRIORITY_TAG = mark_safe('<br><strong class="govuk-tag govuk-tag--green">Priority</strong>')
GAP_TAG = mark_safe('<strong class="govuk-tag govuk-tag--red">Gap</strong>')
NO_SESSION = mark_safe('<span class="govuk-body-s">\N{EN DASH}</span>')


def _matrix_rows(matrix, drill_down: str) -> list[tuple]:
    """Each row's cells as HTML. Built here rather than by the template's loop
    (and with the standard library's escape rather than format_html): the 156
    cells were most of the page's server time (benchmarks/RESULTS.md, "Training
    coverage"). Every value that is not a number is escaped."""
    link = escape(drill_down)
    labels = {code: escape(label) for code, label in matrix.audiences}
    rows = []
    for row in matrix.rows:
        code, name = escape(row.district.code), escape(row.district.name)
        cells = []
        for cell in row.cells:
            audience = escape(cell.audience)
            if cell.gap:
                content = GAP_TAG
            elif cell.sessions:
                content = (
                    f'<a class="govuk-link" href="{link}&amp;district={code}&amp;audience={audience}">'
                    f"{int(cell.sessions)}"
                    f'<span class="govuk-visually-hidden"> sessions for {labels[cell.audience]} in {name}</span></a>'
                    f'<br><span class="govuk-body-s">{int(cell.attendees)} people, '
                    f"{int(cell.organisations)} orgs</span>"
                    f"{PRIORITY_TAG if cell.priority else ''}"
                )
            else:
                content = NO_SESSION
            cells.append(f'<td class="govuk-table__cell" data-testid="cell-{code}-{audience}">{content}</td>')
        rows.append((row.district, row.gaps, mark_safe("".join(cells))))  # noqa: S308 - every value escaped above
    return rows


class CoverageView(TemplateView):
    template_name = "training/coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, start, end = _period(self.request)
        matrix = coverage(start, end)
        drill_down = reverse("training:session_list") + f"?status=reached&start={matrix.start}&end={matrix.end}"
        context.update(
            form=form, coverage=matrix, rows=_matrix_rows(matrix, drill_down), start=matrix.start, end=matrix.end
        )
        return context


class CoverageCSVView(View):
    def get(self, request):
        _, start, end = _period(request)
        matrix = coverage(start, end)
        start, end = matrix.start, matrix.end
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="training-coverage-{start}-to-{end}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["District", "Audience", "Priority audience", "Sessions", "Attendees", "Organisations reached", "Gap"]
        )
        for row in matrix.rows:
            for cell in row.cells:
                writer.writerow([
                    row.district.name, cell.audience_label, "yes" if cell.priority else "no",
                    cell.sessions, cell.attendees, cell.organisations, "yes" if cell.gap else "no",
                ])  # fmt: skip
        record_access(
            user=request.user, action=AccessEvent.Action.EXPORT, record_kind="training.coverage",
            request=request, details={"start": str(start), "end": str(end)},
        )  # fmt: skip
        return response


class CalendarView(TemplateView):
    """Upcoming sessions by trainer and district, with the signed-in trainer's feed."""

    template_name = "training/calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upcoming = _sessions().upcoming().order_by("starts_at")
        form = SessionFilterForm(self.request.GET or None)
        if form.is_bound and form.is_valid():
            upcoming = form.filter(upcoming)
        by_trainer: dict = {}
        for session in upcoming[:500]:
            by_trainer.setdefault(session.trainer, []).append(session)
        context.update(filter_form=form, by_trainer=sorted(by_trainer.items(), key=lambda item: item[0].display_name))
        user = self.request.user
        if user.has_role("trainer") or user.has_role("manager"):
            feed = services.calendar_for(trainer=user)
            context["feed_url"] = self.request.build_absolute_uri(reverse("training:calendar_feed", args=[feed.token]))
        return context


class CalendarResetView(View):
    def post(self, request):
        if not (request.user.has_role("trainer") or request.user.has_role("manager")):
            raise PermissionDenied("Only trainers and managers have a calendar feed")
        services.calendar_for(trainer=request.user, reset=True)
        messages.success(request, "Your calendar feed has a new address; the old one no longer works")
        return redirect("training:calendar")


@login_not_required
def calendar_feed(request, token):
    """A trainer's sessions as iCalendar, by the feed's secret URL (calendar apps cannot sign in)."""
    from training.models import TrainerCalendar

    feed = get_object_or_404(TrainerCalendar.objects.select_related("trainer"), token=token)
    since = timezone.now() - datetime.timedelta(days=30)
    sessions = _sessions().filter(trainer=feed.trainer, starts_at__gte=since).exclude(status=Session.Status.CANCELLED)
    body = training_calendar.feed(feed.trainer, sessions, request.build_absolute_uri("/"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
