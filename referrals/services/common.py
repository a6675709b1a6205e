"""What every referrals service shares: the refusals they raise, the access
and role checks they make, and saving a change to a referral."""

from django.apps import apps
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from audit.models import AccessEvent
from audit.services import record_access
from referrals.models import Referral
from sharing import access
from sharing.levels import RANK

ADULT_AGE = 18
CASEWORKERS = ("caseworker", "supervisor")
SUPERVISORS = ("supervisor",)


class StepNotAllowed(Exception):
    """A workflow step refused: `reason` is "status" (not from the current
    status: 409) or "role" (not for this user's role: 403)."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


class StaleEdit(Exception):
    """Someone else saved the record (a referral or a child) after this user loaded it."""

    def __init__(self, record, changes: list[tuple[str, object, object]]):
        super().__init__(f"Someone else changed this {record._meta.verbose_name} since you opened it")
        self.record = record
        self.changes = changes  # (field label, the value you saw, the value now)

    @property
    def referral(self):
        return self.record


def changes_since(current, version: int, fields) -> list[tuple[str, object, object]]:
    """(field label, value at `version`, value now) for each of `fields` changed
    since the user loaded that version, read from the record's change history
    (its pghistory event model)."""
    history = apps.get_model(current._meta.app_label, f"{current._meta.object_name}Event")
    then = history.objects.filter(pgh_obj_id=current.pk, version=version).order_by("-pgh_id").first()
    if then is None:
        return []
    changes = []
    for name in fields:
        field = current._meta.get_field(name)
        before, now = getattr(then, field.attname), getattr(current, field.attname)
        if before != now:
            if field.choices and not isinstance(before, list):
                labels = dict(field.flatchoices)
                before, now = labels.get(before, before), labels.get(now, now)
            elif field.is_relation:
                model = field.related_model
                before, now = (model.objects.filter(pk=value).first() if value else None for value in (before, now))
            changes.append((str(field.verbose_name).capitalize(), before, now))
    return changes


def check_version(current, expected_version: int, fields) -> None:
    if current.version != expected_version:
        raise StaleEdit(current, changes_since(current, expected_version, fields))


# --- access -------------------------------------------------------------------


def require_level(user: User, referral: Referral, level: str) -> str:
    """The user's level on the referral, if at least `level`. 404 when they
    cannot see it; StepNotAllowed when they see it but not at that level."""
    held = access.access_level(user, referral)
    if held is None:
        raise Http404("No such referral")
    if RANK[held] < RANK[level]:
        raise StepNotAllowed(f"You can see this referral at {held} level; this needs {level} access", reason="role")
    return held


def require_role(user: User, roles: tuple[str, ...], step: str) -> None:
    if not any(user.has_role(role) for role in roles):
        names = " or ".join(role.replace("-", " ") + "s" for role in roles)
        raise StepNotAllowed(f"Only {names} can {step}", reason="role")


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
