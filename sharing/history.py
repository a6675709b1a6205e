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


def record_history(record, *, limit: int = 100) -> list[HistoryEntry]:
    events = list(Events.objects.tracks(record).order_by("-pgh_created_at", "-pgh_id")[:limit])
    user_ids = {event.pgh_context.get("user") for event in events if event.pgh_context}
    users = User.objects.in_bulk([user_id for user_id in user_ids if user_id])
    labels = {field.name: str(field.verbose_name).capitalize() for field in record._meta.concrete_fields}
    history = []
    for event in events:
        actor = users.get((event.pgh_context or {}).get("user"))
        changes = [
            (labels.get(name, name), _readable(before), _readable(after))
            for name, (before, after) in sorted((event.pgh_diff or {}).items())
            if name in labels and name not in UNSHOWN
        ]
        history.append(
            HistoryEntry(
                when=event.pgh_created_at,
                action=LABELS.get(event.pgh_label, event.pgh_label),
                who=actor.display_name if actor else "The system",
                changes=changes,
            )
        )
    return history
