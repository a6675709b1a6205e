"""Disruptions: recording one (a CAWN starts as a draft), the CAWN workflow
(authorise, serve, activate, breach, withdraw, expire) as one table of steps,
and the expiry reminders queued each morning through the outbox."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Agency
from audit.models import AccessEvent
from audit.services import record_access
from cse_team.validators import before_earliest_message, text_errors, too_early
from intelligence.models import UNIT_AGENCY, Location, PersonOfConcern, RetentionStatus
from intelligence.models.disruptions import (
    CAWN_IN_FORCE,
    CAWN_OPEN,
    CAWN_SECTIONS,
    DETAILS_MAX_LENGTH,
    STEP_TEXT_MAX_LENGTH,
    CawnSection,
    Child,
    Disruption,
    DisruptionKind,
    DisruptionStatus,
)
from intelligence.services.core import _reference, require_unit
from intelligence.services.reviews import set_first_review
from outbox.services import enqueue
from sharing.levels import AccessLevel
from sharing.refusals import StepNotAllowed, check_version, require_level
from sharing.workflow import Step, Workflow

AUTHORISERS = ("supervisor", "manager")
UNIT_WORKERS = ("intelligence-officer", "analyst", "investigator", "caseworker", "supervisor", "manager")


# What an edit of a recorded disruption may change (and the 409 reports if
# someone else changed it first). A CAWN's date, section and child only while
# it is a draft: once authorised, the notice authorised is what stands.
EDITABLE_FIELDS = ("occurred_on", "district", "details", "cawn_section")
CAWN_DRAFT_ONLY = ("occurred_on", "cawn_section", "children")


def _date_errors(errors: dict, name: str, value, label: str) -> None:
    if name in errors:
        return
    if too_early(value):
        errors[name] = before_earliest_message(label)
    elif value is not None and value > timezone.localdate():
        errors[name] = f"{label} must be today or in the past"


def cawn_reminder_days() -> int:
    return settings.INTELLIGENCE_CAWN_REMINDER_DAYS


def _seen(model, user, records, level=AccessLevel.SUMMARY) -> list:
    """The records among `records` the user sees (ids or instances)."""
    ids = {getattr(record, "pk", record) for record in records}
    found = list(model._default_manager.visible_to(user, level).filter(pk__in=ids))
    return found if len(found) == len(ids) else None


def cawn_child_errors(section: str, child, day: datetime.date) -> dict:
    """A CAWN's section must fit its child on `day`: s2 a child under 16; s49
    a looked-after child under 18 (CAWN_SECTIONS)."""
    rule = CAWN_SECTIONS.get(section)
    if rule is None:
        return {"cawn_section": "Choose the section the notice is given under"}
    age = child.age_on(day)
    if age is None:
        return {"children": f"Record {child.full_name}'s date of birth or estimated age first"}
    if age >= rule["under"]:
        return {
            "cawn_section": f"{child.full_name} is {age} on {day:%-d %B %Y}: a notice under "
            f"{CawnSection(section).label.split(',')[0].lower()} is for a child under {rule['under']}"
        }
    if rule["looked_after"] and not child.looked_after:
        return {
            "cawn_section": f"{child.full_name} is not recorded as looked after: a section 49 notice is for a "
            "looked-after child (use section 2 for a child under 16)"
        }
    return {}


@transaction.atomic
def disruption_record(
    *,
    recorded_by,
    kind: str,
    occurred_on,
    district=None,
    details: str = "",
    cawn_section: str = "",
    persons=(),
    locations=(),
    children=(),
    request=None,
) -> Disruption:
    """Record a disruption (the intelligence unit). A CAWN is drafted: about
    one child the recorder sees in full, warning at least one person of
    concern, under the section that fits the child's age and looked-after status."""
    require_unit(recorded_by, "record disruptions")
    errors = {}
    if kind not in DisruptionKind.values:
        errors["kind"] = "Choose the kind of disruption"
    if occurred_on is None:
        errors["occurred_on"] = "Enter the date"
    _date_errors(errors, "occurred_on", occurred_on, "The date")
    text_errors(errors, "details", details, DETAILS_MAX_LENGTH)
    seen_persons = _seen(PersonOfConcern, recorded_by, persons)
    if seen_persons is None:
        errors["persons"] = "Choose persons of concern you can see"
    seen_locations = _seen(Location, recorded_by, locations)
    if seen_locations is None:
        errors["locations"] = "Choose locations you can see"
    # A child's age and looked-after status are full-level fields.
    seen_children = _seen(Child, recorded_by, children, AccessLevel.FULL)
    if seen_children is None:
        errors["children"] = "Choose children from referrals you can see"
    if kind == DisruptionKind.CAWN and not errors:
        errors.update(_cawn_errors(cawn_section, occurred_on, seen_persons, seen_children))
    elif kind != DisruptionKind.CAWN:
        cawn_section = ""
        if not (seen_persons or seen_locations or seen_children) and not errors:
            errors["persons"] = "Link the disruption to at least one person, location or child"
    if errors:
        raise ValidationError(errors)
    disruption = Disruption.objects.create(
        reference=uuid.uuid4().hex[:20],
        owning_agency=Agency.objects.get(code=UNIT_AGENCY),
        kind=kind,
        status=DisruptionStatus.DRAFTED if kind == DisruptionKind.CAWN else DisruptionStatus.RECORDED,
        district=district,
        occurred_on=occurred_on,
        details=details.strip(),
        officer=recorded_by,
        cawn_section=cawn_section,
    )
    disruption.reference = _reference("CAWN" if kind == DisruptionKind.CAWN else "DIS", disruption)
    set_first_review(disruption, save=False)
    disruption.save(update_fields=["reference", "retention_rule", "review_due"])
    disruption.persons.set(seen_persons)
    disruption.locations.set(seen_locations)
    disruption.children.set(seen_children)
    _logged(recorded_by, disruption, request, AccessEvent.Action.CREATE)
    return disruption


def _cawn_errors(cawn_section, occurred_on, persons, children) -> dict:
    errors = {}
    if len(children) != 1:
        errors["children"] = "A child abduction warning notice is about one child: choose the child"
    if not persons:
        errors["persons"] = "Choose the person of concern the notice warns"
    if len(children) == 1:
        errors.update(cawn_child_errors(cawn_section, children[0], occurred_on))
    return errors


def _linked(model, user, disruption, relation, sent, level=AccessLevel.SUMMARY):
    """The links an edit leaves: those sent (each one the editor must see) and
    those already there that the editor does not see (an edit cannot remove
    what it cannot show). None when something sent is not seen."""
    seen = _seen(model, user, sent, level)
    if seen is None:
        return None
    current = getattr(disruption, relation).values_list("pk", flat=True)
    hidden = set(current) - set(model._default_manager.visible_to(user, level).filter(pk__in=current)
                                .values_list("pk", flat=True))  # fmt: skip
    return seen + list(model._default_manager.filter(pk__in=hidden))


@transaction.atomic
def disruption_update(*, disruption, changed_by, expected_version: int, request=None, **changes) -> Disruption:
    """Edit a recorded disruption (the unit, with change access): its date,
    district, details and links; a CAWN's date, section and child only while
    it is drafted. Only what is passed changes; a stale edit is refused with
    what changed since the version the editor loaded."""
    require_level(changed_by, disruption, AccessLevel.CHANGE)
    require_unit(changed_by, "edit disruptions")
    current = Disruption.objects.select_for_update().get(pk=disruption.pk)
    check_version(current, expected_version, EDITABLE_FIELDS)
    if current.retention_status == RetentionStatus.DISPOSED:
        raise StepNotAllowed("This disruption has been disposed of", reason="status")
    unknown = set(changes) - {*EDITABLE_FIELDS, "persons", "locations", "children"}
    if unknown:
        raise TypeError(f"disruption_update() cannot change {', '.join(sorted(unknown))}")
    errors = {}
    if not current.is_cawn and changes.pop("cawn_section", ""):
        errors["cawn_section"] = "Only a child abduction warning notice has a section"
    if "occurred_on" in changes:
        if changes["occurred_on"] is None:
            errors["occurred_on"] = "Enter the date"
        _date_errors(errors, "occurred_on", changes["occurred_on"], "The date")
        if current.served_on and not errors.get("occurred_on") and changes["occurred_on"] > current.served_on:
            errors["occurred_on"] = "A notice is drafted on or before the day it was served"
    if "details" in changes:
        changes["details"] = (changes["details"] or "").strip()
        text_errors(errors, "details", changes["details"], DETAILS_MAX_LENGTH)
    links = {}
    for relation, model, level, message in (
        ("persons", PersonOfConcern, AccessLevel.SUMMARY, "Choose persons of concern you can see"),
        ("locations", Location, AccessLevel.SUMMARY, "Choose locations you can see"),
        ("children", Child, AccessLevel.FULL, "Choose children from referrals you can see"),
    ):
        sent = changes.pop(relation, None)
        if sent is None:
            links[relation] = list(getattr(current, relation).all())
            continue
        linked = _linked(model, changed_by, current, relation, sent, level)
        if linked is None:
            errors[relation] = message
        links[relation] = linked
    if current.is_cawn and current.status != DisruptionStatus.DRAFTED:
        for name in CAWN_DRAFT_ONLY:
            if name not in errors and _differs(current, name, links["children"] if name == "children" else
                                               changes.get(name, getattr(current, name))):  # fmt: skip
                errors[name] = "Only a draft notice's date, section and child can be changed"
    if errors:
        raise ValidationError(errors)
    for name, value in changes.items():
        setattr(current, name, value)
    if current.is_cawn and current.status == DisruptionStatus.DRAFTED:
        errors = _cawn_errors(current.cawn_section, current.occurred_on, links["persons"], links["children"])
    elif current.is_cawn and not links["persons"]:  # its child was checked when drafted and served
        errors = {"persons": "Choose the person of concern the notice warns"}
    elif not current.is_cawn and not any(links.values()):
        errors = {"persons": "Link the disruption to at least one person, location or child"}
    if errors:
        raise ValidationError(errors)
    current.version += 1
    current.save()
    for relation, records in links.items():
        getattr(current, relation).set(records)
    _logged(changed_by, current, request, edited=sorted([*changes, *links]))
    return current


def _differs(current, name, value) -> bool:
    if name == "children":
        return {child.pk for child in value} != set(current.children.values_list("pk", flat=True))
    return getattr(current, name) != value


def _logged(user, disruption, request, action=AccessEvent.Action.CHANGE, **details):
    record_access(
        user=user,
        action=action,
        record_kind=disruption._meta.label_lower,
        record_ids=[disruption.pk],
        request=request,
        details=details or None,
    )


def _cawn_for_step(disruption, user, action: str, statuses) -> Disruption:
    require_level(user, disruption, AccessLevel.CHANGE)
    require_unit(user, action)
    current = Disruption.objects.select_for_update().get(pk=disruption.pk)
    if current.retention_status == RetentionStatus.DISPOSED:
        raise StepNotAllowed("This notice has been disposed of", reason="status")
    if current.kind != DisruptionKind.CAWN:
        raise StepNotAllowed("Only a child abduction warning notice has this step", reason="status")
    if current.status not in statuses:
        state = current.get_status_display().lower()
        raise StepNotAllowed(f"A notice that is {state} cannot be {action}", reason="status")
    return current


def _child(disruption):
    return disruption.children.first()


@transaction.atomic
def cawn_authorise(*, disruption, authorised_by, request=None) -> Disruption:
    """A supervisor or inspector other than the officer in charge authorises the notice."""
    current = _cawn_for_step(disruption, authorised_by, "authorised", (DisruptionStatus.DRAFTED,))
    if not set(AUTHORISERS) & authorised_by.role_codes:
        raise StepNotAllowed("Only a police supervisor or inspector can authorise a notice", reason="role")
    if authorised_by.pk == current.officer_id:
        raise StepNotAllowed("A notice is authorised by someone other than its officer in charge", reason="role")
    current.status = DisruptionStatus.AUTHORISED
    current.authorised_by = authorised_by
    current.authorised_at = timezone.now()
    current.save(update_fields=["status", "authorised_by", "authorised_at"])
    _logged(authorised_by, current, request, step="authorise")
    return current


@transaction.atomic
def cawn_serve(*, disruption, served_by, served_on, expires_on, request=None) -> Disruption:
    """Record that the notice was served, and until when it runs: not past the
    day the child reaches the section's age limit."""
    current = _cawn_for_step(disruption, served_by, "served", (DisruptionStatus.AUTHORISED,))
    errors = {}
    today = timezone.localdate()
    if served_on is None:
        errors["served_on"] = "Enter the date the notice was served"
    elif served_on > today:
        errors["served_on"] = "The date served must be today or in the past"
    elif served_on < current.occurred_on:
        errors["served_on"] = "A notice is served on or after the day it was drafted"
    if expires_on is None:
        errors["expires_on"] = "Enter the date the notice expires"
    elif served_on and expires_on <= served_on:
        errors["expires_on"] = "The expiry date must be after the date served"
    child = _child(current)
    if not errors and child is not None:
        errors.update(cawn_child_errors(current.cawn_section, child, served_on))
        limit = CAWN_SECTIONS[current.cawn_section]["under"]
        if not errors and child.date_of_birth:
            birthday = _birthday(child.date_of_birth, limit)
            if expires_on >= birthday:
                errors["expires_on"] = (
                    f"{child.full_name} turns {limit} on {birthday:%-d %B %Y}: the notice must expire before then"
                )
    if errors:
        raise ValidationError(errors)
    current.status = DisruptionStatus.SERVED
    current.served_on = served_on
    current.expires_on = expires_on
    current.save(update_fields=["status", "served_on", "expires_on"])
    _logged(served_by, current, request, step="serve")
    return current


def _birthday(date_of_birth: datetime.date, age: int) -> datetime.date:
    try:
        return date_of_birth.replace(year=date_of_birth.year + age)
    except ValueError:  # 29 February
        return date_of_birth.replace(year=date_of_birth.year + age, day=28) + datetime.timedelta(days=1)


@transaction.atomic
def cawn_activate(*, disruption, activated_by, request=None) -> Disruption:
    """The served notice is confirmed in force (recorded on the police systems)."""
    current = _cawn_for_step(disruption, activated_by, "made active", (DisruptionStatus.SERVED,))
    current.status = DisruptionStatus.ACTIVE
    current.save(update_fields=["status"])
    _logged(activated_by, current, request, step="activate")
    return current


@transaction.atomic
def cawn_breach(*, disruption, recorded_by, breached_on, breach_details: str, request=None) -> Disruption:
    current = _cawn_for_step(disruption, recorded_by, "recorded as breached", CAWN_IN_FORCE)
    errors = {}
    if breached_on is None:
        errors["breached_on"] = "Enter the date of the breach"
    elif breached_on > timezone.localdate() or breached_on < current.served_on:
        errors["breached_on"] = "The breach must be between the date served and today"
    elif breached_on > current.expires_on:
        errors["breached_on"] = "The notice had expired by then"
    if not breach_details.strip():
        errors["breach_details"] = "Describe the breach"
    text_errors(errors, "breach_details", breach_details, STEP_TEXT_MAX_LENGTH)
    if errors:
        raise ValidationError(errors)
    current.status = DisruptionStatus.BREACHED
    current.breached_on = breached_on
    current.breach_details = breach_details.strip()
    current.save(update_fields=["status", "breached_on", "breach_details"])
    _logged(recorded_by, current, request, step="breach")
    return current


@transaction.atomic
def cawn_withdraw(*, disruption, withdrawn_by, withdrawal_reason: str, request=None) -> Disruption:
    current = _cawn_for_step(disruption, withdrawn_by, "withdrawn", CAWN_OPEN)
    errors = {}
    if not withdrawal_reason.strip():
        errors["withdrawal_reason"] = "Say why the notice is withdrawn"
    text_errors(errors, "withdrawal_reason", withdrawal_reason, STEP_TEXT_MAX_LENGTH)
    if errors:
        raise ValidationError(errors)
    current.status = DisruptionStatus.WITHDRAWN
    current.withdrawn_on = timezone.localdate()
    current.withdrawal_reason = withdrawal_reason.strip()
    current.save(update_fields=["status", "withdrawn_on", "withdrawal_reason"])
    _logged(withdrawn_by, current, request, step="withdraw")
    return current


CAWN_STEPS = Workflow(
    Step("authorise", "Authorise", (DisruptionStatus.DRAFTED,), AUTHORISERS, cawn_authorise, "authorised_by"),
    Step("serve", "Record it served", (DisruptionStatus.AUTHORISED,), UNIT_WORKERS, cawn_serve, "served_by"),
    Step("activate", "Confirm it is in force", (DisruptionStatus.SERVED,), UNIT_WORKERS, cawn_activate,
         "activated_by"),
    Step("breach", "Record a breach", CAWN_IN_FORCE, UNIT_WORKERS, cawn_breach, "recorded_by"),
    Step("withdraw", "Withdraw", CAWN_OPEN, UNIT_WORKERS, cawn_withdraw, "withdrawn_by"),
    record_argument="disruption",
)  # fmt: skip


@transaction.atomic
def cawns_queue_expiry_reminders(*, today: datetime.date | None = None) -> int:
    """Daily: a reminder to the officer in charge of each notice in force that
    expires within INTELLIGENCE_CAWN_REMINDER_DAYS (once per notice: it records
    the day it was reminded), and notices past their expiry marked expired.
    Returns how many reminders were queued."""
    today = today or timezone.localdate()
    Disruption.objects.past_expiry(today).update(status=DisruptionStatus.EXPIRED)
    due = (
        Disruption.objects.expiring_within(cawn_reminder_days(), today)
        .filter(expiry_reminded_on__isnull=True)
        .exclude(retention_status=RetentionStatus.DISPOSED)
        .select_for_update(skip_locked=True)
    )
    ids = [disruption.pk for disruption in due]
    for pk in ids:
        enqueue("intelligence.cawn_expiry_reminder", disruption_id=pk)
    Disruption.objects.filter(pk__in=ids).update(expiry_reminded_on=today)
    return len(ids)
