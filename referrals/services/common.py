"""What every referrals service shares: the refusals they raise and the
access and role checks they make (sharing's, re-exported: every feature app
uses the same ones), and saving a change to a referral."""

from django.utils import timezone

from accounts.models import User
from audit.models import AccessEvent
from audit.services import record_access
from referrals.models import Referral
from sharing.refusals import StaleEdit, StepNotAllowed, changes_since, check_version, require_level, require_role

ADULT_AGE = 18
CASEWORKERS = ("caseworker", "supervisor")
SUPERVISORS = ("supervisor",)

__all__ = [
    "ADULT_AGE",
    "CASEWORKERS",
    "SUPERVISORS",
    "StaleEdit",
    "StepNotAllowed",
    "changes_since",
    "check_version",
    "locked_referral",
    "require_level",
    "require_role",
    "save_referral",
]


def locked_referral(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def save_referral(referral: Referral, *, user: User, request=None, details: dict | None = None) -> Referral:
    """Save a change to a referral: a new version (what stale edits are checked
    against) and a CHANGE event in the access log."""
    referral.version += 1
    referral.updated_at = timezone.now()
    referral.save()
    record_access(
        user=user,
        action=AccessEvent.Action.CHANGE,
        record_kind="referrals.referral",
        record_ids=[referral.pk],
        request=request,
        details=details or {},
    )
    return referral
