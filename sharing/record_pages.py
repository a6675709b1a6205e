"""Pages about one sharable record and what is recorded on it (a referral's
assessments, chronology, actions): the record loaded through sharing, at the
level the page needs, with the reader's level in the same query; and a form
saved by one service call, whose refusals are shown as sharing.refusals says."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.generic import FormView

from sharing.levels import RANK, AccessLevel
from sharing.presentation import shown
from sharing.refusals import REFUSALS, refusal_for


class RecordPageMixin:
    """For pages under /<records>/<pk>/: `self.record`, seen at `required_level`
    or a 404 (existence is not disclosed), with `self.record_access_level`.

    Set `record_model` (a sharable model) and, for the templates, `record_name`
    (the context name; the model's name by default)."""

    record_model = None
    record_name: str | None = None
    record_url_kwarg = "pk"
    record_related: tuple[str, ...] = ()
    required_level = AccessLevel.FULL

    def dispatch(self, request, *args, **kwargs):
        # The record first (a 404 unless seen at the level the page needs), so
        # no form or related record is read for a user who may not see it.
        if request.user.is_authenticated:
            self.record  # noqa: B018 - evaluated for its 404
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def record(self):
        user = self.request.user
        visible = (
            self.record_model._default_manager.visible_to(user, self.required_level)
            .with_access_level(user)
            .select_related(*self.record_related)
        )
        return get_object_or_404(visible, pk=self.kwargs[self.record_url_kwarg])

    @property
    def record_access_level(self) -> str:
        return self.record.access_level

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Below full, the template gets the record as the reader sees it (a
        # field outside the summary reads as nothing); at full and above, the
        # record itself (related managers, methods).
        level = self.record_access_level
        record = self.record if RANK[level] >= RANK[AccessLevel.FULL] else shown(self.record, level)
        context[self.record_name or self.record_model._meta.model_name] = record
        context["record_access_level"] = self.record_access_level
        return context


class ServiceFormView(RecordPageMixin, FormView):
    """A form on a record saved by one service call, `save(form)`. Bad input
    shows next to its field (200); a refused step at the top with 403 or 409; a
    stale edit with what changed since (409, `stale` in the context); success
    goes to `get_success_url()` (the record's page) with `success_message`."""

    success_message = ""

    def save(self, form):
        raise NotImplementedError

    def stale_message(self, stale) -> str:
        return str(stale)

    def get_success_url(self):
        return self.record.get_absolute_url()

    def refused(self, form, error):
        """The form again, with the refusal on it and its status."""
        refusal = refusal_for(error)
        if refusal.stale is not None:
            form.add_error(None, self.stale_message(refusal.stale))
            context = self.get_context_data(form=form, stale=refusal.stale)
        else:
            refusal.add_to_form(form)
            context = self.get_context_data(form=form)
        return self.render_to_response(context, status=refusal.page_status)

    def form_valid(self, form):
        try:
            self.save(form)
        except REFUSALS as error:
            return self.refused(form, error)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())
