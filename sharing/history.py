"""A sharable record's change history, from the pghistory trigger tables: who
changed which field from what to what, including bulk updates."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from pghistory.models import Events

from accounts.models import User

LABELS = {"insert": "Created", "update": "Changed", "delete": "Deleted"}
# Bookkeeping that changes with every save and tells a reader nothing.
UNSHOWN = {"updated_at", "version", "search_names"}


def _readable(value):
    """History diffs hold JSON values: show a timestamp as a local date and time."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%-d %b %Y %H:%M")
    return value


@dataclass(frozen=True)
class HistoryEntry:
    when: object
    action: str
    who: str
    changes: list[tuple[str, object, object]]  # (field label, before, after)


def _fields_by_key(model) -> dict:
    """Diff key (a field's name or, for a foreign key, its column name) -> field."""
    fields = {}
    for field in model._meta.concrete_fields:
        fields[field.name] = field
        fields[field.attname] = field
    return fields


def _choice_labels(field) -> dict | None:
    base = getattr(field, "base_field", None)  # an ArrayField of choices
    choices = field.flatchoices or (base.flatchoices if base is not None else None)
    return {str(value): str(label) for value, label in choices} if choices else None


def _related_names(events, fields) -> dict:
    """{(related model, id): its name}, one query per related model, for the
    foreign keys the events changed: a history shows names, not ids."""
    wanted = {}
    for event in events:
        for key, values in (event.pgh_diff or {}).items():
            field = fields.get(key)
            if field is not None and field.is_relation and field.related_model is not None:
                wanted.setdefault(field.related_model, set()).update(v for v in values if v is not None)
    names = {}
    for model, ids in wanted.items():
        for pk, obj in model._default_manager.in_bulk(list(ids)).items():
            display = getattr(obj, "display_name", None)
            names[(model, str(pk))] = str(display if isinstance(display, str) else obj)
    return names


def _shown(field, value, names):
    """A stored value as a reader reads it: a choice's label, a related record's
    name, Yes or No, a local date and time."""
    if value is None or value == "":
        return None
    labels = _choice_labels(field)
    if labels is not None:
        if isinstance(value, list):
            return ", ".join(labels.get(str(item), str(item)) for item in value) or None
        return labels.get(str(value), value)
    if field.is_relation and field.related_model is not None:
        return names.get((field.related_model, str(value)), value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return _readable(value)


def record_history(record, *, limit: int = 100) -> list[HistoryEntry]:
    events = list(Events.objects.tracks(record).order_by("-pgh_created_at", "-pgh_id")[:limit])
    user_ids = {event.pgh_context.get("user") for event in events if event.pgh_context}
    users = User.objects.in_bulk([user_id for user_id in user_ids if user_id])
    fields = _fields_by_key(type(record))
    names = _related_names(events, fields)
    history = []
    for event in events:
        actor = users.get((event.pgh_context or {}).get("user"))
        changes = []
        for key, (before, after) in sorted((event.pgh_diff or {}).items()):
            field = fields.get(key)
            if field is None or field.name in UNSHOWN:
                continue
            label = str(field.verbose_name).capitalize()
            changes.append((label, _shown(field, before, names), _shown(field, after, names)))
        if event.pgh_label == "update" and not changes:
            continue  # only bookkeeping changed: a row saying just "Changed" tells nobody anything
        history.append(
            HistoryEntry(
                when=event.pgh_created_at,
                action=LABELS.get(event.pgh_label, event.pgh_label),
                who=actor.display_name if actor else "The system",
                changes=changes,
            )
        )
    return history
