"""What MASE's agenda builder reads from intelligence (settings.MASE_ASSOCIATIONS_SOURCE,
mase/agenda.py): which of the chair's candidate referrals have a child newly
associated with a person of concern; and (settings.MASE_SUBJECT_SEARCH,
mase/topics.py) the persons, places and vehicles the chair finds to put on
the agenda, by this app's own entity search. MASE does not import this app; this
module does not import MASE or referrals (it reads the referrals' `child`)."""

import datetime

from django.db.models import Q
from django.utils import timezone

from intelligence.models import Association, PersonOfConcern

NAMES_SHOWN = 3


def _start(since) -> datetime.datetime:
    if isinstance(since, datetime.datetime):
        return since
    return timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))


def referrals_with_new_associations(*, chair, referrals, since) -> list[tuple]:
    """[(referral, why)] for the referrals (a queryset the chair sees) whose
    child has an association the chair sees with a person of concern the chair
    sees, recorded since `since`. Two queries, whatever the number of referrals:
    the associations (with PersonOfConcern.newly_associated_with_child's rule:
    only what the chair sees), then the referrals they concern."""
    children = referrals.values("child_id")
    links = (
        Association.objects.visible_to(chair)
        .filter(created_at__gte=_start(since))
        .filter(Q(a_child__in=children, b_person__isnull=False) | Q(b_child__in=children, a_person__isnull=False))
        .select_related("a_person", "b_person")
        .order_by("created_at", "id")
    )
    persons_by_child: dict[int, dict[int, PersonOfConcern]] = {}
    for link in links:
        child_id, person = (link.a_child_id, link.b_person) if link.a_child_id else (link.b_child_id, link.a_person)
        persons_by_child.setdefault(child_id, {})[person.pk] = person
    found = []
    for referral in referrals.filter(child_id__in=list(persons_by_child)).order_by("-created_at", "-id"):
        persons = list(persons_by_child[referral.child_id].values())
        names = ", ".join(person.full_name or "an unnamed person" for person in persons[:NAMES_SHOWN])
        more = f" and {len(persons) - NAMES_SHOWN} more" if len(persons) > NAMES_SHOWN else ""
        count = f"{len(persons)} person{'s' if len(persons) != 1 else ''} of concern"
        found.append((referral, f"Newly associated with {count} since {_start(since):%-d %B %Y}: {names}{more}"))
    return found


def entities_matching(*, user, kind: str, query: str) -> list:
    """Persons of concern ("person"), locations ("location") or vehicles
    ("vehicle") the user sees matching `query`: the entity search of the
    intelligence pages themselves (`intelligence.services.entity_search`),
    for MASE's agenda builder (settings.MASE_SUBJECT_SEARCH)."""
    from intelligence.services import entity_search

    return list(entity_search(user, kind, query))
