"""Persons of concern, locations and vehicles as agenda items (issue #10,
item 3), found with the intelligence app's entity search when it is
installed (settings.MASE_SUBJECT_SEARCH), and themes of its problem profiles:
models looked up by label (`apps.get_model`), never imported, and read only
through sharing (`visible_to`), so the chair finds only those they see.

An item about one is pseudonymous as an item about a child is: its title is
the kind and a number ("Person of concern 42"), which every agency on the
panel reads; the name is shown, on pages and in packs and minutes, only to a
reader who sees that person or place themselves (`name_subjects`)."""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from cse_team.validators import whole_number
from sharing.levels import AccessLevel

SUBJECT_KINDS = {
    "person": "intelligence.personofconcern",
    "location": "intelligence.location",
    "vehicle": "intelligence.vehicle",
}
PROFILE = "intelligence.problemprofile"
# What the chair may search for on the agenda builder, in this order.
SEARCH_KINDS = {
    "person": "Person of concern",
    "location": "Place",
    "vehicle": "Vehicle",
    "theme": "Theme from a problem profile",
}
RESULTS_SHOWN = 10
PROFILES_SEARCHED = 50  # the newest approved or disseminated profiles the chair reads in full
PROFILE_SHOWN = ("approved", "disseminated")


def subject_model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def search_kinds() -> list[tuple[str, str]]:
    """The kinds the agenda builder offers a search for: those whose model is
    installed (and, for persons, places and vehicles, a search is named)."""
    found = []
    for key, label in SEARCH_KINDS.items():
        model_label = PROFILE if key == "theme" else SUBJECT_KINDS[key]
        if subject_model(model_label) is None:
            continue
        if key != "theme" and not getattr(settings, "MASE_SUBJECT_SEARCH", ""):
            continue
        found.append((key, label))
    return found


def search(user, kind: str, query: str) -> list[tuple[str, str]]:
    """Choices (value, label) for the agenda builder: persons of concern,
    places or vehicles the user sees matching `query`, found by the
    intelligence app's own entity search (settings.MASE_SUBJECT_SEARCH, a
    dotted path to `(user=, kind=, query=) -> records`; mase never imports
    intelligence), or themes of problem profiles the user reads in full.
    At most RESULTS_SHOWN; nothing for an empty query or a kind not offered."""
    query = query.strip()
    if not query or kind not in dict(search_kinds()):
        return []
    if kind == "theme":
        return profile_themes(user, query)
    found = import_string(settings.MASE_SUBJECT_SEARCH)(user=user, kind=kind, query=query)
    model = subject_model(SUBJECT_KINDS[kind])
    name = str(model._meta.verbose_name).capitalize()
    return [(f"{kind}:{row.pk}", f"{name}: {row}") for row in list(found)[:RESULTS_SHOWN]]


def _profiles(user):
    model = subject_model(PROFILE)
    return model.objects.visible_to(user, AccessLevel.FULL).filter(status__in=PROFILE_SHOWN)


def profile_themes(user, query: str) -> list[tuple[str, str]]:
    """Themes ("theme:<profile id>:<n>", label) of the newest problem profiles
    the user reads in full (their frozen snapshot is a full-level field)
    whose name contains `query`."""
    wanted = query.strip().lower()
    found = []
    newest = _profiles(user).select_related("district").order_by("-period_end", "-id")  # the label's area
    for profile in newest[:PROFILES_SEARCHED]:
        for number, theme in enumerate((profile.snapshot or {}).get("themes", [])):
            if wanted in str(theme.get("theme", "")).lower():
                found.append((f"theme:{profile.pk}:{number}", f"{theme['theme']} (problem profile "
                              f"{profile.reference}, {profile.area})"))  # fmt: skip
    return found[:RESULTS_SHOWN]


def resolve_theme(user, value: str) -> tuple[str, str]:
    """(title, why) of a chosen theme of a problem profile the user reads in
    full; a ValidationError on `subject` otherwise."""
    _, profile_id, number = [*value.split(":"), "", ""][:3]
    refused = ValidationError({"subject": "Choose a theme of a problem profile you can see"})
    profile_id, number = whole_number(profile_id), whole_number(number)
    if subject_model(PROFILE) is None or profile_id is None or number is None:
        raise refused
    profile = _profiles(user).filter(pk=profile_id).first()
    themes = (profile.snapshot or {}).get("themes", []) if profile else []
    if number >= len(themes):
        raise refused
    # Every agency on the panel reads the item, not all of whom see the
    # profile: the default reason does not name it.
    return str(themes[number]["theme"]), "A theme from a problem profile"


def resolve_subject(user, value: str) -> tuple[str, int]:
    """(kind label, id) of a chosen person or place the user sees; a
    ValidationError on `subject` otherwise (existence is not disclosed)."""
    key, _, pk = value.partition(":")
    model, pk = subject_model(SUBJECT_KINDS.get(key, "")), whole_number(pk)
    if model is None or pk is None or not model.objects.visible_to(user).filter(pk=pk).exists():
        raise ValidationError({"subject": "Choose a person, place or vehicle you can see"})
    return SUBJECT_KINDS[key], pk


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
