"""A referral's timeline: chronology entries, status changes, assessments,
missing episodes and actions merged, newest first, each naming the agency it
came from. Read only for users who see the referral in full (the caller has
checked). A fixed number of queries, whatever the length."""

import datetime
from dataclasses import dataclass

from django.urls import reverse

from referrals.models import Action, ChronologyEntry, MissingEpisode, Referral, RiskAssessment, StatusChange


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    kind: str  # chronology | status | assessment | missing | action
    title: str
    text: str
    agency: str
    by: str
    link: str = ""
    tag: str = ""  # a short status shown as a GOV.UK tag


def _who(user) -> str:
    return user.display_name if user else ""


def assessments_of(referral: Referral):
    # Drafts are their assessor's unfinished work, not part of the case's record yet.
    return (
        RiskAssessment.objects.filter(referral=referral)
        .exclude(status=RiskAssessment.Status.DRAFT)
        .select_related("agency", "assessed_by", "instrument")
    )


def actions_of(referral: Referral):
    return Action.objects.filter(referral=referral).select_related("agency", "created_by", "owner", "owner_agency")


def timeline_for(referral: Referral, *, assessments=None, actions=None, limit: int = 200) -> list[TimelineEntry]:
    """`assessments` and `actions`, when the caller has read them already
    (assessments_of, actions_of), are used instead of reading them again."""
    assessments = assessments_of(referral)[:limit] if assessments is None else assessments
    actions = actions_of(referral)[:limit] if actions is None else actions
    entries = []
    for entry in ChronologyEntry.objects.filter(referral=referral).select_related("agency", "recorded_by")[:limit]:
        entries.append(
            TimelineEntry(
                when=entry.occurred_at,
                kind="chronology",
                title=entry.get_kind_display(),
                text=entry.summary,
                agency=entry.agency.name,
                by=_who(entry.recorded_by),
            )
        )
    for change in StatusChange.objects.filter(referral=referral).select_related("agency", "changed_by")[:limit]:
        title = (
            f"Status: {change.get_from_status_display()} to {change.get_to_status_display()}"
            if change.from_status
            else "Referral recorded"
        )
        entries.append(
            TimelineEntry(
                when=change.changed_at,
                kind="status",
                title=title,
                text=change.note,
                agency=change.agency.name,
                by=_who(change.changed_by),
            )
        )
    for assessment in assessments:
        entries.append(
            TimelineEntry(
                when=assessment.submitted_at or assessment.created_at,
                kind="assessment",
                title=f"Risk assessment ({assessment.instrument.name}): {assessment.get_professional_level_display()}",
                text=assessment.rationale,
                agency=assessment.agency.name,
                by=_who(assessment.assessed_by),
                link=reverse("referrals:assessment_detail", args=[referral.pk, assessment.pk]),
                tag=assessment.get_status_display(),
            )
        )
    for episode in MissingEpisode.objects.filter(referral=referral).select_related("agency", "recorded_by")[:limit]:
        entries.append(
            TimelineEntry(
                when=episode.reported_missing_at,
                kind="missing",
                title=str(episode),
                text=episode.interview_findings,
                agency=episode.agency.name,
                by=_who(episode.recorded_by),
                link=reverse("referrals:missing_episode_edit", args=[referral.pk, episode.pk]),
                tag="Linked to CSE" if episode.cse_linked else "",
            )
        )
    for action in actions:
        entries.append(
            TimelineEntry(
                when=action.created_at,
                kind="action",
                title=f"Action for {action.owner.display_name}, due {action.due_date:%-d %B %Y}",
                text=action.description,
                agency=action.agency.name,
                by=_who(action.created_by),
                tag="Overdue" if action.overdue else action.get_status_display(),
            )
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]
