"""Referral pages: the list, recording a new referral (find the child first),
the referral page with its timeline, editing, and the workflow steps."""

from urllib.parse import urlencode

from django import forms
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, ListView
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from audit.mixins import AccessLoggedListMixin
from audit.models import AccessEvent
from cse_team.home import QUEUE_COUNT_CAP
from dashboard.indicators import hidden_from_drilldown
from referrals import services
from referrals.filters import ReferralFilterSet
from referrals.forms.referrals import (
    STEP_FORMS,
    ChildEditForm,
    ChildSearchForm,
    ReferralEditForm,
)
from referrals.models import Child, Referral, RiskAssessment
from referrals.next_steps import done_message, next_step
from referrals.people import lead_candidates
from referrals.search import by_closeness
from referrals.timeline import actions_of, assessments_of, timeline_for
from referrals.views.base import ReferralFormView
from sharing.field_levels import LevelAwareCursorPagination
from sharing.levels import AccessLevel
from sharing.mixins import SharableDetailView
from sharing.models import Share
from sharing.presentation import computed_from, shown

# By summary fields only: newest and oldest are the order of recording (the
# id), not the creation time, which a summary does not show (a sort on it
# would list only the rows seen in full: sharing.field_levels).
SORTS = {
    "newest": ("-id",),
    "oldest": ("id",),
    "reference": ("reference",),
    "-reference": ("-reference",),
}

# A summary may show a child's full name: it reads only summary fields.
computed_from(Child, full_name=("first_name", "last_name"))


# The list says "More than 100 referrals" past the cap, as the home page's queue
# linking to it says "100+". Counting is a walk through the visibility rule to
# the cap: 10,000 cost 200 to 800 ms a page for KCC and Medway at 1M referrals,
# 100 costs 2 to 20 ms (benchmarks/RESULTS.md, "Referral list count").
COUNT_CAP = QUEUE_COUNT_CAP


class ReferralCursorPagination(LevelAwareCursorPagination):
    """Keyset pagination: the same cost on page 1,000 as on page 1."""

    # A name search's ranking (Referral.search): from the child's names and
    # aliases, which a search already matches for a summary reader, and the id.
    summary_annotations = {"name_order": models.BigIntegerField()}


class ReferralListView(AccessLoggedListMixin, ListView):
    template_name = "referrals/referral_list.html"
    model = Referral

    def get_sort(self) -> str:
        sort = self.request.GET.get("sort", "newest")
        return sort if sort in SORTS else "newest"

    def get_queryset(self):
        user = self.request.user
        referrals = (
            Referral.objects.visible_to(user)
            .with_access_level(user)
            .select_related("child__district", "district", "lead_professional")
            .defer("child__search_vector")
        )
        self.filterset = ReferralFilterSet(self.request.GET or None, queryset=referrals, request=self.request)
        referrals = self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else referrals
        referrals = referrals.search(self.get_search_query())
        # Capped: an exact count over hundreds of thousands of visible rows costs
        # hundreds of milliseconds (DESIGN.md); one query whatever the page size.
        self.match_count = referrals.order_by().values("pk")[: COUNT_CAP + 1].count()
        self.listed = referrals
        self.paginator = ReferralCursorPagination()
        self.paginator.ordering = SORTS[self.get_sort()]
        if "sort" not in self.request.GET and "name_order" in referrals.query.annotations:
            # Closest names first across pages, then newest (recorded) first.
            self.paginator.ordering = ("-name_order",)
        try:
            page = self.paginator.paginate_queryset(referrals, Request(self.request))
        except NotFound:  # a cursor that is not one of ours
            raise Http404("No such page of referrals") from None
        if "sort" not in self.request.GET:
            # A name search lists the closest names first, then the newest:
            # "Zara" before four newer "Cara"s (referrals.search.closeness).
            page = by_closeness(page, self.get_search_query())
        return [shown(referral, referral.access_level) for referral in page]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["chosen_filters"] = self.filterset.chosen()
        context["query"] = self.get_search_query()
        context["sort"] = self.get_sort()
        context["next_url"] = self.paginator.get_next_link()
        context["previous_url"] = self.paginator.get_previous_link()
        context["sort_links"] = self._sort_links()
        context["match_count"] = self.match_count_label()
        context["filter_removals"] = self._filter_removals()
        context["hidden"] = hidden_from_drilldown(self.request, self.filterset, self.listed)
        return context

    def match_count_label(self) -> str:
        if self.match_count > COUNT_CAP:
            return f"More than {COUNT_CAP:,} referrals"
        return f"{self.match_count:,} referral{'' if self.match_count == 1 else 's'}"

    def _filter_removals(self) -> list[tuple[str, str, str]]:
        """(filter label, chosen value, the list's address without it) for each
        filter and the search: the "Selected filters" tags and the ways on when
        nothing matches."""
        removals = []
        form = self.filterset.form
        if self.filterset.is_bound and form.is_valid():
            for name, value in form.cleaned_data.items():
                if value in (None, "", [], False):
                    continue
                field = form.fields[name]
                labels = {str(key): label for key, label in getattr(field, "choices", [])}
                for item in value if isinstance(value, list) else [value]:
                    params = self.request.GET.copy()
                    params.pop("cursor", None)
                    if isinstance(value, list):
                        params.setlist(name, [v for v in params.getlist(name) if v != str(item)])
                    else:
                        params.pop(name, None)
                    shown_value = "Yes" if item is True else str(labels.get(str(item), item))
                    removals.append((str(field.label), shown_value, f"?{params.urlencode()}"))
        if query := self.get_search_query():
            params = self.request.GET.copy()
            params.pop("cursor", None)
            params.pop(self.search_parameter, None)
            removals.append(("Search", query, f"?{params.urlencode()}"))
        return removals

    def _sort_links(self) -> dict:
        """Column -> (url, aria-sort) for the sortable headers."""
        params = self.request.GET.copy()
        params.pop("cursor", None)
        links = {}
        for column, ascending, descending in (
            ("reference", "reference", "-reference"),
            ("received", "oldest", "newest"),
        ):
            current = self.get_sort()
            params["sort"] = ascending if current == descending else descending
            state = "ascending" if current == ascending else "descending" if current == descending else "none"
            links[column] = (f"?{params.urlencode()}", state)
        return links

    def render_to_response(self, context, **response_kwargs):
        if self.request.htmx and self.request.htmx.target == "referral-results":
            self.template_name = "referrals/partials/referral_results.html"
        return super().render_to_response(context, **response_kwargs)


# --- a new referral -------------------------------------------------------------------


def open_referrals_of(user, child_ids) -> dict[int, list]:
    """{child id: [open referrals the user sees]}, one query: so that nobody
    starts a duplicate referral for a child whose case is already open."""
    found = {}
    referrals = (
        Referral.objects.visible_to(user).active().filter(child_id__in=child_ids).only("pk", "reference", "child")
    )
    for referral in referrals.order_by("-id"):
        found.setdefault(referral.child_id, []).append(referral)
    return found


class ChildSearchView(FormView):
    """Step 1: search for the child. Matches the user sees in full are offered
    for linking; a likely match they may not see (or see only in summary) is
    not offered, and the referral is flagged to the CSE team for linking when
    it is recorded."""

    template_name = "referrals/referral_new.html"
    form_class = ChildSearchForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.GET.get("first_name") or self.request.GET.get("last_name"):
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound and form.is_valid():
            return self.form_valid(form)
        return self.render_to_response(self.get_context_data(form=form))

    def form_valid(self, form):
        matches = (
            Child.objects.visible_to(self.request.user, AccessLevel.FULL)
            .matching(
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                date_of_birth=form.cleaned_data["date_of_birth"],
                loose=True,
            )
            .select_related("district")[:10]
        )
        matches = list(matches)
        open_by_child = open_referrals_of(self.request.user, [child.pk for child in matches])
        for child in matches:
            child.open_referrals = open_by_child.get(child.pk, [])
        new_child_query = urlencode({name: value or "" for name, value in form.cleaned_data.items()})
        return self.render_to_response(
            self.get_context_data(form=form, searched=True, matches=matches, new_child_query=new_child_query)
        )


# --- the referral page ------------------------------------------------------------------


class ReferralDetailView(SharableDetailView):
    model = Referral
    template_name = "referrals/referral_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "child__district", "district", "owning_agency", "source_agency", "lead_professional__agency"
            )
            # The child's stored search vector is for searching, not showing.
            .defer("child__search_vector")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        referral, level, user = self.object, self.access_level, self.request.user
        context["referral"] = context["object"]  # as the reader sees it (sharing.presentation)
        context["child"] = context["object"].child
        if not context["can_see_full"]:
            return context
        context["assessments"] = list(assessments_of(referral))
        context["risk_history"] = [a for a in context["assessments"] if a.status == RiskAssessment.Status.APPROVED]
        context["actions"] = list(actions_of(referral))
        context["timeline"] = timeline_for(referral, assessments=context["assessments"], actions=context["actions"])
        context["steps"] = services.allowed_steps(user, referral, level)
        context["can_change"] = level == AccessLevel.CHANGE
        context["awaiting_approval"] = [
            a for a in context["assessments"] if a.status == RiskAssessment.Status.SUBMITTED
        ]
        # Not while another awaits a decision: two competing assessments confuse the approver.
        context["can_assess"] = (
            context["can_change"]
            and referral.status in services.ASSESSABLE_STATUSES
            and not context["awaiting_approval"]
        )
        context["next_step"] = next_step(referral, context["assessments"])
        context["shares"] = (
            list(Share.objects.active().for_record(referral).select_related("recipient_agency", "recipient_user"))
            if level == AccessLevel.CHANGE
            else []
        )
        context["other_referrals"] = list(
            Referral.objects.visible_to(user).filter(child=referral.child).exclude(pk=referral.pk).only("reference")
        )
        return context


class ReferralPrintView(ReferralDetailView):
    """The case summary to print, at the reader's level (the same fields as the
    page), recorded in the access log as a print rather than a view."""

    access_action = AccessEvent.Action.PRINT

    def get_context_data(self, **kwargs):
        return super().get_context_data(printing=True, printed_at=timezone.now(), **kwargs)


class ReferralUpdateView(ReferralFormView):
    """Edit the details. The form carries the version the user loaded: a save
    over someone else's change shows what changed instead of overwriting it."""

    required_level = AccessLevel.CHANGE
    template_name = "referrals/referral_edit.html"
    form_class = ReferralEditForm
    success_message = "Referral details saved"

    def get_initial(self):
        return ReferralEditForm.initial_for(self.referral)

    def save(self, form):
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        return services.referral_update(
            referral=self.referral, changed_by=self.request.user, expected_version=version, request=self.request,
            **changes,
        )  # fmt: skip


class ChildUpdateView(ReferralFormView):
    """Correct or update the child's details (a move of district changes which
    children's services see their referrals), from a referral the user may change."""

    required_level = AccessLevel.CHANGE
    template_name = "referrals/child_edit.html"
    form_class = ChildEditForm
    success_message = "The child's details are saved"

    def get_initial(self):
        return ChildEditForm.initial_for(self.referral.child)

    def save(self, form):
        changes = form.child_fields()
        version = changes.pop("version")
        return services.child_update(
            child=self.referral.child, referral=self.referral, changed_by=self.request.user,
            expected_version=version, request=self.request, **changes,
        )  # fmt: skip


class ReferralLinkView(ReferralFormView):
    """For the CSE team: move a referral flagged `needs_linking` onto the known
    child it is likely about."""

    required_level = AccessLevel.CHANGE
    template_name = "referrals/referral_link.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.is_cse_team_member:
            raise Http404("No such page")  # the flag itself is not for others to know
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def candidates(self):
        return list(services.linking_candidates(self.referral)[:20])

    def get_form_class(self):
        def described(child):
            born = f"born {child.date_of_birth:%-d %B %Y}" if child.date_of_birth else f"about {child.estimated_age}"
            return f"{child.full_name}, {born}, lives in {child.district.name}"

        choices = [(child.pk, described(child)) for child in self.candidates]

        class LinkForm(forms.Form):
            child = forms.TypedChoiceField(
                label="Which known child is this referral about?",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose the known child", "invalid_choice": "Choose one of the children"},
            )

        return LinkForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "candidates": self.candidates}

    def save(self, form):
        child = next(child for child in self.candidates if child.pk == form.cleaned_data["child"])
        services.referral_link_child(
            referral=self.referral, child=child, linked_by=self.request.user, request=self.request
        )
        self.success_message = f"{self.referral.reference} is now on {child.full_name}'s record"


class ReferralStepView(ReferralFormView):
    """One workflow step (triage, decide, accept, assign, open, close), taken
    through the workflow table's service. Which steps a user may take is
    decided by the services, on the server."""

    required_level = AccessLevel.FULL
    template_name = "referrals/referral_step.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["step"] not in services.STEPS:
            raise Http404("No such step")
        self.step = services.STEPS[kwargs["step"]]
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return STEP_FORMS[self.step.name]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.step.name == "assign":
            kwargs["candidates"] = lead_candidates(self.referral, agency_ids=[self.referral.owning_agency_id])
        return kwargs

    def get_initial(self):
        return {"version": self.referral.version}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["step"] = self.step
        return context

    def stale_message(self, stale) -> str:
        return f"{stale}. Reload the referral to see its current state."

    def save(self, form):
        arguments = dict(form.cleaned_data)
        arguments["expected_version"] = arguments.pop("version")
        referral = self.step.take(record=self.referral, user=self.request.user, request=self.request, **arguments)
        self.success_message = done_message(self.step.name, referral)
        return referral
