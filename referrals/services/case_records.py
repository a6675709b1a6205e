"""Chronology entries, actions and missing episodes."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cse_team.validators import before_earliest_message, too_early
from referrals import notices
from referrals.models import (
    Action,
    ChronologyEntry,
    MissingEpisode,
    Referral,
)
from referrals.services.common import (
    StepNotAllowed,
    require_level,
)
from sharing import access
from sharing.levels import AccessLevel

# --- chronology, actions, missing episodes ----------------------------------------


def _not_future(errors: dict, name: str, value, label: str) -> None:
    """In the past, and after the earliest year the forms take."""
    if value and value > timezone.now():
        errors[name] = f"{label} must not be in the future"
    elif too_early(value):
        errors[name] = before_earliest_message(label)


# An action is for the case as it is: a due date further ahead is a typing slip
# (31/12/9999 was accepted, issue #14).
ACTION_DUE_WITHIN_YEARS = 5


@transaction.atomic
def chronology_add(*, referral: Referral, recorded_by: User, occurred_at, kind: str, summary: str, request=None):
    require_level(recorded_by, referral, AccessLevel.FULL)
    errors = {}
    _not_future(errors, "occurred_at", occurred_at, "The date it happened")
    if not summary.strip():
        errors["summary"] = "Describe what happened"
    if errors:
        raise ValidationError(errors)
    entry = ChronologyEntry(
        referral=referral,
        occurred_at=occurred_at,
        kind=kind,
        summary=summary.strip(),
        recorded_by=recorded_by,
        agency=recorded_by.agency,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def action_create(*, referral: Referral, created_by: User, description: str, owner: User, due_date, request=None):
    require_level(created_by, referral, AccessLevel.FULL)
    errors = {}
    if not description.strip():
        errors["description"] = "Describe the action"
    today = timezone.localdate()
    if due_date and due_date < today:
        errors["due_date"] = "The due date must be today or later"
    elif due_date and due_date > today + datetime.timedelta(days=366 * ACTION_DUE_WITHIN_YEARS):
        errors["due_date"] = f"The due date must be within {ACTION_DUE_WITHIN_YEARS} years"
    if access.access_level(owner, referral) not in (AccessLevel.FULL, AccessLevel.CHANGE):
        errors["owner"] = "Choose someone who can see this referral in full"
    if errors:
        raise ValidationError(errors)
    action = Action(
        referral=referral,
        description=description.strip(),
        owner=owner,
        owner_agency=owner.agency,
        due_date=due_date,
        created_by=created_by,
        agency=created_by.agency,
    )
    action.full_clean()
    action.save()
    notices.action_assigned(action)
    return action


@transaction.atomic
def action_complete(*, action: Action, completed_by: User, outcome: str = "", request=None) -> Action:
    """Mark an action done: its owner, or anyone with change access to the referral.
    Its outcome, when given (the page asks for one), goes on the case's
    chronology, so what came of the action is part of the record."""
    held = require_level(completed_by, action.referral, AccessLevel.FULL)
    current = Action.objects.select_for_update().get(pk=action.pk)
    if current.owner_id != completed_by.pk and held != AccessLevel.CHANGE:
        raise StepNotAllowed("Only the action's owner or the case team can mark it done", reason="role")
    if current.status != Action.Status.OPEN:
        raise StepNotAllowed(f"This action is already {current.get_status_display().lower()}", reason="status")
    current.status = Action.Status.DONE
    current.completed_at = timezone.now()
    current.completed_by = completed_by
    current.save()
    if outcome.strip():
        ChronologyEntry.objects.create(
            referral_id=current.referral_id,
            occurred_at=current.completed_at,
            kind=ChronologyEntry.Kind.NOTE,
            summary=f"Action done: {current.description}\nOutcome: {outcome.strip()}",
            recorded_by=completed_by,
            agency=completed_by.agency,
        )
    return current


MISSING_EPISODE_FIELDS = (
    "reported_missing_at",
    "found_at",
    "missing_from",
    "found_location",
    "cse_linked",
    "return_interview_offered_at",
    "return_interview_done_at",
    "interview_findings",
)


def _validate_missing_episode(episode: MissingEpisode) -> None:
    errors = {}
    _not_future(errors, "reported_missing_at", episode.reported_missing_at, "The time reported missing")
    _not_future(errors, "found_at", episode.found_at, "The time found")
    _not_future(errors, "return_interview_offered_at", episode.return_interview_offered_at, "The offer date")
    _not_future(errors, "return_interview_done_at", episode.return_interview_done_at, "The interview date")
    if episode.found_at and episode.reported_missing_at and episode.found_at < episode.reported_missing_at:
        errors["found_at"] = "The time found must be after the time reported missing"
    if episode.return_interview_done_at and not episode.found_at:
        errors["return_interview_done_at"] = "Record when the child was found before the return interview"
    elif episode.return_interview_done_at and episode.return_interview_done_at < episode.found_at:
        errors["return_interview_done_at"] = "The return interview must be after the child was found"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def missing_episode_record(*, referral: Referral, recorded_by: User, request=None, **fields) -> MissingEpisode:
    require_level(recorded_by, referral, AccessLevel.FULL)
    unknown = set(fields) - set(MISSING_EPISODE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field"))
    episode = MissingEpisode(referral=referral, recorded_by=recorded_by, agency=recorded_by.agency, **fields)
    _validate_missing_episode(episode)
    episode.full_clean()
    episode.save()
    return episode


@transaction.atomic
def missing_episode_update(*, episode: MissingEpisode, changed_by: User, request=None, **fields) -> MissingEpisode:
    require_level(changed_by, episode.referral, AccessLevel.FULL)
    unknown = set(fields) - set(MISSING_EPISODE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field"))
    current = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
    for name, value in fields.items():
        setattr(current, name, value)
    _validate_missing_episode(current)
    current.full_clean()
    current.save()
    return current
