"""What a service says when it refuses a write, the checks that raise it, and
the one mapping from a refusal to what the user is told.

Every feature app's services raise these (nothing is saved when they do):

- ValidationError with field names: bad input -> 400 with field errors
  (a page shows them next to the fields, with 200, as Django's form views do);
- StepNotAllowed: a step not allowed from the record's status (409) or not for
  this user's role or access level (403);
- StaleEdit: someone else saved the record since the user loaded it (409,
  with what changed);
- Http404: the user may not see the record at all (existence is not disclosed).

`refusal_for` is the only place those answers are decided: pages
(sharing.record_pages) and the API (sharing.api_writes) both read it.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404

from sharing import access
from sharing.levels import RANK


class StepNotAllowed(Exception):
    """A workflow step refused: `reason` is "status" (not from the current
    status: 409) or "role" (not for this user's role or level: 403). `field`,
    when the refusal is about one field's new value, puts the message next to
    that field on a page (the API still answers {"detail"})."""

    def __init__(self, message: str, *, reason: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.field = field


class StaleEdit(Exception):
    """Someone else saved the record after this user loaded it."""

    def __init__(self, record, changes: list[tuple[str, object, object]]):
        super().__init__(f"Someone else changed this {record._meta.verbose_name} since you opened it")
        self.record = record
        self.changes = changes  # (field label, the value you saw, the value now)

    @property
    def referral(self):
        # The name the first app's templates and clients used.
        return self.record

    def field_name(self, label: str) -> str:
        """The model field a change's label is about (clients want names, people labels)."""
        for model_field in self.record._meta.concrete_fields:
            if str(model_field.verbose_name).capitalize() == label:
                return model_field.name
        return label


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
        model_field = current._meta.get_field(name)
        before, now = getattr(then, model_field.attname), getattr(current, model_field.attname)
        if before != now:
            if model_field.choices and not isinstance(before, list):
                labels = dict(model_field.flatchoices)
                before, now = labels.get(before, before), labels.get(now, now)
            elif model_field.is_relation:
                model = model_field.related_model
                before, now = (model.objects.filter(pk=value).first() if value else None for value in (before, now))
            changes.append((str(model_field.verbose_name).capitalize(), before, now))
    return changes


def check_version(current, expected_version: int, fields) -> None:
    """StaleEdit when `current` (read under lock) is no longer the version the user loaded."""
    if current.version != expected_version:
        raise StaleEdit(current, changes_since(current, expected_version, fields))


def require_level(user, record, level: str) -> str:
    """The user's level on a sharable record, if at least `level`. 404 when they
    cannot see it; StepNotAllowed when they see it but not at that level."""
    held = access.access_level(user, record)
    name = record._meta.verbose_name
    if held is None:
        raise Http404(f"No such {name}")
    if RANK[held] < RANK[level]:
        raise StepNotAllowed(f"You can see this {name} at {held} level; this needs {level} access", reason="role")
    return held


def require_role(user, roles: tuple[str, ...], step: str) -> None:
    if not any(user.has_role(role) for role in roles):
        names = " or ".join(role.replace("-", " ") + "s" for role in roles)
        raise StepNotAllowed(f"Only {names} can {step}", reason="role")


@dataclass(frozen=True)
class Refusal:
    """A refused write as the user is told it: an HTTP status (400, 403 or 409)
    and messages by field (None: about the whole form or request)."""

    status: int
    errors: dict[str | None, list[str]] = field(default_factory=dict)
    stale: StaleEdit | None = None

    @property
    def page_status(self) -> int:
        """Pages answer bad input with the form again and 200, as Django's form views do."""
        return 200 if self.status == 400 else self.status

    @property
    def message(self) -> str:
        return " ".join(message for messages in self.errors.values() for message in messages)

    def add_to_form(self, form) -> None:
        """Field errors next to their fields; the rest (and fields the form does not have) at the top."""
        for name, messages in self.errors.items():
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(target, message)


REFUSALS = (ValidationError, StepNotAllowed, StaleEdit)


def refusal_for(error: Exception) -> Refusal:
    """The answer to one of the services' refusals (anything else is a bug: TypeError)."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            errors = {
                (None if name == NON_FIELD_ERRORS else name): messages for name, messages in error.message_dict.items()
            }
        else:
            errors = {None: error.messages}
        return Refusal(400, errors)
    if isinstance(error, StepNotAllowed):
        return Refusal(403 if error.reason == "role" else 409, {error.field: [error.message]})
    if isinstance(error, StaleEdit):
        return Refusal(409, {None: [str(error)]}, stale=error)
    raise TypeError(f"{type(error).__name__} is not a service refusal") from error
