"""Rendering a record at the level the user holds: a summary shows only the
fields its kind declares as summary fields."""

from dataclasses import dataclass

from sharing import registry
from sharing.levels import AccessLevel


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
