"""The Community Safety Plan priorities a problem profile informs. The plans
are the training app's records; this app does not import it, but reads its
addressable priorities (`training.PlanPriority`, docs/training.md) through
Django's app registry by id, and shows nothing when training is not installed."""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class PlanPriority:
    pk: int
    label: str  # "Dartford and Gravesham plan 2026-27: priority 2, Night-time economy"
    url: str


def _model():
    return apps.get_model("training", "PlanPriority") if apps.is_installed("training") else None


def priorities_for(district, *, ids=None) -> list[PlanPriority]:
    """Priorities of plans covering `district` (the county: every plan); only
    those in `ids` when given."""
    model = _model()
    if model is None:
        return []
    records = model.objects.select_related("plan")
    if district is not None:
        records = records.filter(plan__districts=district)
    if ids is not None:
        records = records.filter(pk__in=list(ids))
    return [PlanPriority(record.pk, str(record), record.get_absolute_url()) for record in records.distinct()]
