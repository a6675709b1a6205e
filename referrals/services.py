"""Every write of the referrals app.

Each service is one transaction, checks on the server that the user may make
the change (their access level to the referral, through sharing, and their
role), and records it. Refusals:

- ValidationError with field names: bad input, shown next to the field / 400;
- StepNotAllowed: a workflow step not allowed from the status or for the role (409 / 403);
- StaleEdit: the referral changed since the user loaded it (409, with what changed);
- Http404: the user may not see the referral at all (existence is not disclosed).

Nothing is saved when any of them is raised.
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from accounts.models import Agency, District, User
from audit.models import AccessEvent
from audit.services import record_access
from referrals import scoring
from referrals.models import (
    Action,
    Child,
    ChronologyEntry,
    ClosureReason,
    ConsentOutcome,
    IndicatorAnswer,
    Instrument,
    MissingEpisode,
    ReferenceCounter,
    Referral,
    RiskAssessment,
    Status,
    StatusChange,
)
from referrals.models.children import age_on
from sharing import access
from sharing.levels import RANK, AccessLevel

ADULT_AGE = 18


class StepNotAllowed(Exception):
    """A workflow step refused: `reason` is "status" (not from the current
    status: 409) or "role" (not for this user's role: 403)."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


class StaleEdit(Exception):
    """Someone else saved the referral after this user loaded it."""

    def __init__(self, referral: Referral, changes: list[tuple[str, object, object]]):
        super().__init__("Someone else changed this referral since you opened it")
        self.referral = referral
        self.changes = changes  # (field label, the value you saw, the value now)


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


def _require_role(user: User, roles: tuple[str, ...], step: str) -> None:
    if not any(user.has_role(role) for role in roles):
        names = " or ".join(role.replace("-", " ") + "s" for role in roles)
        raise StepNotAllowed(f"Only {names} can {step}", reason="role")


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


# --- children -----------------------------------------------------------------


def search_names_for(first_name: str, last_name: str, aliases) -> str:
    return " ".join([first_name, last_name, *aliases]).lower().strip()


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


def _validate_referral(*, received_at, child_dob, estimated_age, consent_outcome, consent_not_sought_reason,
                       concern_summary, now) -> None:  # fmt: skip
    errors = {}
    if received_at > now:
        errors["received_at"] = "The date the referral was received must not be in the future"
    if not concern_summary.strip():
        errors["concern_summary"] = "Describe the concern"
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
    )
    if consent_decided_on and consent_decided_on > timezone.localdate(now):
        raise ValidationError({"consent_decided_on": "The consent decision date must not be in the future"})
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
        from referrals.tasks import alert_immediate_risk

        transaction.on_commit(lambda: alert_immediate_risk.delay(referral.pk))
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


def changes_since(current: Referral, version: int) -> list[tuple[str, object, object]]:
    """(field label, value at `version`, value now) for each field changed since
    the user loaded that version, read from the change history (pghistory)."""
    from django.apps import apps

    history = apps.get_model("referrals", "ReferralEvent")
    then = history.objects.filter(pgh_obj_id=current.pk, version=version).order_by("-pgh_id").first()
    if then is None:
        return []
    changes = []
    for name in CONFLICT_FIELDS:
        field = Referral._meta.get_field(name)
        before, now = getattr(then, field.attname), getattr(current, field.attname)
        if before != now:
            if field.choices and not isinstance(before, list):
                labels = dict(field.flatchoices)
                before, now = labels.get(before, before), labels.get(now, now)
            elif field.is_relation:
                model = field.related_model
                before, now = (model.objects.filter(pk=value).first() if value else None for value in (before, now))
            changes.append((_label(name), before, now))
    return changes


def _check_version(current: Referral, expected_version: int) -> None:
    if current.version != expected_version:
        raise StaleEdit(current, changes_since(current, expected_version))


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
    current = _locked(referral)
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
    if not current.concern_summary:
        raise ValidationError({"concern_summary": "Describe the concern"})
    current.full_clean(exclude=["reference"])
    current.version += 1
    current.updated_at = timezone.now()
    current.save()
    record_access(
        user=changed_by,
        action=AccessEvent.Action.CHANGE,
        record_kind="referrals.referral",
        record_ids=[current.pk],
        request=request,
        details={"fields": sorted(changes)},
    )
    if immediate_risk_raised:
        from referrals.tasks import alert_immediate_risk

        transaction.on_commit(lambda: alert_immediate_risk.delay(current.pk))
    return current


# --- workflow -------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    from_statuses: tuple[str, ...]
    roles: tuple[str, ...]


CASEWORKERS = ("caseworker", "supervisor")
SUPERVISORS = ("supervisor",)
TRIAGE_OUTCOMES = (Status.NO_FURTHER_ACTION, Status.SIGNPOSTED, Status.FRONT_DOOR)

STEPS = {
    "triage": Step("triage", "Record triage", (Status.RECEIVED,), CASEWORKERS),
    "decide": Step("decide", "Record the triage decision", (Status.TRIAGED,), CASEWORKERS),
    "accept": Step("accept", "Accept the referral", (Status.TRIAGED,), SUPERVISORS),
    "assign": Step(
        "assign",
        "Assign the lead professional",
        (Status.RECEIVED, Status.TRIAGED, Status.ACCEPTED, Status.RISK_ASSESSED, Status.OPEN),
        SUPERVISORS,
    ),
    "open": Step("open", "Open the case", (Status.RISK_ASSESSED,), CASEWORKERS),
    "close": Step(
        "close",
        "Close the case",
        (Status.ACCEPTED, Status.RISK_ASSESSED, Status.OPEN, *TRIAGE_OUTCOMES),
        SUPERVISORS,
    ),
}


def allowed_steps(user: User, referral: Referral, level: str | None) -> list[Step]:
    """The steps this user may take now: for showing buttons. The services check again."""
    if level != AccessLevel.CHANGE:
        return []
    return [
        step
        for step in STEPS.values()
        if referral.status in step.from_statuses and any(user.has_role(role) for role in step.roles)
    ]


def _begin_step(step_name: str, *, referral: Referral, user: User, expected_version: int | None) -> Referral:
    step = STEPS[step_name]
    require_level(user, referral, AccessLevel.CHANGE)
    _require_role(user, step.roles, step.label.lower())
    current = _locked(referral)
    if expected_version is not None:
        _check_version(current, expected_version)
    if current.status not in step.from_statuses:
        raise StepNotAllowed(
            f"You cannot {step.label.lower()} when the referral is {current.get_status_display().lower()}",
            reason="status",
        )
    return current


def _move(referral: Referral, to_status: str, *, user: User, note: str = "", request=None, **stamps) -> Referral:
    now = timezone.now()
    from_status = referral.status
    referral.status = to_status
    if referral.first_action_at is None and from_status == Status.RECEIVED:
        referral.first_action_at = now
    for name in stamps:
        setattr(referral, name, now)
    referral.version += 1
    referral.updated_at = now
    referral.save()
    StatusChange.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=to_status,
        note=note.strip(),
        changed_by=user,
        agency=user.agency,
        changed_at=now,
    )
    record_access(
        user=user,
        action=AccessEvent.Action.CHANGE,
        record_kind="referrals.referral",
        record_ids=[referral.pk],
        request=request,
        details={"status": [from_status, to_status]},
    )
    return referral


@transaction.atomic
def referral_triage(*, referral: Referral, triaged_by: User, note: str, expected_version=None, request=None):
    if not note.strip():
        raise ValidationError({"note": "Record what triage found"})
    current = _begin_step("triage", referral=referral, user=triaged_by, expected_version=expected_version)
    return _move(current, Status.TRIAGED, user=triaged_by, note=note, request=request, triaged_at=True)


@transaction.atomic
def referral_decide(*, referral: Referral, decided_by: User, outcome: str, note: str = "", expected_version=None,
                    request=None):  # fmt: skip
    """Record a triage decision other than acceptance (which is a supervisor's)."""
    if outcome not in TRIAGE_OUTCOMES:
        raise ValidationError(
            {"outcome": "Choose no further action, signpost to Early Help or refer to the front door"}
        )
    current = _begin_step("decide", referral=referral, user=decided_by, expected_version=expected_version)
    return _move(current, outcome, user=decided_by, note=note, request=request)


@transaction.atomic
def referral_accept(*, referral: Referral, accepted_by: User, note: str = "", expected_version=None, request=None):
    current = _begin_step("accept", referral=referral, user=accepted_by, expected_version=expected_version)
    return _move(current, Status.ACCEPTED, user=accepted_by, note=note, request=request, accepted_at=True)


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
    current.lead_professional = lead_professional
    current.version += 1
    current.updated_at = timezone.now()
    current.save()
    record_access(
        user=assigned_by,
        action=AccessEvent.Action.CHANGE,
        record_kind="referrals.referral",
        record_ids=[current.pk],
        request=request,
        details={"lead_professional": lead_professional.pk},
    )
    return current


@transaction.atomic
def referral_open(*, referral: Referral, opened_by: User, note: str = "", expected_version=None, request=None):
    current = _begin_step("open", referral=referral, user=opened_by, expected_version=expected_version)
    if current.lead_professional_id is None:
        raise StepNotAllowed("Assign a lead professional before opening the case", reason="status")
    return _move(current, Status.OPEN, user=opened_by, note=note, request=request, opened_at=True)


@transaction.atomic
def referral_close(*, referral: Referral, closed_by: User, reason: str, note: str = "", expected_version=None,
                   request=None):  # fmt: skip
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": "Choose why the case is closing"})
    current = _begin_step("close", referral=referral, user=closed_by, expected_version=expected_version)
    current.closure_reason = reason
    return _move(current, Status.CLOSED, user=closed_by, note=note, request=request, closed_at=True)


# --- risk assessments -----------------------------------------------------------

ASSESSABLE_STATUSES = (Status.ACCEPTED, Status.RISK_ASSESSED, Status.OPEN)


def compute_for(instrument: Instrument, child: Child, responses: dict, *, on: datetime.date | None = None):
    sections, bands, rules = scoring.load_instrument(instrument)
    return scoring.compute(instrument, sections, bands, rules, responses, age=child.age_on(on or timezone.localdate()))


def _validate_responses(instrument: Instrument, responses: dict) -> None:
    known = set(instrument.sections.values_list("indicators__pk", flat=True))
    errors = {}
    for indicator_id, response in responses.items():
        if indicator_id not in known:
            errors[f"indicator_{indicator_id}"] = "This indicator is not part of the instrument"
        elif response.answer not in ("yes", "no", "suspected"):
            errors[f"indicator_{indicator_id}"] = "Answer yes, no or suspected"
        elif response.answer != "no" and response.timeframe not in ("current", "past", "both"):
            errors[f"timeframe_{indicator_id}"] = "Say when: now, 6 to 12 months ago, or both"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assessment_submit(
    *,
    referral: Referral,
    assessed_by: User,
    instrument: Instrument,
    responses: dict,  # indicator id -> scoring.Response
    evidence: dict | None = None,  # indicator id -> note
    professional_level: str,
    rationale: str = "",
    request=None,
) -> RiskAssessment:
    """Record a completed assessment and send it to a supervisor for approval.
    The computed level is the instrument's (with override rules); a different
    professional level needs a rationale."""
    require_level(assessed_by, referral, AccessLevel.CHANGE)
    _require_role(assessed_by, CASEWORKERS, "assess risk")
    if not instrument.active:
        raise ValidationError({"instrument": "This instrument version is no longer used; choose a current one"})
    if _locked(referral).status not in ASSESSABLE_STATUSES:
        raise StepNotAllowed("Risk is assessed once a supervisor has accepted the referral", reason="status")
    _validate_responses(instrument, responses)
    result = compute_for(instrument, referral.child, responses)
    if professional_level not in ("low", "medium", "high"):
        raise ValidationError({"professional_level": "Choose low, medium or high"})
    if professional_level != result.computed_level and not rationale.strip():
        raise ValidationError(
            {"rationale": f"Explain why your judgement differs from the computed level ({result.computed_level})"}
        )
    now = timezone.now()
    assessment = RiskAssessment.objects.create(
        referral=referral,
        instrument=instrument,
        status=RiskAssessment.Status.SUBMITTED,
        score=result.score,
        band_label=result.band_label,
        computed_level=result.computed_level,
        override_rules_applied=result.rules_applied,
        professional_level=professional_level,
        rationale=rationale.strip(),
        assessed_by=assessed_by,
        agency=assessed_by.agency,
        created_at=now,
        submitted_at=now,
    )
    evidence = evidence or {}
    IndicatorAnswer.objects.bulk_create(
        IndicatorAnswer(
            assessment=assessment,
            indicator_id=indicator_id,
            answer=response.answer,
            timeframe=response.timeframe if response.answer != "no" else "",
            evidence=(evidence.get(indicator_id) or "").strip(),
        )
        for indicator_id, response in responses.items()
    )
    record_access(
        user=assessed_by,
        action=AccessEvent.Action.CREATE,
        record_kind="referrals.riskassessment",
        record_ids=[assessment.pk],
        request=request,
    )
    return assessment


def _decidable(assessment: RiskAssessment, user: User) -> RiskAssessment:
    require_level(user, assessment.referral, AccessLevel.CHANGE)
    _require_role(user, SUPERVISORS, "approve or return a risk assessment")
    current = RiskAssessment.objects.select_for_update().get(pk=assessment.pk)
    if current.status != RiskAssessment.Status.SUBMITTED:
        raise StepNotAllowed(f"This assessment is {current.get_status_display().lower()}", reason="status")
    if current.assessed_by_id == user.pk:
        raise StepNotAllowed("Another supervisor must approve your own assessment", reason="role")
    return current


@transaction.atomic
def assessment_approve(*, assessment: RiskAssessment, approved_by: User, request=None) -> RiskAssessment:
    """Approve: the referral takes the professional level and is due a review
    within the instrument's review period, unless a later assessment has
    already been approved (an older one does not set the level back). A
    closed case's assessments can no longer be approved."""
    current = _decidable(assessment, approved_by)
    referral = _locked(current.referral)
    if referral.status not in ASSESSABLE_STATUSES:
        raise StepNotAllowed(
            f"The referral is {referral.get_status_display().lower()}: its assessments can no longer be approved",
            reason="status",
        )
    now = timezone.now()
    current.status = RiskAssessment.Status.APPROVED
    current.decided_by = approved_by
    current.decided_at = now
    current.review_due = timezone.localdate(now) + relativedelta(months=current.instrument.review_months)
    current.save()
    superseded = (
        RiskAssessment.objects.filter(referral=referral, status=RiskAssessment.Status.APPROVED)
        .filter(submitted_at__gt=current.submitted_at)
        .exists()
    )
    if superseded:
        return current
    referral.risk_level = current.professional_level
    referral.review_due = current.review_due
    if referral.status == Status.ACCEPTED:
        _move(referral, Status.RISK_ASSESSED, user=approved_by, request=request, risk_assessed_at=True)
    else:
        referral.version += 1
        referral.updated_at = now
        referral.save()
    return current


@transaction.atomic
def assessment_return(*, assessment: RiskAssessment, returned_by: User, reason: str, request=None) -> RiskAssessment:
    if not reason.strip():
        raise ValidationError({"reason": "Say what needs to change"})
    current = _decidable(assessment, returned_by)
    current.status = RiskAssessment.Status.RETURNED
    current.decided_by = returned_by
    current.decided_at = timezone.now()
    current.return_reason = reason.strip()
    current.save()
    return current


# --- chronology, actions, missing episodes ----------------------------------------


def _not_future(errors: dict, name: str, value, label: str) -> None:
    if value and value > timezone.now():
        errors[name] = f"{label} must not be in the future"


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
    if due_date and due_date < timezone.localdate():
        errors["due_date"] = "The due date must be today or later"
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
    return action


@transaction.atomic
def action_complete(*, action: Action, completed_by: User, request=None) -> Action:
    """Mark an action done: its owner, or anyone with change access to the referral."""
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
