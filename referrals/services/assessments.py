"""Risk assessments: submit, approve, return."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AccessEvent
from audit.services import record_access
from referrals import notices, scoring
from referrals.models import (
    Child,
    IndicatorAnswer,
    Instrument,
    Referral,
    RiskAssessment,
    Status,
)
from referrals.services.common import (
    CASEWORKERS,
    SUPERVISORS,
    StepNotAllowed,
    locked_referral,
    require_level,
    require_role,
    save_referral,
)
from referrals.services.referrals import move_referral
from sharing.levels import AccessLevel

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
    require_role(assessed_by, CASEWORKERS, "assess risk")
    if not instrument.active:
        raise ValidationError({"instrument": "This instrument version is no longer used; choose a current one"})
    if locked_referral(referral).status not in ASSESSABLE_STATUSES:
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
    # The assessor's draft of this referral is finished by this submission.
    assessment = _store(
        referral=referral,
        assessed_by=assessed_by,
        instrument=instrument,
        result=result,
        responses=responses,
        evidence=evidence,
        professional_level=professional_level,
        rationale=rationale,
        request=request,
        status=RiskAssessment.Status.SUBMITTED,
        created_at=now,
        submitted_at=now,
    )
    notices.assessment_submitted(assessment)
    return assessment


def drafts_of(referral: Referral, assessed_by: User):
    """The assessor's saved, unsubmitted assessment of the referral (at most one)."""
    return RiskAssessment.objects.filter(referral=referral, assessed_by=assessed_by, status=RiskAssessment.Status.DRAFT)


@transaction.atomic
def assessment_save_draft(
    *,
    referral: Referral,
    assessed_by: User,
    instrument: Instrument,
    responses: dict,  # indicator id -> scoring.Response, only those answered so far
    evidence: dict | None = None,
    professional_level: str = "",
    rationale: str = "",
    request=None,
) -> RiskAssessment:
    """Save an unfinished assessment to finish later ("save and return"). The
    same people and statuses as a submission; nothing is checked for
    completeness, and nobody is told. It replaces the assessor's earlier draft
    of the referral. A present answer without its time is not kept (an answer
    always has one); the judgement is kept only with what makes it valid."""
    require_level(assessed_by, referral, AccessLevel.CHANGE)
    require_role(assessed_by, CASEWORKERS, "assess risk")
    if not instrument.active:
        raise ValidationError({"instrument": "This instrument version is no longer used; choose a current one"})
    if locked_referral(referral).status not in ASSESSABLE_STATUSES:
        raise StepNotAllowed("Risk is assessed once a supervisor has accepted the referral", reason="status")
    responses = {
        indicator_id: response
        for indicator_id, response in responses.items()
        if response.answer == "no" or response.timeframe in ("current", "past", "both")
    }
    _validate_responses(instrument, responses)
    result = compute_for(instrument, referral.child, responses)
    rationale = rationale.strip()
    if professional_level not in ("low", "medium", "high") or (
        professional_level != result.computed_level and not rationale
    ):
        professional_level = result.computed_level
    return _store(
        referral=referral,
        assessed_by=assessed_by,
        instrument=instrument,
        result=result,
        responses=responses,
        evidence=evidence,
        professional_level=professional_level,
        rationale=rationale,
        request=request,
        status=RiskAssessment.Status.DRAFT,
    )


def _store(
    *,
    referral,
    assessed_by,
    instrument,
    result,
    responses,
    evidence,
    professional_level,
    rationale,
    request,
    status,
    **times,
) -> RiskAssessment:
    """Write an assessment (a submission or a draft) with its answers, in place
    of the assessor's draft of the referral, and log its creation."""
    drafts_of(referral, assessed_by).delete()
    assessment = RiskAssessment.objects.create(
        referral=referral,
        instrument=instrument,
        status=status,
        score=result.score,
        band_label=result.band_label,
        computed_level=result.computed_level,
        override_rules_applied=result.rules_applied,
        professional_level=professional_level,
        rationale=rationale.strip(),
        assessed_by=assessed_by,
        agency=assessed_by.agency,
        **times,
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
    require_role(user, SUPERVISORS, "approve or return a risk assessment")
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
    referral = locked_referral(current.referral)
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
    notices.assessment_decided(current)
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
        move_referral(referral, Status.RISK_ASSESSED, user=approved_by, request=request, risk_assessed_at=True)
    else:
        save_referral(referral, user=approved_by, request=request, details={"risk_level": referral.risk_level})
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
    notices.assessment_decided(current)
    notices.assessment_returned(current)
    return current
