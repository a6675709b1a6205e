"""The referral list's filters (MOJ filter layout), over a queryset that has
already gone through sharing."""

import django_filters
from django import forms

from accounts.models import Agency, District
from referrals.models import Referral, RiskLevel, Status


class ReferralFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, widget=forms.CheckboxSelectMultiple)
    risk_level = django_filters.MultipleChoiceFilter(
        label="Risk level", choices=RiskLevel.choices, widget=forms.CheckboxSelectMultiple
    )
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.order_by("name"), to_field_name="code", empty_label="Any district"
    )
    source_agency = django_filters.ModelChoiceFilter(
        label="Source agency", queryset=Agency.objects.order_by("name"), to_field_name="code", empty_label="Any agency"
    )
    lead = django_filters.ChoiceFilter(
        label="Lead professional", choices=[("me", "Me")], method="filter_lead", empty_label="Anyone"
    )
    overdue = django_filters.BooleanFilter(label="Review overdue", method="filter_overdue", widget=forms.CheckboxInput)

    class Meta:
        model = Referral
        fields = ["status", "risk_level", "district", "source_agency"]

    def filter_lead(self, queryset, name, value):
        return queryset.led_by(self.request.user) if value == "me" else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.review_overdue() if value else queryset

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
                chosen.append((field.label, str(dict(getattr(field, "choices", [])).get(value, value))))
        return chosen
