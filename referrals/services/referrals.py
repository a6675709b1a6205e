"""Children, referrals and their workflow."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from accounts.models import Agency, District, User
from audit.models import AccessEvent
from audit.services import record_access
from cse_team.validators import before_earliest_message, invisible_characters, too_early
from outbox.services import enqueue
from referrals import notices
from referrals.models import (
    Child,
    ChronologyEntry,
    ClosureReason,
    ConsentOutcome,
    ReferenceCounter,
    Referral,
    Status,
    StatusChange,
)
from referrals.models.children import age_on
from referrals.models.referrals import CONCERN_SUMMARY_MAX_LENGTH
from referrals.people import LEAD_ROLES
from referrals.services.common import (
    ADULT_AGE,
    CASEWORKERS,
    SUPERVISORS,
    StepNotAllowed,
    check_version,
    locked_referral,
    require_level,
    require_role,
    save_referral,
)
from sharing import access
from sharing.levels import AccessLevel
from sharing.workflow import Step, Workflow

# --- children -----------------------------------------------------------------


def search_names_for(first_name: str, last_name: str, aliases) -> str:
    return " ".join([first_name, last_name, *aliases]).lower().strip()


# Names the pages and the API both refuse with invisible control characters
# (bidi overrides, NUL): a name that displays differently from what is stored.
INVISIBLE_CHARACTERS_MESSAGE = (
    "Remove the invisible control characters (such as right-to-left overrides) from this text"
)


def _invisible_character_errors(**texts) -> dict:
    errors = {}
    for field, value in texts.items():
        for text in value if isinstance(value, list | tuple) else [value]:
            if isinstance(text, str) and invisible_characters(text):
                errors[field] = INVISIBLE_CHARACTERS_MESSAGE
                break
    return errors


def _validate_child_age(*, date_of_birth, estimated_age, on: datetime.date) -> None:
    errors = {}
    if date_of_birth and date_of_birth > on:
        errors["date_of_birth"] = "Date of birth must be in the past"
    elif date_of_birth and age_on(date_of_birth, on) >= ADULT_AGE:
        errors["date_of_birth"] = "The child was 18 or over when referred: refer to adult services, not the CSE team"
    if estimated_age is not None and estimated_age >= ADULT_AGE:
        errors["estimated_age"] = "A person of 18 or over is referred to adult services, not the CSE team"
    if not date_of_birth and estimated_age is None:
        errors["date_of_birth"] = "Enter the date of birth or, if it is not known, an estimated age"
    if errors:
        raise ValidationError(errors)


def child_create(
    *, created_by: User, first_name: str = "", last_name: str = "", district: District | None = None, **fields
) -> Child:
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    aliases = [alias.strip() for alias in fields.pop("aliases", []) if alias.strip()]
    errors = {}
    if not first_name:
        errors["first_name"] = "Enter the child's first name"
    if not last_name:
        errors["last_name"] = "Enter the child's last name"
    if district is None:
        errors["district"] = "Choose the district where the child lives"
    errors |= _invisible_character_errors(first_name=first_name, last_name=last_name, aliases=aliases)
    if errors:
        raise ValidationError(errors)
    child = Child(
        first_name=first_name,
        last_name=last_name,
        aliases=aliases,
        district=district,
        search_names=search_names_for(first_name, last_name, aliases),
        **fields,
    )
    child.full_clean()
    child.save()
    return child


CHILD_FIELDS = (
    "first_name",
    "last_name",
    "aliases",
    "date_of_birth",
    "estimated_age",
    "gender",
    "ethnicity",
    "first_language",
    "special_needs",
    "district",
    "school",
    "looked_after",
    "placing_authority",
)


@transaction.atomic
def child_update(
    *, child: Child, referral: Referral, changed_by: User, expected_version: int, request=None, **changes
) -> Child:
    """Correct or update a child's details from one of their referrals, which
    the user must hold at change level. Where the child lives decides which
    children's services see all their referrals (the scope rules read it
    now), so a move is recorded like any other change."""
    unknown = set(changes) - set(CHILD_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed here"))
    if referral.child_id != child.pk:
        raise Http404("No such child on this referral")
    require_level(changed_by, referral, AccessLevel.CHANGE)
    current = Child.objects.select_for_update().get(pk=child.pk)
    check_version(current, expected_version, CHILD_FIELDS)
    lived_in = current.district
    for name, value in changes.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    moved = _check_authority_move(changed_by, lived_in, current.district)
    current.aliases = [alias.strip() for alias in current.aliases if alias.strip()]
    errors = {}
    if not current.first_name:
        errors["first_name"] = "Enter the child's first name"
    if not current.last_name:
        errors["last_name"] = "Enter the child's last name"
    if current.date_of_birth and current.date_of_birth > timezone.localdate():
        errors["date_of_birth"] = "Date of birth must be in the past"
    if not current.date_of_birth and current.estimated_age is None:
        errors["date_of_birth"] = "Enter the date of birth or, if it is not known, an estimated age"
    errors |= _invisible_character_errors(
        first_name=current.first_name, last_name=current.last_name, aliases=current.aliases
    )
    if errors:
        raise ValidationError(errors)
    current.search_names = search_names_for(current.first_name, current.last_name, current.aliases)
    current.full_clean(exclude=["search_vector"])
    current.version += 1
    current.save()
    record_access(
        user=changed_by,
        action=AccessEvent.Action.CHANGE,
        record_kind="referrals.child",
        record_ids=[current.pk],
        request=request,
        details={"fields": sorted(changes), "referral": referral.pk},
    )
    if moved:
        _record_authority_move(child=current, lived_in=lived_in, moved_by=changed_by, request=request)
    return current


def _check_authority_move(user: User, lived_in: District, lives_in: District) -> bool:
    """Whether the change moves the child to another children's services
    authority, refused unless the user may make such a move. A move discloses
    every referral about the child to the new authority (its scope rule reads
    the child's district), so only the CSE team or a supervisor of the
    authority responsible now may make it; a move inside one authority is a
    normal edit."""
    if lives_in is None or lives_in.childrens_services_id == lived_in.childrens_services_id:
        return False
    responsible = lived_in.childrens_services
    if user.is_cse_team_member or (user.has_role("supervisor") and user.agency_id == responsible.pk):
        return True
    raise StepNotAllowed(
        f"Moving the child to {lives_in.name} gives {lives_in.childrens_services.name} every referral about them: "
        f"only a member of the CSE team or a supervisor of {responsible.name} can make this move",
        reason="role",
        field="district",
    )


def _record_authority_move(*, child: Child, lived_in: District, moved_by: User, request) -> None:
    """A move between authorities is a disclosure: in the access log (every
    referral about the child, now seen by the new authority) and on the
    timeline of each of those referrals."""
    referrals = list(child.referrals.values_list("pk", flat=True))
    old, new = lived_in.childrens_services, child.district.childrens_services
    summary = (
        f"Moved from {lived_in.name} to {child.district.name}: {new.name} now sees this referral "
        f"(the protocol's rule for the child's authority) and {old.name} no longer does through that rule."
    )
    now = timezone.now()
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            referral_id=pk,
            occurred_at=now,
            kind=ChronologyEntry.Kind.NOTE,
            summary=summary,
            recorded_by=moved_by,
            agency=moved_by.agency,
            created_at=now,
        )
        for pk in referrals
    )
    record_access(
        user=moved_by,
        action=AccessEvent.Action.SHARE,
        record_kind="referrals.referral",
        record_ids=referrals,
        request=request,
        reason=summary,
        details={
            "child": child.pk,
            "moved_from": lived_in.code,
            "moved_to": child.district.code,
            "from_authority": old.code,
            "to_authority": new.code,
        },
    )


def likely_matches(*, first_name: str, last_name: str, date_of_birth=None):
    """Every child who is likely the one described, visible or not: for duplicate
    detection only, never shown as such."""
    return Child.objects.matching(first_name=first_name, last_name=last_name, date_of_birth=date_of_birth)


# --- referrals ------------------------------------------------------------------


def next_reference(year: int) -> str:
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db()
    return f"CSE-{year}-{counter.last_number:06d}"


CONCERN_TOO_LONG = f"The concern must be {CONCERN_SUMMARY_MAX_LENGTH:,} characters or fewer"


def _validate_referral(*, received_at, child_dob, estimated_age, consent_outcome, consent_not_sought_reason,
                       concern_summary, now, referrer_name="") -> None:  # fmt: skip
    errors = _invisible_character_errors(referrer_name=referrer_name)
    if received_at > now:
        errors["received_at"] = "The date the referral was received must not be in the future"
    if too_early(received_at):
        errors["received_at"] = before_earliest_message("The date the referral was received")
    if not concern_summary.strip():
        errors["concern_summary"] = "Describe the concern"
    elif len(concern_summary) > CONCERN_SUMMARY_MAX_LENGTH:
        errors["concern_summary"] = CONCERN_TOO_LONG
    if consent_outcome == ConsentOutcome.NOT_SOUGHT and not consent_not_sought_reason:
        errors["consent_not_sought_reason"] = "Say why consent was not sought"
    if errors:
        raise ValidationError(errors)
    _validate_child_age(date_of_birth=child_dob, estimated_age=estimated_age, on=timezone.localdate(received_at))


@transaction.atomic
def referral_create(
    *,
    created_by: User,
    child: Child | None = None,
    new_child: dict | None = None,
    received_at: datetime.datetime,
    channel: str,
    referrer_name: str,
    concern_summary: str,
    consent_outcome: str,
    district: District | None = None,
    referrer_role: str = "",
    referrer_agency: str = "",
    source_agency: Agency | None = None,
    exploitation_models: list[str] | tuple = (),
    immediate_risk: bool = False,
    consent_not_sought_reason: str = "",
    consent_decided_by: str = "",
    consent_decided_on: datetime.date | None = None,
    request=None,
) -> Referral:
    """Record a referral about an existing child (one the user may see) or a
    new one. When a likely match exists that the user may not see, the
    referral is flagged to the CSE team for linking; nothing about the other
    record reaches the user. Immediate risk alerts the CSE team supervisors."""
    if (child is None) == (new_child is None):
        raise ValidationError({"child": "Choose a child or describe a new one"})
    # Linking to a child opens their full record to the referrer (a child is seen
    # at their most visible referral's level), so only a child the referrer
    # already sees in full may be chosen; a summary-only match is flagged instead.
    if child is not None and not Child.objects.visible_to(created_by, AccessLevel.FULL).filter(pk=child.pk).exists():
        raise ValidationError({"child": "Choose a child from the search results"})
    now = timezone.now()
    dob = child.date_of_birth if child else new_child.get("date_of_birth")
    estimated_age = child.estimated_age if child else new_child.get("estimated_age")
    _validate_referral(
        received_at=received_at,
        child_dob=dob,
        estimated_age=estimated_age,
        consent_outcome=consent_outcome,
        consent_not_sought_reason=consent_not_sought_reason,
        concern_summary=concern_summary,
        now=now,
        referrer_name=referrer_name,
    )
    if consent_decided_on and consent_decided_on > timezone.localdate(now):
        raise ValidationError({"consent_decided_on": "The consent decision date must not be in the future"})
    if too_early(consent_decided_on):
        raise ValidationError({"consent_decided_on": before_earliest_message("The consent decision date")})
    needs_linking = False
    if new_child is not None:
        hidden_matches = likely_matches(
            first_name=new_child.get("first_name", ""),
            last_name=new_child.get("last_name", ""),
            date_of_birth=dob,
        ).exclude(pk__in=Child.objects.visible_to(created_by, AccessLevel.FULL).values("pk"))
        needs_linking = hidden_matches.exists()
        child = child_create(created_by=created_by, **new_child)
    referral = Referral(
        reference=next_reference(timezone.localdate(received_at).year),
        received_at=received_at,
        channel=channel,
        referrer_name=referrer_name.strip(),
        referrer_role=referrer_role.strip(),
        referrer_agency=referrer_agency.strip(),
        source_agency=source_agency,
        owning_agency=created_by.agency,
        child=child,
        district=district or child.district,
        concern_summary=concern_summary.strip(),
        exploitation_models=list(exploitation_models),
        immediate_risk=immediate_risk,
        consent_outcome=consent_outcome,
        consent_not_sought_reason=consent_not_sought_reason if consent_outcome == ConsentOutcome.NOT_SOUGHT else "",
        consent_decided_by=consent_decided_by.strip(),
        consent_decided_on=consent_decided_on,
        needs_linking=needs_linking,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    referral.full_clean(exclude=["reference"])
    referral.save()
    StatusChange.objects.create(
        referral=referral, to_status=Status.RECEIVED, changed_by=created_by, agency=created_by.agency, changed_at=now
    )
    record_access(
        user=created_by,
        action=AccessEvent.Action.CREATE,
        record_kind="referrals.referral",
        record_ids=[referral.pk],
        request=request,
    )
    if immediate_risk:
        enqueue("referrals.alert_immediate_risk", referral_id=referral.pk)
    return referral


# Fields a caseworker may edit after creation (the workflow owns the rest).
EDITABLE_FIELDS = (
    "channel",
    "referrer_name",
    "referrer_role",
    "referrer_agency",
    "source_agency",
    "district",
    "concern_summary",
    "exploitation_models",
    "immediate_risk",
    "consent_outcome",
    "consent_not_sought_reason",
    "consent_decided_by",
    "consent_decided_on",
)


def _label(field_name: str) -> str:
    return str(Referral._meta.get_field(field_name).verbose_name).capitalize()


CONFLICT_FIELDS = (*EDITABLE_FIELDS, "status", "lead_professional", "closure_reason")


def _check_version(current: Referral, expected_version: int) -> None:
    check_version(current, expected_version, CONFLICT_FIELDS)


@transaction.atomic
def referral_update(
    *, referral: Referral, changed_by: User, expected_version: int, request=None, **changes
) -> Referral:
    """Edit the referral's details. `expected_version` is the version the user
    loaded; a stale one raises StaleEdit and saves nothing."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed here"))
    require_level(changed_by, referral, AccessLevel.CHANGE)
    current = locked_referral(referral)
    _check_version(current, expected_version)
    immediate_risk_raised = bool(changes.get("immediate_risk")) and not current.immediate_risk
    for name, value in changes.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    if current.consent_outcome == ConsentOutcome.NOT_SOUGHT and not current.consent_not_sought_reason:
        raise ValidationError({"consent_not_sought_reason": "Say why consent was not sought"})
    if current.consent_outcome != ConsentOutcome.NOT_SOUGHT:
        current.consent_not_sought_reason = ""
    if current.consent_decided_on and current.consent_decided_on > timezone.localdate():
        raise ValidationError({"consent_decided_on": "The consent decision date must not be in the future"})
    if too_early(current.consent_decided_on):
        raise ValidationError({"consent_decided_on": before_earliest_message("The consent decision date")})
    if not current.concern_summary:
        raise ValidationError({"concern_summary": "Describe the concern"})
    if len(current.concern_summary) > CONCERN_SUMMARY_MAX_LENGTH:
        raise ValidationError({"concern_summary": CONCERN_TOO_LONG})
    if errors := _invisible_character_errors(referrer_name=current.referrer_name):
        raise ValidationError(errors)
    current.full_clean(exclude=["reference"])
    save_referral(current, user=changed_by, request=request, details={"fields": sorted(changes)})
    if immediate_risk_raised:
        enqueue("referrals.alert_immediate_risk", referral_id=current.pk)
    return current


@transaction.atomic
def referral_link_child(*, referral: Referral, child: Child, linked_by: User, request=None) -> Referral:
    """For the CSE team: a referral flagged `needs_linking` is about a child the
    service already knows. Move it onto that child's record; the new child
    record made with it is removed when nothing else refers to it."""
    require_level(linked_by, referral, AccessLevel.CHANGE)
    if not linked_by.is_cse_team_member:
        raise StepNotAllowed("Only the CSE team links referrals to known children", reason="role")
    require_role(linked_by, CASEWORKERS, "link a referral to a known child")
    current = locked_referral(referral)
    if not Child.objects.visible_to(linked_by, AccessLevel.FULL).filter(pk=child.pk).exists():
        raise ValidationError({"child": "Choose one of the likely matches"})
    if current.child_id == child.pk:
        raise ValidationError({"child": "The referral is already about this child"})
    replaced = current.child_id
    current.child = child
    current.needs_linking = False
    save_referral(current, user=linked_by, request=request, details={"linked_child": [replaced, child.pk]})
    if not Referral.objects.filter(child_id=replaced).exists():
        Child.objects.filter(pk=replaced).delete()
    return current


def linking_candidates(referral: Referral):
    """Known children likely to be the one a flagged referral is about (for the
    CSE team, who see every referral)."""
    child = referral.child
    return (
        likely_matches(first_name=child.first_name, last_name=child.last_name, date_of_birth=child.date_of_birth)
        .exclude(pk=child.pk)
        .select_related("district")
    )


# --- workflow -------------------------------------------------------------------


TRIAGE_OUTCOMES = (Status.NO_FURTHER_ACTION, Status.SIGNPOSTED, Status.FRONT_DOOR)


def allowed_steps(user: User, referral: Referral, level: str | None) -> list[Step]:
    """The steps this user may take now: for showing buttons. The services check again."""
    return STEPS.allowed(user, referral, level)


def _begin_step(step_name: str, *, referral: Referral, user: User, expected_version: int | None) -> Referral:
    step = STEPS[step_name]
    require_level(user, referral, AccessLevel.CHANGE)
    require_role(user, step.roles, step.label.lower())
    current = locked_referral(referral)
    if expected_version is not None:
        _check_version(current, expected_version)
    if current.status not in step.from_statuses:
        raise StepNotAllowed(
            f"You cannot {step.label.lower()} when the referral is {current.get_status_display().lower()}",
            reason="status",
        )
    return current


def move_referral(
    referral: Referral, to_status: str, *, user: User, note: str = "", request=None, **stamps
) -> Referral:
    """One workflow move: the status and its timestamps, a StatusChange for the timeline, saved as a change."""
    now = timezone.now()
    from_status = referral.status
    referral.status = to_status
    if referral.first_action_at is None and from_status == Status.RECEIVED:
        referral.first_action_at = now
    for name in stamps:
        setattr(referral, name, now)
    save_referral(referral, user=user, request=request, details={"status": [from_status, to_status]})
    StatusChange.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=to_status,
        note=note.strip(),
        changed_by=user,
        agency=user.agency,
        changed_at=now,
    )
    notices.status_changed(referral, changed_by=user)
    return referral


@transaction.atomic
def referral_triage(*, referral: Referral, triaged_by: User, note: str, expected_version=None, request=None):
    if not note.strip():
        raise ValidationError({"note": "Record what triage found"})
    current = _begin_step("triage", referral=referral, user=triaged_by, expected_version=expected_version)
    return move_referral(current, Status.TRIAGED, user=triaged_by, note=note, request=request, triaged_at=True)


@transaction.atomic
def referral_decide(*, referral: Referral, decided_by: User, outcome: str, note: str = "", expected_version=None,
                    request=None):  # fmt: skip
    """Record a triage decision other than acceptance (which is a supervisor's)."""
    if outcome not in TRIAGE_OUTCOMES:
        raise ValidationError(
            {"outcome": "Choose no further action, signpost to Early Help or refer to the front door"}
        )
    current = _begin_step("decide", referral=referral, user=decided_by, expected_version=expected_version)
    return move_referral(current, outcome, user=decided_by, note=note, request=request)


@transaction.atomic
def referral_accept(*, referral: Referral, accepted_by: User, note: str = "", expected_version=None, request=None):
    current = _begin_step("accept", referral=referral, user=accepted_by, expected_version=expected_version)
    return move_referral(current, Status.ACCEPTED, user=accepted_by, note=note, request=request, accepted_at=True)


@transaction.atomic
def referral_assign(*, referral: Referral, assigned_by: User, lead_professional: User, expected_version=None,
                    request=None):  # fmt: skip
    """Make someone the lead professional: a user who can see the referral in
    full (assignment never widens who can see it)."""
    current = _begin_step("assign", referral=referral, user=assigned_by, expected_version=expected_version)
    if not lead_professional.is_active or access.access_level(lead_professional, current) not in (
        AccessLevel.FULL,
        AccessLevel.CHANGE,
    ):
        raise ValidationError(
            {"lead_professional": "Choose someone who can see this referral in full under the protocol"}
        )
    if not (set(LEAD_ROLES) & lead_professional.role_codes):
        raise ValidationError(
            {"lead_professional": "Choose a caseworker, investigator, supervisor or practitioner to lead the case"}
        )
    current.lead_professional = lead_professional
    return save_referral(
        current, user=assigned_by, request=request, details={"lead_professional": lead_professional.pk}
    )


@transaction.atomic
def referral_open(*, referral: Referral, opened_by: User, note: str = "", expected_version=None, request=None):
    current = _begin_step("open", referral=referral, user=opened_by, expected_version=expected_version)
    if current.lead_professional_id is None:
        raise StepNotAllowed("Assign a lead professional before opening the case", reason="status")
    return move_referral(current, Status.OPEN, user=opened_by, note=note, request=request, opened_at=True)


@transaction.atomic
def referral_close(*, referral: Referral, closed_by: User, reason: str, note: str = "", expected_version=None,
                   request=None):  # fmt: skip
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": "Choose why the case is closing"})
    current = _begin_step("close", referral=referral, user=closed_by, expected_version=expected_version)
    current.closure_reason = reason
    return move_referral(current, Status.CLOSED, user=closed_by, note=note, request=request, closed_at=True)


# The workflow table (sharing.workflow): each step with the service that takes
# it, read by the pages and the API alike. After the services, which it names.
STEPS = Workflow(
    Step("triage", "Record triage", (Status.RECEIVED,), CASEWORKERS, referral_triage, "triaged_by"),
    Step("decide", "Record the triage decision", (Status.TRIAGED,), CASEWORKERS, referral_decide, "decided_by"),
    Step("accept", "Accept the referral", (Status.TRIAGED,), SUPERVISORS, referral_accept, "accepted_by"),
    Step(
        "assign",
        "Assign the lead professional",
        (Status.RECEIVED, Status.TRIAGED, Status.ACCEPTED, Status.RISK_ASSESSED, Status.OPEN),
        SUPERVISORS,
        referral_assign,
        "assigned_by",
    ),
    Step("open", "Open the case", (Status.RISK_ASSESSED,), CASEWORKERS, referral_open, "opened_by"),
    Step(
        "close",
        "Close the case",
        (Status.ACCEPTED, Status.RISK_ASSESSED, Status.OPEN, *TRIAGE_OUTCOMES),
        SUPERVISORS,
        referral_close,
        "closed_by",
    ),
    record_argument="referral",
)
