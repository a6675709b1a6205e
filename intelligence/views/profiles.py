"""Problem profile pages: the list, drafting and editing, a profile's page
(its frozen snapshot once approved), the workflow steps, and the PDF."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView

from intelligence import services
from intelligence.forms import PROFILE_STEP_FORMS, ProblemProfileForm
from intelligence.models import RetentionStatus, in_intelligence_unit
from intelligence.models.profiles import FROZEN, ProblemProfile, ProfileStatus
from intelligence.plan_priorities import priorities_for
from intelligence.services.profiles import AUTHORS, PROFILE_STEPS, profile_snapshot
from intelligence.views.core import RefusalsShownMixin, ShownListMixin
from sharing.levels import AccessLevel
from sharing.mixins import SharableDetailView, SharableListView
from sharing.record_pages import RecordPageMixin, ServiceFormView
from sharing.refusals import REFUSALS


class ProfileListView(ShownListMixin, SharableListView):
    model = ProblemProfile
    template_name = "intelligence/profile_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("district")

    def get_context_data(self, **kwargs):
        user = self.request.user
        may_write = in_intelligence_unit(user) and bool(set(AUTHORS) & user.role_codes)
        return {**super().get_context_data(**kwargs), "may_write": may_write}


class ProfileCreateView(RefusalsShownMixin, FormView):
    form_class = ProblemProfileForm
    template_name = "intelligence/profile_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not in_intelligence_unit(request.user):
            raise PermissionDenied("Problem profiles are written by the intelligence unit")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            profile = services.profile_create(author=self.request.user, request=self.request, **form.cleaned_data)
        except REFUSALS as error:
            return self.refused(form, error)
        messages.success(self.request, f"Problem profile {profile.reference} drafted")
        return redirect(profile.get_absolute_url())


class ProfileEditView(ServiceFormView):
    record_model = ProblemProfile
    required_level = AccessLevel.CHANGE
    form_class = ProblemProfileForm
    template_name = "intelligence/profile_form.html"
    record_name = "profile"
    success_message = "Profile saved"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "district": self.record.district, "editing": True}

    def get_initial(self):
        record = self.record
        return {"title": record.title, "assessment": record.assessment, "recommendations": record.recommendations,
                "plan_priority_ids": record.plan_priority_ids, "version": record.version}  # fmt: skip

    def save(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.profile_update(profile=self.record, changed_by=self.request.user, expected_version=version,
                                       request=self.request, **data)  # fmt: skip


class ProfileDetailView(SharableDetailView):
    model = ProblemProfile
    template_name = "intelligence/profile_detail.html"
    context_object_name = "profile"

    def get_queryset(self):
        return super().get_queryset().select_related("district", "author", "approved_by", "qa_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, record = self.request.user, self.object
        disposed = context["disposed"] = record.retention_status == RetentionStatus.DISPOSED
        if context["can_see_full"] and not disposed:
            frozen = record.status in FROZEN
            # A draft shows the data as it is now, to the unit only (it alone sees drafts).
            context["snapshot"] = record.snapshot if frozen else profile_snapshot(record)
            context["frozen"] = frozen
            context["priorities"] = priorities_for(record.district, ids=record.plan_priority_ids)
        unit = in_intelligence_unit(user)
        changes = unit and self.access_level == AccessLevel.CHANGE and not disposed
        context["steps"] = PROFILE_STEPS.allowed(user, record, self.access_level) if changes else []
        context["can_edit"] = changes and record.status == ProfileStatus.DRAFT
        context["can_review"] = changes
        return context


class ProfileStepView(ServiceFormView):
    record_model = ProblemProfile
    required_level = AccessLevel.CHANGE
    template_name = "intelligence/profile_step.html"
    record_name = "profile"

    @property
    def step(self):
        if self.kwargs["step"] not in PROFILE_STEPS:
            raise Http404("No such step")
        return PROFILE_STEPS[self.kwargs["step"]]

    def get_form_class(self):
        return PROFILE_STEP_FORMS[self.step.name]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "user": self.request.user} if self.step.name == "disseminate" else kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "step": self.step}

    def save(self, form):
        self.success_message = f"{self.step.label}: done"
        return self.step.take(record=self.record, user=self.request.user, request=self.request, **form.cleaned_data)


class ProfilePdfView(RecordPageMixin, View):
    """The approved profile as a PDF, for those who see it in full (logged as an export)."""

    record_model = ProblemProfile
    required_level = AccessLevel.FULL

    def get(self, request, *args, **kwargs):
        if self.record.status not in FROZEN or self.record.retention_status == RetentionStatus.DISPOSED:
            raise Http404("A profile has a PDF once it is approved (and until it is disposed of)")
        pdf = services.profile_pdf(self.record, user=request.user, request=request)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{self.record.reference}.pdf"'
        return response
