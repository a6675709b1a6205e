"""Persons of concern and locations as agenda items (issue #10, item 3),
picked from the intelligence app when it is installed: looked up by label
(`apps.get_model`), never imported, and read only through sharing
(`visible_to`), so the chair picks from those they see.

An item about one is pseudonymous as an item about a child is: its title is
the kind and a number ("Person of concern 42"), which every agency on the
panel reads; the name is shown, on pages and in packs and minutes, only to a
reader who sees that person or place themselves (`name_subjects`)."""

from django.apps import apps
from django.core.exceptions import ValidationError

SUBJECT_KINDS = {"person": "intelligence.personofconcern", "location": "intelligence.location"}
SHOWN_PER_KIND = 200


def subject_model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def subject_choices(user) -> list[tuple[str, str]]:
    """Choices ("person:42", "Person of concern: name") of the persons and
    places the user sees, at most SHOWN_PER_KIND of each."""
    choices = []
    for key, label in SUBJECT_KINDS.items():
        model = subject_model(label)
        if model is None:
            continue
        kind = str(model._meta.verbose_name).capitalize()
        rows = model.objects.visible_to(user).order_by("pk")[:SHOWN_PER_KIND]
        choices += [(f"{key}:{row.pk}", f"{kind}: {row}") for row in rows]
    return choices


def resolve_subject(user, value: str) -> tuple[str, int]:
    """(kind label, id) of a chosen person or place the user sees; a
    ValidationError on `subject` otherwise (existence is not disclosed)."""
    key, _, pk = value.partition(":")
    model = subject_model(SUBJECT_KINDS.get(key, ""))
    if model is None or not pk.isdigit() or not model.objects.visible_to(user).filter(pk=int(pk)).exists():
        raise ValidationError({"subject": "Choose a person or place you can see"})
    return SUBJECT_KINDS[key], int(pk)


def pseudonym(label: str, pk: int) -> str:
    model = subject_model(label)
    name = str(model._meta.verbose_name).capitalize() if model else "Subject"
    return f"{name} {pk}"


def name_subjects(items: list, user) -> list:
    """Set `subject_name` on each shown item about a person or place that the
    user sees (one query per kind); None otherwise. Items shown below full
    carry no subject (`subject_kind` is not a summary field)."""
    wanted: dict[str, set[int]] = {}
    for item in items:
        item.subject_name = None
        if item.subject_kind and item.subject_id:
            wanted.setdefault(item.subject_kind, set()).add(item.subject_id)
    names = {}
    for label, ids in wanted.items():
        model = subject_model(label)
        if model is not None:
            for row in model.objects.visible_to(user).filter(pk__in=ids):
                names[label, row.pk] = str(row)
    for item in items:
        if item.subject_kind and item.subject_id:
            item.subject_name = names.get((item.subject_kind, item.subject_id))
    return items
