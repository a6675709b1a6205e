"""The referral list's filters (MOJ filter layout), over a queryset that has
already gone through sharing. A filter on a field a summary does not show
(source agency, review date) never matches a row the user sees in summary
(sharing.field_levels): otherwise the answer would tell them the field."""

import datetime

import django_filters
from django import forms
from django.core.cache import cache
from django.utils import timezone

from accounts.models import Agency, District
from referrals import queues
from referrals.models import Referral, RiskLevel, Status
from sharing.field_levels import LevelAwareFilterSet

REFERENCE_CHOICES_SECONDS = 300


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def reference_choices(model) -> list[tuple[int, str]]:
    """(id, name) of a reference table (districts, agencies), cached for a few
    minutes: the list page has a query budget, and these change rarely."""
    key = f"referrals:choices:{model._meta.label_lower}"
    return cache.get_or_set(
        key, lambda: list(model.objects.order_by("name").values_list("pk", "name")), REFERENCE_CHOICES_SECONDS
    )


class ReferralFilterSet(LevelAwareFilterSet):
    # What each method filter reads, for the level rule.
    reads = {
        "lead": ("lead_professional",),
        "needs_linking": ("needs_linking",),
        "overdue": ("review_due", "status"),
        "review_soon": ("review_due", "status"),
        "recorded_by": ("created_by",),
        "my_actions": ("<its actions: seen at full only>",),
        "assessment": ("<its risk assessments: seen at full only>",),
        "immediate_risk": ("immediate_risk",),
        "agency": ("owning_agency",),
        # Which shares reach the reader is their own business, not a field of the record.
        "shared": (),
        "received_from": ("received_at",),
        "received_to": ("received_at",),
    }
    # distinct=False: a referral has one status and one level, and DISTINCT
    # would make PostgreSQL sort the whole visible set.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    risk_level = django_filters.MultipleChoiceFilter(
        label="Risk level", choices=RiskLevel.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    district = django_filters.ChoiceFilter(choices=[], empty_label="Any district")
    source_agency = django_filters.ChoiceFilter(label="Source agency", choices=[], empty_label="Any agency")
    # The dashboard's drill-down links (dashboard/indicators.py, Row.query) use these three.
    owning_agency = django_filters.ChoiceFilter(label="Owning agency", choices=[], empty_label="Any agency")
    received_from = django_filters.DateFilter(
        label="Received on or after", method="filter_received_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = django_filters.DateFilter(
        label="Received on or before", method="filter_received_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    lead = django_filters.ChoiceFilter(
        label="Lead professional", choices=[("me", "Me")], method="filter_lead", empty_label="Anyone"
    )
    needs_linking = django_filters.BooleanFilter(
        label="Needs linking to a known child",
        method="filter_needs_linking",
        widget=forms.CheckboxInput,
        help_text="A likely match exists that the referrer could not see",
    )
    overdue = django_filters.BooleanFilter(label="Review overdue", method="filter_overdue", widget=forms.CheckboxInput)
    # The home page's queues link to the list filtered by these (referrals/queues.py).
    review_soon = django_filters.BooleanFilter(
        label="Review due within 2 weeks or overdue", method="filter_review_soon", widget=forms.CheckboxInput
    )
    recorded_by = django_filters.ChoiceFilter(
        label="Recorded by", choices=[("me", "Me")], method="filter_recorded_by", empty_label="Anyone"
    )
    my_actions = django_filters.BooleanFilter(
        label="My actions due within a week or overdue", method="filter_my_actions", widget=forms.CheckboxInput
    )
    assessment = django_filters.ChoiceFilter(
        label="Risk assessment",
        choices=queues.ASSESSMENT_STATES,
        method="filter_assessment",
        empty_label="Any",
    )
    immediate_risk = django_filters.BooleanFilter(
        label="Immediate risk, not yet accepted", method="filter_immediate_risk", widget=forms.CheckboxInput
    )
    shared = django_filters.ChoiceFilter(
        label="Shared", choices=queues.SHARED_STATES, method="filter_shared", empty_label="Any"
    )
    agency = django_filters.ChoiceFilter(
        label="Owned by", choices=queues.AGENCY_STATES, method="filter_agency", empty_label="Any agency"
    )

    class Meta:
        model = Referral
        fields = ["status", "risk_level", "district", "source_agency", "owning_agency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["district"].extra["choices"] = reference_choices(District)
        self.filters["source_agency"].extra["choices"] = reference_choices(Agency)
        self.filters["owning_agency"].extra["choices"] = reference_choices(Agency)
        # Only the CSE team links referrals; to anyone else the flag would say
        # that a record they cannot see exists.
        if not (self.request and self.request.user.is_cse_team_member):
            del self.filters["needs_linking"]

    def filter_received_from(self, queryset, name, value):
        return queryset.filter(received_at__gte=start_of(value))

    def filter_received_to(self, queryset, name, value):
        return queryset.filter(received_at__lt=start_of(value + datetime.timedelta(days=1)))

    def filter_lead(self, queryset, name, value):
        return queryset.led_by(self.request.user) if value == "me" else queryset

    def filter_needs_linking(self, queryset, name, value):
        return queryset.filter(needs_linking=True) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.review_overdue() if value else queryset

    def filter_review_soon(self, queryset, name, value):
        return queues.review_due_soon(queryset) if value else queryset

    def filter_recorded_by(self, queryset, name, value):
        return queryset.filter(created_by=self.request.user) if value == "me" else queryset

    def filter_my_actions(self, queryset, name, value):
        return queues.with_my_actions_due(queryset, self.request.user) if value else queryset

    def filter_assessment(self, queryset, name, value):
        return queues.with_assessment(queryset, self.request.user, value) if value else queryset

    def filter_immediate_risk(self, queryset, name, value):
        return queues.immediate_risk_unaccepted(queryset) if value else queryset

    def filter_agency(self, queryset, name, value):
        return queues.owned_by_my_agency(queryset, self.request.user) if value == "mine" else queryset

    def filter_shared(self, queryset, name, value):
        return queues.shared_with(queryset, self.request.user, unopened=value == "unopened") if value else queryset

    def chosen(self) -> list[tuple[str, str]]:
        """(filter label, chosen value label) pairs for the MOJ 'selected filters' panel."""
        if not self.is_bound or not self.form.is_valid():
            return []
        chosen = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", [], False):
                continue
            field = self.form.fields[name]
            if isinstance(value, list):
                labels = dict(field.choices)
                chosen.extend((field.label, str(labels.get(item, item))) for item in value)
            elif value is True:
                chosen.append((field.label, "Yes"))
            else:
                labels = {str(key): label for key, label in getattr(field, "choices", [])}
                chosen.append((field.label, str(labels.get(str(value), value))))
        return chosen
