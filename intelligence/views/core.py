"""Intelligence pages: submitting information, the unit's triage queue,
grading and sanitising into reports, linking entities, and entity pages.
Every record is read through sharing (visible_to, at the reader's level); a
record the reader may not see is a 404; writes go through the services and
their refusals are shown next to the field."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView

from audit.mixins import AccessLoggedDetailMixin, AccessLoggedListMixin
from audit.models import AccessEvent
from audit.services import record_access
from cse_team.pagination import CappedCountPaginator
from cse_team.validators import whole_number
from intelligence import services
from intelligence.forms import (
    ENTITY_FORMS,
    AssociationForm,
    OutcomeForm,
    ReportForm,
    SanitiseForm,
    SubmissionForm,
)
from intelligence.models import (
    END_MODELS,
    Association,
    IntelligenceReport,
    ReportOriginal,
    Submission,
    in_intelligence_unit,
)
from referrals.models import Child
from sharing.access import explain
from sharing.levels import RANK, AccessLevel
from sharing.mixins import SharableDetailView, SharableListView
from sharing.presentation import shown
from sharing.record_pages import ServiceFormView
from sharing.refusals import REFUSALS, refusal_for


class RefusalsShownMixin:
    """For forms not about one record: a refusal next to its field, with its status."""

    def refused(self, form, error):
        refusal = refusal_for(error)
        refusal.add_to_form(form)
        return self.render_to_response(self.get_context_data(form=form), status=refusal.page_status)


class ShownListMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [shown(record, record.access_level) for record in context["object_list"]]
        return context


# --- submissions ---------------------------------------------------------------------


class SubmissionCreateView(RefusalsShownMixin, FormView):
    form_class = SubmissionForm
    template_name = "intelligence/submission_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            submission = services.submission_create(
                submitted_by=self.request.user, request=self.request, **form.cleaned_data
            )
        except REFUSALS as error:
            return self.refused(form, error)
        messages.success(self.request, f"Submitted as {submission.reference}. The intelligence unit will grade it.")
        return redirect(submission.get_absolute_url())


class SubmissionListView(ShownListMixin, SharableListView):
    """Your submissions (sharing shows a submission to its submitter and the
    unit only); the unit sees every one."""

    model = Submission
    template_name = "intelligence/submission_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "in_unit": in_intelligence_unit(self.request.user)}


class TriageView(ShownListMixin, SharableListView):
    """Ungraded submissions, oldest first, with their age: the unit's queue."""

    model = Submission
    template_name = "intelligence/triage.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not in_intelligence_unit(request.user):
            raise PermissionDenied("The triage queue is the intelligence unit's")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        return (
            Submission.objects.visible_to(user, AccessLevel.CHANGE)
            .with_access_level(user)
            .filter(status=Submission.Status.RECEIVED)
            .select_related("owning_agency")
            .order_by("submitted_at", "id")
        )

    def get_paginator(self, queryset, per_page, *args, **kwargs):
        """Counted only as far as one row past the page asked for: the queue
        shows no total, only whether there is a next page, and counting every
        waiting submission (10,000 at 500,000 reports) was most of its SQL."""
        paginator = super().get_paginator(queryset, per_page, *args, **kwargs)
        page = whole_number(self.request.GET.get(self.page_kwarg) or "1", maximum=paginator.count_cap // per_page)
        if page is not None:
            paginator.count_cap = per_page * max(1, page) + 1
        return paginator

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "now": timezone.now()}


class SubmissionDetailView(SharableDetailView):
    model = Submission
    template_name = "intelligence/submission_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.access_level == AccessLevel.CHANGE and in_intelligence_unit(self.request.user)
        report = IntelligenceReport.objects.visible_to(self.request.user).filter(submission=self.object).first()
        context["report"] = report
        if context["can_see_full"]:
            context["children"] = Child.objects.visible_to(self.request.user).filter(
                pk__in=self.object.children.values("pk")
            )
        return context


class SubmissionOutcomeView(ServiceFormView):
    record_model = Submission
    required_level = AccessLevel.CHANGE
    form_class = OutcomeForm
    template_name = "intelligence/submission_outcome.html"
    success_message = "Outcome recorded"

    def save(self, form):
        return services.submission_record_outcome(
            submission=self.record,
            decided_by=self.request.user,
            outcome=form.cleaned_data["outcome"],
            request=self.request,
        )


# --- reports -------------------------------------------------------------------------


class ReportListView(ShownListMixin, SharableListView):
    model = IntelligenceReport
    template_name = "intelligence/report_list.html"

    def get_queryset(self):
        records = super().get_queryset().select_related("district")
        query = self.request.GET.get("q", "").strip()
        return records.filter(reference__iexact=query) | records.filter(title__icontains=query) if query else records

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["in_unit"] = in_intelligence_unit(self.request.user)
        context["query"] = self.request.GET.get("q", "")
        return context


def _report_form_save(view, form, submission=None):
    data = form.cleaned_data
    return services.report_create(
        created_by=view.request.user,
        submission=submission,
        request=view.request,
        **{name: data[name] for name in ReportForm.base_fields},
    )


class ReportCreateView(RefusalsShownMixin, FormView):
    """A report made directly by the unit."""

    form_class = ReportForm
    template_name = "intelligence/report_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not in_intelligence_unit(request.user):
            raise PermissionDenied("Only the intelligence unit can create intelligence reports")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            report = _report_form_save(self, form)
        except REFUSALS as error:
            return self.refused(form, error)
        messages.success(self.request, f"Report {report.reference} created")
        return redirect(report.get_absolute_url())


class SubmissionGradeView(ServiceFormView):
    """Grade and sanitise a submission into a report (the unit)."""

    record_model = Submission
    required_level = AccessLevel.CHANGE
    form_class = ReportForm
    template_name = "intelligence/report_form.html"
    success_message = "Report created"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not in_intelligence_unit(request.user):
            raise Http404("No such submission")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        record = self.record
        parts = [record.what_happened]
        for label, value in (("When", record.occurred_when), ("Where", record.where), ("Who", record.who),
                             ("Also", record.further_information)):  # fmt: skip
            if value:
                parts.append(f"{label}: {value}")
        return {"original_text": "\n\n".join(parts), "source_type": ReportOriginal.SourceType.PARTNER}

    def save(self, form):
        self.report = _report_form_save(self, form, submission=self.record)
        return self.report

    def get_success_url(self):
        return self.report.get_absolute_url()


class ReportDetailView(SharableDetailView):
    model = IntelligenceReport
    template_name = "intelligence/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return super().get_queryset().select_related("district", "sanitised_by", "owning_agency")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, report = self.request.user, self.object
        # The original and grading are a record kind of their own: shown only
        # to those who see that kind (the intelligence unit).
        context["original"] = (
            ReportOriginal.objects.visible_to(user).filter(report=report).select_related("graded_by").first()
        )
        context["can_change"] = self.access_level == AccessLevel.CHANGE and in_intelligence_unit(user)
        # Conditions recorded on the shares that reach this reader.
        context["share_conditions"] = [share for share in explain(user, report, level=self.access_level).shares
                                       if share.conditions]  # fmt: skip
        if context["can_see_full"]:
            context["persons"] = [shown(p, p.access_level) for p in
                                  report.persons.visible_to(user).with_access_level(user)]  # fmt: skip
            context["locations"] = [shown(p, p.access_level) for p in
                                    report.locations.visible_to(user).with_access_level(user)]  # fmt: skip
            context["vehicles"] = [shown(p, p.access_level) for p in
                                   report.vehicles.visible_to(user).with_access_level(user)]  # fmt: skip
            context["associations"] = association_rows(Association.objects.visible_to(user).filter(report=report), user)
        return context


def association_rows(associations, user) -> list[dict]:
    """Associations with each end shown at the reader's level."""
    rows = []
    related = [f"{end}_{name}" for end in "ab" for name in END_MODELS]
    for association in associations.select_related(*related):
        ends = []
        for end in "ab":
            kind, record = association.end(end)
            level = _level_of(record, user)
            ends.append({"kind": kind, "record": shown(record, level), "url": _entity_url(kind, record)})
        rows.append({"association": association, "a": ends[0], "b": ends[1]})
    return rows


def _level_of(record, user):
    model = type(record)
    return (
        model._default_manager.filter(pk=record.pk)
        .with_access_level(user)
        .values_list("access_level", flat=True)
        .first()
    )


def _entity_url(kind, record):
    if kind == "child":
        return None
    return reverse("intelligence:entity_detail", args=[kind, record.pk])


class ReportSanitiseView(ServiceFormView):
    record_model = IntelligenceReport
    required_level = AccessLevel.CHANGE
    form_class = SanitiseForm
    template_name = "intelligence/report_sanitise.html"
    success_message = "Sanitised text saved"
    record_name = "report"

    def get_initial(self):
        return {"title": self.record.title, "sanitised_text": self.record.sanitised_text}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["original"] = ReportOriginal.objects.visible_to(self.request.user).filter(report=self.record).first()
        return context

    def save(self, form):
        return services.report_resanitise(
            report=self.record, sanitised_by=self.request.user, request=self.request, **form.cleaned_data
        )


class EntityLinkView(ServiceFormView):
    """Add a person, location or vehicle to a report. Likely matches among the
    entities the user sees are offered first; the user links one of them or
    confirms a new one."""

    record_model = IntelligenceReport
    required_level = AccessLevel.CHANGE
    template_name = "intelligence/entity_link.html"
    record_name = "report"

    MATCHERS = {
        "person": services.person_matches,
        "location": services.location_matches,
        "vehicle": services.vehicle_matches,
    }
    LINKERS = {"person": services.person_link, "location": services.location_link, "vehicle": services.vehicle_link}

    @property
    def kind(self):
        if self.kwargs["kind"] not in ENTITY_FORMS:
            raise Http404("No such kind of entity")
        return self.kwargs["kind"]

    def get_form_class(self):
        return ENTITY_FORMS[self.kind]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "kind": self.kind, "matches": getattr(self, "matches", None)}

    def form_valid(self, form):
        chosen = self.request.POST.get("existing", "")
        if not chosen:
            matches = list(self.MATCHERS[self.kind](self.request.user, **form.match_arguments()))
            if matches:
                self.matches = [shown(m, AccessLevel.SUMMARY) for m in matches]
                return self.render_to_response(self.get_context_data(form=form))
        return super().form_valid(form)

    def save(self, form):
        chosen = self.request.POST.get("existing", "")
        linker = self.LINKERS[self.kind]
        if chosen and chosen != "new":
            existing = whole_number(chosen)
            if existing is None:
                raise Http404("No such record")
            return linker(report=self.record, linked_by=self.request.user, existing=existing, request=self.request)
        return linker(report=self.record, linked_by=self.request.user, request=self.request, **form.service_arguments())

    def get_success_url(self):
        return self.record.get_absolute_url()


class AssociationCreateView(ServiceFormView):
    record_model = IntelligenceReport
    required_level = AccessLevel.CHANGE
    form_class = AssociationForm
    template_name = "intelligence/association_form.html"
    record_name = "report"
    success_message = "Association recorded"

    def get_form_kwargs(self):
        report, user = self.record, self.request.user
        ends = [(f"person:{p.pk}", f"Person: {p}") for p in report.persons.all()]
        ends += [(f"location:{p.pk}", f"Location: {p}") for p in report.locations.all()]
        ends += [(f"vehicle:{p.pk}", f"Vehicle: {p}") for p in report.vehicles.all()]
        children = Child.objects.visible_to(user, AccessLevel.FULL).order_by("last_name", "first_name", "pk")[:200]
        ends += [(f"child:{c.pk}", f"Child: {c.first_name} {c.last_name}") for c in children]
        return {**super().get_form_kwargs(), "ends": ends}

    def save(self, form):
        data = form.cleaned_data
        return services.association_create(
            report=self.record,
            created_by=self.request.user,
            a=AssociationForm.end(data["a"]),
            b=AssociationForm.end(data["b"]),
            type=data["type"],
            first_seen=data["first_seen"],
            last_seen=data["last_seen"],
            request=self.request,
        )


# --- entities ------------------------------------------------------------------------

ENTITY_KINDS = {name: model for name, model in END_MODELS.items() if name != "child"}


class EntityDetailView(AccessLoggedDetailMixin, DetailView):
    """A person, location or vehicle, at the highest level of the reports the
    reader sees it through; its associations the reader may see."""

    template_name = "intelligence/entity_detail.html"

    @cached_property
    def model(self):
        if self.kwargs["kind"] not in ENTITY_KINDS:
            raise Http404("No such kind of entity")
        return ENTITY_KINDS[self.kwargs["kind"]]

    def get_queryset(self):
        user = self.request.user
        return self.model._default_manager.visible_to(user).with_access_level(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, record = self.request.user, self.object
        level = record.access_level
        context["kind"] = self.kwargs["kind"]
        context["entity"] = shown(record, level)
        context["can_see_full"] = RANK[level] >= RANK[AccessLevel.FULL]
        field = {"person": "person", "location": "location", "vehicle": "vehicle"}[self.kwargs["kind"]]
        links = Association.objects.visible_to(user).filter(**{f"a_{field}": record}) | Association.objects.visible_to(
            user
        ).filter(**{f"b_{field}": record})
        context["associations"] = association_rows(links, user) if context["can_see_full"] else []
        context["reports"] = (
            IntelligenceReport.objects.visible_to(user).filter(**{f"{field}s": record}).order_by("-id")[:50]
        )
        return context


class EntityListView(AccessLoggedListMixin, ListView):
    """Persons, locations and vehicles the reader sees, searched by name,
    registration, phone number or handle."""

    template_name = "intelligence/entity_list.html"
    paginate_by = 50
    paginator_class = CappedCountPaginator

    @cached_property
    def model(self):
        if self.kwargs["kind"] not in ENTITY_KINDS:
            raise Http404("No such kind of entity")
        return ENTITY_KINDS[self.kwargs["kind"]]

    def get_queryset(self):
        user = self.request.user
        query = self.request.GET.get("q", "").strip()
        if query:
            # The matches, best first, already with the reader's level: no
            # second pass over what the reader sees (benchmarks/RESULTS.md).
            return list(services.entity_search(user, self.kwargs["kind"], query))
        return self.model._default_manager.visible_to(user).with_access_level(user)

    def get_paginator(self, queryset, *args, **kwargs):
        if isinstance(queryset, list):
            return Paginator(queryset, *args, **kwargs)
        return super().get_paginator(queryset, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [shown(record, record.access_level) for record in context["object_list"]]
        context["kind"] = self.kwargs["kind"]
        context["query"] = self.request.GET.get("q", "")
        return context


# --- link chart ----------------------------------------------------------------------


def _network_for(request, kind, pk, *, action=AccessEvent.Action.VIEW, **details):
    """The network of one entity the user sees (404 otherwise), recorded in
    the access log with the associations it shows: viewed (the chart's data,
    the table) or exported (`details` say how)."""
    from intelligence.network import network

    if kind not in END_MODELS:
        raise Http404("No such kind of entity")
    hops = 2 if request.GET.get("hops") == "2" else 1
    try:
        found = network(request.user, kind, pk, hops=hops)
    except LookupError:
        raise Http404("No such entity") from None
    record_access(
        user=request.user,
        action=action,
        record_kind=END_MODELS[kind]._meta.label_lower,
        record_ids=[pk],
        request=request,
        details={**details, "network_hops": hops, "associations": [edge["data"]["id"] for edge in found["edges"]]},
    )
    return found, hops


def network_json(request, kind, pk):
    """The link chart's data (Cytoscape.js elements): only associations the viewer may see."""
    found, _ = _network_for(request, kind, pk)
    return JsonResponse(found)


def network_page(request, kind, pk):
    """The network as a table (for keyboard and screen-reader users, and
    until the Cytoscape.js chart is added)."""
    found, hops = _network_for(request, kind, pk)
    labels = {node["data"]["id"]: node["data"] for node in found["nodes"]}
    start = next(node["data"] for node in found["nodes"] if node["data"]["start"])
    rows = [
        {**edge["data"], "source": labels[edge["data"]["source"]], "target": labels[edge["data"]["target"]]}
        for edge in found["edges"]
    ]
    return render(
        request,
        "intelligence/network.html",
        {"start": start, "rows": rows, "hops": hops, "kind": kind, "pk": pk, "nodes": found["nodes"]},
    )


@require_POST
def network_export(request, kind, pk):
    """Record that the link chart is being exported as a PNG (a disclosure
    outside the system: who, when, which associations); the browser makes the
    image only once this answers. Without JavaScript there is no image to make."""
    _, hops = _network_for(request, kind, pk, action=AccessEvent.Action.EXPORT, format="png")
    filename = f"link-chart-{kind}-{pk}-{timezone.localdate():%Y%m%d}.png"
    if request.headers.get("Accept", "").startswith("text/html"):
        messages.info(request, "The export was recorded, but the image needs JavaScript to be made")
        return redirect(f"{reverse('intelligence:network', args=[kind, pk])}?hops={hops}")
    return JsonResponse({"recorded": True, "filename": filename})
