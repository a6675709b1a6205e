"""Who is told what about referrals (notifications.services.notify), called
from the referral services inside their transactions. A notification names
the referral's reference and links to it: what the reader then sees is
sharing's decision."""

from django.utils import timezone

from accounts.models import User
from notifications.models import Event
from notifications.services import notify, resolve
from referrals.models import Action
from sharing.levels import AccessLevel


def supervisors():
    return User.objects.filter(is_active=True, groups__name="role:supervisor")


def assessment_submitted(assessment) -> None:
    """The supervisors it awaits (referrals.queues.awaiting_approval_by): those of
    the assessor's agency, not the assessor; notify() keeps only those who hold
    the referral at change."""
    notify(
        recipients=[
            user for user in supervisors().filter(agency=assessment.agency_id) if user.pk != assessment.assessed_by_id
        ],
        event=Event.ASSESSMENT_SUBMITTED,
        record=assessment.referral,
        level=AccessLevel.CHANGE,
        key=f"assessment_submitted:{assessment.pk}",
    )


def assessment_decided(assessment) -> None:
    """Approved or returned: the other supervisors need not look at it any more."""
    resolve(key=f"assessment_submitted:{assessment.pk}")


def assessment_returned(assessment) -> None:
    notify(
        recipients=[assessment.assessed_by],
        event=Event.ASSESSMENT_RETURNED,
        record=assessment.referral,
        key=f"assessment_returned:{assessment.pk}",
    )


def action_assigned(action) -> None:
    if action.owner_id != action.created_by_id:
        notify(
            recipients=[action.owner], event=Event.ACTION_ASSIGNED, record=action.referral, key=f"action:{action.pk}"
        )


def status_changed(referral, *, changed_by) -> None:
    """The lead professional, when someone else moves their case on."""
    if referral.lead_professional_id and referral.lead_professional_id != changed_by.pk:
        notify(
            recipients=[referral.lead_professional],
            event=Event.STATUS_CHANGED,
            record=referral,
            level=AccessLevel.SUMMARY,  # the status is a summary field
            key=f"status:{referral.pk}:{referral.status}:{referral.version}",
        )


def notice_overdue_actions() -> int:
    """Each morning: the owner of each open action past its due date, once per action."""
    told = 0
    overdue = Action.objects.overdue(timezone.localdate()).select_related("owner", "referral")
    for action in overdue.iterator(chunk_size=500):
        told += len(
            notify(
                recipients=[action.owner],
                event=Event.ACTION_OVERDUE,
                record=action.referral,
                key=f"action_overdue:{action.pk}",
            )
        )
    return told
