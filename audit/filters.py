import datetime
from functools import reduce
from operator import or_
from pathlib import Path

import django
import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from audit.models import AccessEvent

# Record kinds are labels of the service's own models; Django's and third-party
# apps' models (sessions, permission rows...) are never records a user consults.
_INSTALLED_PACKAGES = Path(django.__file__).resolve().parent.parent


def record_kind_choices() -> list[tuple[str, str]]:
    kinds = [
        (model._meta.label_lower, f"{config.verbose_name}: {model._meta.verbose_name}")
        for config in apps.get_app_configs()
        if not Path(config.path).resolve().is_relative_to(_INSTALLED_PACKAGES)
        for model in config.get_models()
    ]
    return sorted(kinds, key=lambda kind: kind[1].lower())


def records_with_reference(reference: str) -> list[tuple[str, int]]:
    """(record kind, id) of the records whose unique `reference` is the one typed
    (any case), across the service's models: the DPO knows a case by its
    reference, the log by its id. Oversight of access: the answer is an id."""
    found = []
    for config in apps.get_app_configs():
        if Path(config.path).resolve().is_relative_to(_INSTALLED_PACKAGES):
            continue
        for model in config.get_models():
            field = next((f for f in model._meta.concrete_fields if f.name == "reference" and f.unique), None)
            if field is not None:
                ids = model._default_manager.filter(reference__iexact=reference).values_list("pk", flat=True)[:5]
                found.extend((model._meta.label_lower, pk) for pk in ids)
    return found


def record_kind_names() -> dict[str, str]:
    """Record kind -> the name a reader knows it by ("Referrals: referral")."""
    return dict(record_kind_choices())


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the service's time zone (Europe/London)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DateInput(forms.DateInput):
    input_type = "date"


class AccessEventFilterForm(forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "Date to must be the same as or after date from")
        return cleaned_data


def _date_filter(label: str, method: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        method=method,
        widget=DateInput,
        error_messages={"invalid": f"{label} must be a real date"},
    )


class AccessEventFilterSet(django_filters.FilterSet):
    """The data protection officer's search of the access log."""

    user = django_filters.CharFilter(
        label="User",
        field_name="username",
        lookup_expr="icontains",
        max_length=150,
        help_text="All or part of a username",
    )
    record_kind = django_filters.ChoiceFilter(label="Record kind", choices=record_kind_choices, empty_label="Any")
    record_id = django_filters.CharFilter(
        label="Record reference or id",
        method="filter_record_id",
        max_length=64,
        help_text="A reference such as CSE-2026-000123, or an id: finds views of the record and the lists and "
        "searches that showed it",
    )
    action = django_filters.ChoiceFilter(label="Action", choices=AccessEvent.Action.choices, empty_label="Any")
    date_from = _date_filter("Date from", "filter_date_from")
    date_to = _date_filter("Date to", "filter_date_to")

    class Meta:
        model = AccessEvent
        fields = []
        form = AccessEventFilterForm

    def filter_record_id(self, queryset, name, value):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(record_ids__contains=[value])
        found = records_with_reference(value)
        if not found:
            return queryset.none()
        return queryset.filter(reduce(or_, (Q(record_kind=kind, record_ids__contains=[str(pk)]) for kind, pk in found)))

    def filter_date_from(self, queryset, name, value):
        return queryset.between(start=start_of_day(value))

    def filter_date_to(self, queryset, name, value):
        # Inclusive of the whole day: everything before the next midnight.
        if value == datetime.date.max:
            return queryset
        return queryset.between(end=start_of_day(value + datetime.timedelta(days=1)))

    @property
    def applied_filters(self) -> dict[str, str]:
        """The filters in use as typed, for the access log's own SEARCH and EXPORT events."""
        return {name: value for name, value in self.data.items() if name in self.filters and value.strip()}
