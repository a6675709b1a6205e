"""Fields by level, for questions asked of a list: a filter, a sort or a
cursor on a field above summary acts only on rows the reader sees at full or
above (docs/isp.md, "Fields by level").

A summary reader must learn nothing of a record's non-summary fields, and a
list answers questions too: if "source agency = Kent Police" lists a summary
row and "source agency = Health" does not, the reader has learnt its source
agency; the order of rows sorted by creation date, or a cursor holding the
last row's creation date, tells them when it was recorded. So whenever a
filter, sort or cursor reads a non-summary field, the list is narrowed to the
rows the reader holds at full or above: summary rows never match such a
filter, never take part in such a sort and never give a cursor its position.

- `LevelAwareFilterSet`: a django-filter FilterSet that applies the rule to
  every filter that acted; a method filter says which fields it reads in
  `reads` (one that does not is assumed to read a non-summary field).
- `LevelAwareCursorPagination`: DRF keyset pagination that applies the rule to
  its ordering, and answers a cursor that is not one of ours with a 404
  rather than letting a forged position reach the database.
- `reads_above_summary(model, path)`: the rule for one field path, for code
  that filters by hand.
"""

import django_filters
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as RequestInvalid
from rest_framework.pagination import CursorPagination

from sharing import registry
from sharing.levels import AccessLevel

ALWAYS_SHOWN = frozenset({"id", "pk"})


def summary_names(model) -> frozenset[str]:
    return ALWAYS_SHOWN | frozenset(registry.summary_fields(model))


def reads_above_summary(model, path: str) -> bool:
    """Whether a field path (`source_agency`, `child__school`, `-created_at`,
    `reference__istartswith`) reads a field that a summary of the record, or
    of a record it reaches through a summary field, does not show. A path
    that does not name a field is assumed to (the safe answer)."""
    current = model
    for part in path.lstrip("-").split("__"):
        if part == "pk":
            part = current._meta.pk.name
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            # A lookup (istartswith, in) after a plain field ends the path;
            # anything else is not a field we know.
            return current is model or not _is_lookup(part)
        if (
            registry.has_levels(current)
            and field.name not in summary_names(current)
            and field.attname not in ALWAYS_SHOWN
        ):
            return True
        if not field.is_relation:
            return False
        current = field.related_model
    return False


def _is_lookup(name: str) -> bool:
    return name in models.Field.get_lookups() or name in models.CharField.get_lookups()


def at_full_or_above(queryset, user):
    """The rows of `queryset` the user sees at full or above."""
    return queryset.visible_to(user, AccessLevel.FULL)


class LevelAwareFilterSet(django_filters.FilterSet):
    """A FilterSet whose filters on non-summary fields never match a summary
    row. `reads` names the fields each method filter reads."""

    reads: dict[str, tuple[str, ...]] = {}

    def reads_of(self, name: str) -> tuple[str, ...]:
        flt = self.filters[name]
        if flt.method is not None:
            return self.reads.get(name, ("<undeclared method filter>",))
        return (flt.field_name,)

    def filter_queryset(self, queryset):
        model = self._meta.model
        narrow = False
        for name, value in self.form.cleaned_data.items():
            filtered = self.filters[name].filter(queryset, value)
            # A filter that did not act (an empty value) returns its input.
            if filtered is not queryset and any(reads_above_summary(model, path) for path in self.reads_of(name)):
                narrow = True
            queryset = filtered
        if narrow and registry.has_levels(model):
            queryset = at_full_or_above(queryset, self.request.user)
        return queryset


class StrictPageSize:
    """`?page_size=` is a whole number from 1, or a 400: DRF's pagination
    silently ignores `page_size=null` or `page_size=-3`, which the OpenAPI
    document (an integer, minimum 1) says is refused. Above `max_page_size`
    it is capped, as DRF does."""

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param) if self.page_size_query_param else None
        if value is None:
            return self.page_size
        if not value.isdigit() or int(value) < 1:
            raise RequestInvalid({self.page_size_query_param: ["Give a whole number from 1."]})
        return min(int(value), self.max_page_size) if self.max_page_size else int(value)


class LevelAwareCursorPagination(StrictPageSize, CursorPagination):
    """Keyset pagination (the same cost on page 1,000 as on page 1) whose
    ordering obeys the rule: ordered by a non-summary field, only the rows
    seen at full or above are listed, so no cursor carries such a field of a
    summary row. Order by summary fields (or id) to list every row."""

    ordering = ("-id",)
    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    # Annotations the ordering may name that read only summary fields, and the
    # field their cursor position is a value of (a subclass declares each;
    # any other name is taken to read above summary).
    summary_annotations: dict = {}

    def paginate_queryset(self, queryset, request, view=None):
        model = queryset.model
        ordering = self.get_ordering(request, queryset, view)
        above = [field for field in ordering if field.lstrip("-") not in self.summary_annotations]
        if registry.has_levels(model) and any(reads_above_summary(model, field) for field in above):
            queryset = at_full_or_above(queryset, request.user)
        self._position_field = self.summary_annotations.get(ordering[0].lstrip("-")) or self._field_of(
            model, ordering[0]
        )
        return super().paginate_queryset(queryset, request, view)

    @staticmethod
    def _field_of(model, path: str):
        current, field = model, None
        for part in path.lstrip("-").split("__"):
            field = current._meta.pk if part == "pk" else current._meta.get_field(part)
            current = field.related_model if field.is_relation else current
        return field

    def decode_cursor(self, request):
        """A cursor whose position is not a value of the ordering field (a
        forged one) is a 404, as an undecodable one is, not a database error."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            field = getattr(self, "_position_field", None)
            try:
                value = field.to_python(cursor.position) if field is not None else cursor.position
                if isinstance(field, models.IntegerField) and not -(2**63) <= value < 2**63:
                    raise ValidationError("out of range")
            except (ValidationError, TypeError, ValueError):
                raise NotFound(self.invalid_cursor_message) from None
        return cursor
