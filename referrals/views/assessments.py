"""Risk assessment pages: choose an instrument, answer its indicators (the
computed level shown as the answers change, with htmx, or on "Calculate
level" without JavaScript), submit for approval, and a supervisor's approval
or return. The scoring and every rule are the services'."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from audit.models import AccessEvent
from audit.services import record_access
from referrals import services
from referrals.forms.assessments import (
    InstrumentChoiceForm,
    ReturnAssessmentForm,
    RiskAssessmentForm,
    answer_field_name,
    evidence_field_name,
    provisional_answers,
    timeframe_field_name,
)
from referrals.models import Instrument, RiskAssessment, RiskLevel
from referrals.views.base import ReferralPageMixin, referral_url
from sharing.levels import AccessLevel
from sharing.refusals import REFUSALS, Refusal, refusal_for


class InstrumentChoiceView(ReferralPageMixin, FormView):
    required_level = AccessLevel.CHANGE
    form_class = InstrumentChoiceForm
    template_name = "referrals/assessment_instrument.html"

    def get_context_data(self, **kwargs):
        # For the message only: the service refuses an assessment at any other status.
        draft = services.drafts_of(self.referral, self.request.user).select_related("instrument").first()
        return {**super().get_context_data(**kwargs), "assessable": self.assessable, "draft": draft}

    @property
    def assessable(self) -> bool:
        return self.referral.status in services.ASSESSABLE_STATUSES

    def form_valid(self, form):
        if not self.assessable:
            return self.form_invalid(form)
        return redirect("referrals:assessment_form", self.referral.pk, form.cleaned_data["instrument"].pk)


class InstrumentPageMixin(ReferralPageMixin):
    """A page about one active instrument, for a new assessment of the referral."""

    required_level = AccessLevel.CHANGE

    @cached_property
    def instrument(self) -> Instrument:
        return get_object_or_404(Instrument, pk=self.kwargs["instrument_id"], active=True)

    @cached_property
    def sections(self):
        return list(self.instrument.sections.prefetch_related("indicators"))

    def level_context(self, data) -> dict:
        """What the computed level panel shows for the answers given so far."""
        answers = provisional_answers(data, self.sections)
        result = services.compute_for(self.instrument, self.referral.child, answers.responses)
        chosen = data.get("professional_level", "")
        return {
            "instrument": self.instrument,
            "result": result,
            "computed_level_label": RiskLevel(result.computed_level).label,
            "answers": answers,
            "judgement_differs": chosen in RiskLevel.values and chosen != result.computed_level,
        }


class RiskAssessmentCreateView(InstrumentPageMixin, FormView):
    form_class = RiskAssessmentForm
    template_name = "referrals/assessment_form.html"

    @cached_property
    def draft(self) -> RiskAssessment | None:
        """The user's saved draft of this referral with this instrument, to carry on with."""
        return (
            services.drafts_of(self.referral, self.request.user)
            .filter(instrument=self.instrument)
            .prefetch_related("answers")
            .first()
        )

    def get_initial(self):
        if self.draft is None:
            return {}
        initial = {"rationale": self.draft.rationale}
        if self.draft.professional_level != self.draft.computed_level:
            initial["professional_level"] = self.draft.professional_level
        for answer in self.draft.answers.all():
            initial[answer_field_name(answer.indicator_id)] = answer.answer
            initial[timeframe_field_name(answer.indicator_id)] = answer.timeframe
            initial[evidence_field_name(answer.indicator_id)] = answer.evidence
        return initial

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["sections"] = self.sections
        if self.calculating:
            # "Calculate level" without JavaScript: the page again with the answers
            # kept and the level shown, but no errors for questions not answered yet.
            kwargs.pop("data", None)
            kwargs.pop("files", None)
            kwargs["initial"] = self.request.POST.dict()
        return kwargs

    @cached_property
    def calculating(self) -> bool:
        return self.request.method == "POST" and "calculate" in self.request.POST

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.POST if self.request.method == "POST" else self.get_initial()
        context.update(self.level_context(data))
        context["level_url"] = reverse("referrals:assessment_level", args=[self.referral.pk, self.instrument.pk])
        context["calculated"] = self.calculating
        context["draft"] = self.draft
        return context

    def post(self, request, *args, **kwargs):
        if self.calculating:
            return self.render_to_response(self.get_context_data())
        if "save_draft" in request.POST:
            return self.save_draft()
        return super().post(request, *args, **kwargs)

    def save_draft(self):
        """Save and return later: whatever is answered so far, nothing required."""
        data = self.request.POST
        answers = provisional_answers(data, self.sections)
        indicator_ids = [indicator.pk for section in self.sections for indicator in section.indicators.all()]
        try:
            services.assessment_save_draft(
                referral=self.referral,
                assessed_by=self.request.user,
                instrument=self.instrument,
                responses=answers.responses,
                evidence={pk: data.get(evidence_field_name(pk), "")[:5000] for pk in indicator_ids},
                professional_level=data.get("professional_level", ""),
                rationale=data.get("rationale", "")[:5000],
                request=self.request,
            )
        except REFUSALS as error:
            refusal = refusal_for(error)
            form = self.get_form()
            form.is_valid()
            form.errors.clear()
            refusal.add_to_form(form)
            return self.render_to_response(self.get_context_data(form=form), status=refusal.page_status)
        message = (
            f"Draft {self.instrument.name} assessment saved: {answers.answered} of {answers.total} indicators "
            "answered. Finish it from “Assess risk” on this page."
        )
        if answers.without_timeframe:
            message += (
                f" {answers.without_timeframe} answer{'s' if answers.without_timeframe > 1 else ''} "
                "without a time (now, 6 to 12 months ago, or both) could not be kept."
            )
        messages.success(self.request, message)
        return redirect(referral_url(self.referral))

    def form_valid(self, form):
        try:
            assessment = services.assessment_submit(
                referral=self.referral,
                assessed_by=self.request.user,
                instrument=self.instrument,
                responses=form.responses(),
                evidence=form.evidence(),
                professional_level=form.cleaned_data["professional_level"],
                rationale=form.cleaned_data["rationale"],
                request=self.request,
            )
        except REFUSALS as error:
            refusal = refusal_for(error)
            refusal.add_to_form(form)
            return self.render_to_response(self.get_context_data(form=form), status=refusal.page_status)
        messages.success(
            self.request,
            f"{assessment.instrument.name} assessment sent for approval: "
            f"{assessment.get_professional_level_display().lower()} risk",
        )
        return redirect(referral_url(self.referral))


class ComputedLevelView(InstrumentPageMixin, View):
    """The computed level panel for the answers so far (htmx). Saves nothing."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return TemplateResponse(request, "referrals/partials/assessment_level.html", self.level_context(request.POST))


class AssessmentPageMixin(ReferralPageMixin):
    @cached_property
    def assessment(self) -> RiskAssessment:
        # A draft is its assessor's unfinished work: nobody opens it as an assessment.
        return get_object_or_404(
            self.referral.assessments.exclude(status=RiskAssessment.Status.DRAFT).select_related(
                "instrument", "assessed_by", "agency", "decided_by"
            ),
            pk=self.kwargs["assessment_id"],
        )

    def may_decide(self) -> bool:
        """Whether to offer approve / return (the service checks again)."""
        user = self.request.user
        return (
            self.assessment.status == RiskAssessment.Status.SUBMITTED
            and self.referral_access_level == AccessLevel.CHANGE
            and user.has_role("supervisor")
            and self.assessment.assessed_by_id != user.pk
        )

    def answers_by_section(self):
        answers = {answer.indicator_id: answer for answer in self.assessment.answers.all()}
        return [
            (section, [(indicator, answers.get(indicator.pk)) for indicator in section.indicators.all()])
            for section in self.assessment.instrument.sections.prefetch_related("indicators")
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            assessment=self.assessment,
            sections=self.answers_by_section(),
            may_decide=self.may_decide(),
            referral_access_level=self.referral_access_level,
            decision_url=reverse("referrals:assessment_decide", args=[self.referral.pk, self.assessment.pk]),
        )
        context.setdefault("return_form", ReturnAssessmentForm())
        return context


class RiskAssessmentDetailView(AssessmentPageMixin, TemplateView):
    template_name = "referrals/assessment_detail.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        record_access(
            user=request.user,
            action=AccessEvent.Action.VIEW,
            record_kind="referrals.riskassessment",
            record_ids=[self.assessment.pk],
            request=request,
        )
        return response


class RiskAssessmentDecisionView(AssessmentPageMixin, TemplateView):
    """Approve or return a submitted assessment (POST). A refusal shows the
    assessment again with the message."""

    template_name = "referrals/assessment_detail.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        decision = request.POST.get("decision")
        if decision == "return":
            return self.return_assessment(ReturnAssessmentForm(request.POST))
        if decision != "approve":
            return self.refused(Refusal(400, {None: ["Choose to approve or return the assessment"]}))
        try:
            assessment = services.assessment_approve(
                assessment=self.assessment, approved_by=request.user, request=request
            )
        except REFUSALS as error:
            return self.refused(refusal_for(error))
        messages.success(
            request,
            f"Risk assessment approved: the referral's risk level is now "
            f"{assessment.get_professional_level_display().lower()}",
        )
        return redirect(referral_url(self.referral))

    def return_assessment(self, return_form):
        if not return_form.is_valid():
            return self.render_to_response(self.get_context_data(return_form=return_form), status=200)
        try:
            services.assessment_return(
                assessment=self.assessment,
                returned_by=self.request.user,
                reason=return_form.cleaned_data["reason"],
                request=self.request,
            )
        except REFUSALS as error:
            refusal = refusal_for(error)
            refusal.add_to_form(return_form)
            return self.render_to_response(self.get_context_data(return_form=return_form), status=refusal.page_status)
        messages.success(self.request, "Risk assessment returned to the assessor for changes")
        return redirect(referral_url(self.referral))

    def refused(self, refusal: Refusal):
        # A bound form without fields carries the refusal to the error summary.
        decision_form = forms.Form(data={})
        decision_form.is_valid()
        refusal.add_to_form(decision_form)
        return self.render_to_response(self.get_context_data(decision_form=decision_form), status=refusal.page_status)
