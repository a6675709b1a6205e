"""Rendering a record at the level the user holds: a summary shows only the
fields its kind declares as summary fields.

Pages get a record through `shown(record, level)`, never the model instance:
a field above the reader's level reads as nothing whatever a template writes,
so a row left outside a level check (issue #8: the closure reason beside the
status) cannot show it. `shows` lists the fields the reader sees, for laying
out rows; `shown_fields` is the same set as (label, value) rows."""

from dataclasses import dataclass

from django.db import models

from sharing import registry
from sharing.levels import RANK, AccessLevel


@dataclass(frozen=True)
class ShownField:
    name: str
    label: str
    value: object


def field_names(model, level: str | None) -> list[str]:
    if level == AccessLevel.SUMMARY:
        return list(registry.summary_fields(model))
    if level is None:
        return []
    hidden = {"id"} if registry.is_derived(model) else {"id", registry.for_model(model).owning_agency_field}
    return [field.name for field in model._meta.concrete_fields if field.name not in hidden]


def shown_fields(record, level: str | None) -> list[ShownField]:
    shown = []
    for name in field_names(type(record), level):
        field = record._meta.get_field(name)
        display = getattr(record, f"get_{name}_display", None)
        value = display() if display else getattr(record, name)
        shown.append(ShownField(name=name, label=str(field.verbose_name).capitalize(), value=value))
    return shown


# What a model's properties read, where a summary may show them: a property
# not listed here reads as nothing below full.
_COMPUTED: dict[str, dict[str, tuple[str, ...]]] = {}


def computed_from(model, **properties: tuple[str, ...]) -> None:
    """Declare the fields each property of `model` reads:
    computed_from(Child, full_name=("first_name", "last_name")). A summary
    shows the property when it shows every field it reads."""
    _COMPUTED.setdefault(model._meta.label_lower, {}).update(properties)


class ShownRecord:
    """A record as a reader at `level` sees it. Below full, reading a field
    (or `get_<field>_display`, or a declared property) outside the summary
    gives None; related records with levels of their own are shown at the
    same level. At full and above every field reads as it is."""

    def __init__(self, record, level: str | None):
        self._record = record
        self._level = level or None
        self._full = bool(level) and RANK[level] >= RANK[AccessLevel.FULL]
        model = type(record)
        every = {field.name for field in model._meta.get_fields()}
        self.shows = frozenset(every if self._full else field_names(model, level))
        self._computed = _COMPUTED.get(model._meta.label_lower, {})

    @property
    def access_level(self):
        return self._level

    @property
    def pk(self):
        return self._record.pk

    @property
    def id(self):
        return self._record.pk

    def _allowed(self, name: str) -> bool:
        if self._full or name in self.shows:
            return True
        if name.startswith("get_") and name.endswith("_display"):
            return name[4:-8] in self.shows
        reads = self._computed.get(name)
        return reads is not None and set(reads) <= self.shows

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if not self._allowed(name):
            return None
        value = getattr(self._record, name)
        if isinstance(value, models.Model) and registry.has_levels(type(value)):
            return ShownRecord(value, self._level)
        return value

    def __str__(self):
        if self._full:
            return str(self._record)
        # A model's __str__ may read any field: below full, its first summary field.
        first = next(iter(field_names(type(self._record), self._level)), None)
        return str(getattr(self._record, first)) if first else ""

    def __eq__(self, other):
        return isinstance(other, ShownRecord) and other._record == self._record

    def __hash__(self):
        return hash(self._record)


def shown(record, level: str | None) -> ShownRecord:
    return ShownRecord(record, level)
