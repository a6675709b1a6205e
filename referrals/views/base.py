"""What every page about one referral starts from: the referral, loaded
through sharing at the level the page needs (404 otherwise), and a way to
turn the services' refusals into messages next to the fields."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.generic import FormView

from referrals.models import Referral
from referrals.services import StaleEdit, StepNotAllowed
from sharing import access
from sharing.levels import AccessLevel


class ReferralPageMixin:
    """For pages under /referrals/<pk>/: `self.referral`, seen at
    `required_level` or a 404 (existence is not disclosed)."""

    required_level = AccessLevel.FULL

    def dispatch(self, request, *args, **kwargs):
        # The referral first (a 404 unless seen at the level the page needs), so
        # no form, instrument or answer is read for a user who may not see it.
        if request.user.is_authenticated:
            self.referral  # noqa: B018 - evaluated for its 404
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def referral(self) -> Referral:
        visible = Referral.objects.visible_to(self.request.user, self.required_level).select_related(
            "child__district", "district", "owning_agency", "lead_professional"
        )
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    @cached_property
    def referral_access_level(self) -> str | None:
        return access.access_level(self.request.user, self.referral)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["referral"] = self.referral
        return context


def refusal_status(error) -> int:
    """For a refused step, 403 (role) or 409 (status); bad input is shown
    next to its field with 200, as Django's form views do."""
    if isinstance(error, StepNotAllowed):
        return 403 if error.reason == "role" else 409
    return 200


def add_service_errors(form, error) -> None:
    """Put a service's refusal on the form: field errors next to their fields,
    a workflow refusal or a stale edit at the top."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                target = field if field in form.fields else None
                for message in messages:
                    form.add_error(target, message)
        else:
            for message in error.messages:
                form.add_error(None, message)
    elif isinstance(error, StepNotAllowed):
        form.add_error(None, error.message)
    elif isinstance(error, StaleEdit):
        form.add_error(None, str(error))
    else:
        raise error


class ReferralFormView(ReferralPageMixin, FormView):
    """A form on a referral saved by one service call, `save(form)`. Bad input
    shows next to its field; a refused step at the top with 403 or 409; a
    stale edit with what changed since (409); success goes back to the referral."""

    success_message = ""

    def save(self, form):
        raise NotImplementedError

    def form_invalid(self, form, status=200):
        response = super().form_invalid(form)
        response.status_code = status
        return response

    def form_valid(self, form):
        try:
            self.save(form)
        except StaleEdit as stale:
            form.add_error(None, str(stale))
            return self.render_to_response(self.get_context_data(form=form, stale=stale), status=409)
        except (ValidationError, StepNotAllowed) as error:
            add_service_errors(form, error)
            return self.form_invalid(form, status=refusal_status(error))
        messages.success(self.request, self.success_message)
        return redirect("referrals:referral_detail", pk=self.referral.pk)
