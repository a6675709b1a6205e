"""Pages for what is recorded on a case: chronology entries, actions (and
marking one done) and missing episodes. Each saves through its service and
returns to the referral page with a success banner; a refusal is shown next
to the field it is about, and nothing is saved."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import dateformat
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from audit.models import AccessEvent
from audit.services import record_access
from referrals import services
from referrals.forms.case_records import ActionCompleteForm, ActionForm, ChronologyEntryForm, MissingEpisodeForm
from referrals.models import Action, MissingEpisode
from referrals.views.base import ReferralFormView, ReferralPageMixin
from sharing.refusals import StepNotAllowed, refusal_for


class ChronologyEntryCreateView(ReferralFormView):
    form_class = ChronologyEntryForm
    template_name = "referrals/chronology_form.html"
    success_message = "Chronology entry added"

    def save(self, form):
        data = form.cleaned_data
        return services.chronology_add(
            referral=self.referral,
            recorded_by=self.request.user,
            occurred_at=data["occurred_at"],
            kind=data["kind"],
            summary=data["summary"],
            request=self.request,
        )


class ActionCreateView(ReferralFormView):
    form_class = ActionForm
    template_name = "referrals/action_form.html"
    success_message = "Action added"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "referral": self.referral, "user": self.request.user}

    def save(self, form):
        data = form.cleaned_data
        action = services.action_create(
            referral=self.referral,
            created_by=self.request.user,
            description=data["description"],
            owner=data["owner"],
            due_date=data["due_date"],
            request=self.request,
        )
        self.success_message = (
            f"Action added for {action.owner.display_name}, due {dateformat.format(action.due_date, 'j F Y')}"
        )
        return action


class ActionCompleteView(ReferralPageMixin, TemplateView):
    """GET: confirm; POST: mark the action done (its owner, or anyone with
    change access: the service decides)."""

    template_name = "referrals/action_complete.html"

    @cached_property
    def action(self) -> Action:
        return get_object_or_404(
            self.referral.actions.select_related("owner__agency", "created_by"), pk=self.kwargs["action_id"]
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ActionCompleteForm())
        return {**super().get_context_data(**kwargs), "action": self.action}

    def post(self, request, *args, **kwargs):
        form = ActionCompleteForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.action_complete(
                action=self.action, completed_by=request.user, outcome=form.cleaned_data["outcome"], request=request
            )
        except StepNotAllowed as error:
            refusal = refusal_for(error)
            return self.render_to_response(
                self.get_context_data(form=form, refusal=refusal.message), status=refusal.page_status
            )
        messages.success(request, "Action marked as done. Its outcome is on the chronology.")
        return redirect(reverse("referrals:referral_detail", args=[self.referral.pk]))


class MissingEpisodeCreateView(ReferralFormView):
    form_class = MissingEpisodeForm
    template_name = "referrals/missing_episode_form.html"
    success_message = "Missing episode recorded"

    def save(self, form):
        return services.missing_episode_record(
            referral=self.referral, recorded_by=self.request.user, request=self.request, **form.cleaned_data
        )


class MissingEpisodeUpdateView(ReferralFormView):
    form_class = MissingEpisodeForm
    template_name = "referrals/missing_episode_form.html"
    success_message = "Missing episode updated"

    @cached_property
    def episode(self) -> MissingEpisode:
        return get_object_or_404(self.referral.missing_episodes.all(), pk=self.kwargs["episode_id"])

    def get_initial(self):
        return MissingEpisodeForm.initial_for(self.episode)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The form shows the episode as recorded: that is a view of it.
        record_access(
            user=request.user,
            action=AccessEvent.Action.VIEW,
            record_kind=self.episode._meta.label_lower,
            record_ids=[self.episode.pk],
            request=request,
            details={"referral": self.referral.pk},
        )
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "episode": self.episode}

    def save(self, form):
        return services.missing_episode_update(
            episode=self.episode, changed_by=self.request.user, request=self.request, **form.cleaned_data
        )
