"""Access levels, ordered: summary < full < change."""

from django.db import models


class AccessLevel(models.TextChoices):
    SUMMARY = "summary", "Summary"
    FULL = "full", "Full"
    CHANGE = "change", "Change"


ORDER = (AccessLevel.SUMMARY, AccessLevel.FULL, AccessLevel.CHANGE)
RANK = {level: rank for rank, level in enumerate(ORDER, start=1)}


def at_least(level: str) -> tuple[str, ...]:
    """The levels that include `level` (summary -> all three; change -> change)."""
    return tuple(candidate for candidate in ORDER if RANK[candidate] >= RANK[level])


def highest(levels) -> str | None:
    ranked = [level for level in levels if level]
    return max(ranked, key=RANK.__getitem__) if ranked else None


def permission_codename(level: str, model_name: str) -> str:
    """The object permission that grants `level` on a model: Django's view/change
    permissions for full and change, and a declared view_summary_<model> one."""
    return {
        AccessLevel.SUMMARY: f"view_summary_{model_name}",
        AccessLevel.FULL: f"view_{model_name}",
        AccessLevel.CHANGE: f"change_{model_name}",
    }[level]
