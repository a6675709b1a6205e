"""MoPI review and retention: the review-due date a new report starts with,
a review (retain / archive / dispose) by the intelligence unit, and disposal,
which leaves a tombstone and the access log but not the content."""

import logging

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AccessEvent
from audit.services import record_access
from cse_team.validators import text_errors
from intelligence.models import (
    Association,
    IntelligenceReport,
    Location,
    PersonOfConcern,
    ReportOriginal,
    RetentionRule,
    RetentionStatus,
    Review,
    ReviewDecision,
    Submission,
    Vehicle,
)
from intelligence.models.disruptions import Disruption
from intelligence.models.profiles import ProblemProfile
from intelligence.models.reviews import RATIONALE_MAX_LENGTH, REVIEW_MODELS, REVIEWED_FIELD
from intelligence.retention import RETENTION_RULES
from intelligence.services.core import require_unit
from sharing.levels import AccessLevel
from sharing.refusals import StepNotAllowed, require_level

logger = logging.getLogger(__name__)

TOMBSTONE_TITLE = "Disposed of under MoPI review"


# The review period of a new record when no retention rule is marked as the
# default (an administrator can unmark it in the admin): the built-in default
# rule's, MoPI group 1 (intelligence/retention.py). The officer's record is
# kept and still comes up for review; the administrator is told in the log.
FALLBACK_REVIEW_MONTHS = next(rule["review_after_months"] for rule in RETENTION_RULES if rule["is_default"])


def default_rule() -> RetentionRule | None:
    return RetentionRule.objects.filter(is_default=True).first()


def set_first_review(record, *, save: bool = True) -> None:
    """A new report's, disruption's or profile's review date, from the default
    rule (the services that create them call it); with no default rule, no
    rule and FALLBACK_REVIEW_MONTHS from its creation, and a warning."""
    rule = default_rule()
    created = timezone.localdate(record.created_at)
    if rule is None:
        logger.warning(
            "No retention rule is marked as the default: %s %s is due for review after the built-in %s months. "
            "An administrator marks one rule as the default in the admin (Intelligence > Retention rules).",
            record._meta.verbose_name, record.pk or "(new)", FALLBACK_REVIEW_MONTHS,
        )  # fmt: skip
        record.retention_rule, record.review_due = None, created + relativedelta(months=FALLBACK_REVIEW_MONTHS)
    else:
        record.retention_rule, record.review_due = rule, rule.review_due_after(created)
    if save:
        record.save(update_fields=["retention_rule", "review_due"])


@transaction.atomic
def record_review(*, record, reviewed_by, decision: str, rationale: str, retention_rule=None, request=None):
    """The unit reviews a report, a disruption or a problem profile: retain
    or archive it until its next review (the rule's period from today), or
    dispose of it. Returns the review."""
    model = type(record)
    review_model = REVIEW_MODELS[model]
    name = model._meta.verbose_name
    require_level(reviewed_by, record, AccessLevel.CHANGE)
    require_unit(reviewed_by, "review intelligence for retention")
    current = model.objects.select_for_update().get(pk=record.pk)
    if current.retention_status == RetentionStatus.DISPOSED:
        raise StepNotAllowed(f"This {name} has been disposed of", reason="status")
    errors = {}
    if decision not in ReviewDecision.values:
        errors["decision"] = "Choose retain, archive or dispose"
    if not (rationale or "").strip():
        errors["rationale"] = "Give the rationale for the decision"
    text_errors(errors, "rationale", rationale or "", RATIONALE_MAX_LENGTH)
    rule = retention_rule or current.retention_rule or default_rule()
    if not isinstance(rule, RetentionRule):
        rule = RetentionRule.objects.filter(pk=rule).first()
        if rule is None:
            errors["retention_rule"] = "Choose a retention rule" + (
                "" if retention_rule else " (none is marked as the default, which an administrator sets in the admin)"
            )
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    next_review = None if decision == ReviewDecision.DISPOSE else rule.review_due_after(today)
    review = review_model.objects.create(
        **{REVIEWED_FIELD[review_model]: current}, decision=decision, rationale=rationale.strip(),
        retention_rule=rule, next_review_due=next_review, reviewed_by=reviewed_by,
    )  # fmt: skip
    current.retention_rule = rule
    current.review_due = next_review
    if decision == ReviewDecision.DISPOSE:
        DISPOSALS[model](current)
    else:
        current.retention_status = (
            RetentionStatus.ARCHIVED if decision == ReviewDecision.ARCHIVE else RetentionStatus.ACTIVE
        )
        current.save(update_fields=["retention_rule", "review_due", "retention_status"])
    record_access(
        user=reviewed_by,
        action=AccessEvent.Action.CHANGE,
        record_kind=current._meta.label_lower,
        record_ids=[current.pk],
        request=request,
        details={"review": review.pk, "decision": decision},
    )
    return review


def report_review(*, report, **arguments) -> Review:
    """A report's review (record_review)."""
    return record_review(record=report, **arguments)


def _forget_history(model, ids) -> None:
    """The change history of disposed records holds their content: it goes too
    (the access log, which holds no content, stays)."""
    event_model = apps.get_model(model._meta.app_label, f"{model.__name__}Event")
    event_model.objects.filter(pgh_obj_id__in=list(ids)).delete()


def _dispose(report: IntelligenceReport) -> None:
    """The tombstone: the reference, district, handling code, dates and reviews
    stay; the text, the original, the entities' links and associations go, as
    do entities no other record refers to, and the change history of each."""
    persons = list(report.persons.values_list("pk", flat=True))
    locations = list(report.locations.values_list("pk", flat=True))
    vehicles = list(report.vehicles.values_list("pk", flat=True))
    Association.objects.filter(report=report).delete()
    report.persons.clear()
    report.locations.clear()
    report.vehicles.clear()
    ReportOriginal.objects.filter(report=report).update(original_text="", source_reference="")
    report.title = TOMBSTONE_TITLE
    report.sanitised_text = ""
    report.handling_conditions = ""
    report.retention_status = RetentionStatus.DISPOSED
    report.disposed_at = timezone.now()
    report.save(update_fields=["title", "sanitised_text", "handling_conditions", "retention_status", "disposed_at",
                               "retention_rule", "review_due"])  # fmt: skip
    submission_ids = [report.submission_id] if report.submission_id else []
    if submission_ids:
        Submission.objects.filter(pk__in=submission_ids).update(
            what_happened="", occurred_when="", where="", who="", further_information="", occurred_on=None
        )
        Submission.objects.get(pk=report.submission_id).children.clear()
    _delete_orphans(((PersonOfConcern, persons), (Location, locations), (Vehicle, vehicles)))
    _forget_history(IntelligenceReport, [report.pk])
    _forget_history(ReportOriginal, ReportOriginal.objects.filter(report=report).values_list("pk", flat=True))
    _forget_history(Submission, submission_ids)


def _delete_orphans(models_and_ids) -> None:
    """Entities that no report, association or disruption refers to any more
    (entities exist only through what refers to them), with their history."""
    for model, ids in models_and_ids:
        orphans = model.objects.filter(pk__in=ids).filter(reports__isnull=True)
        orphans = orphans.exclude(Q(associations_a__isnull=False) | Q(associations_b__isnull=False))
        if model is not Vehicle:
            orphans = orphans.filter(disruptions__isnull=True)
        orphan_ids = list(orphans.values_list("pk", flat=True))
        model.objects.filter(pk__in=orphan_ids).delete()
        _forget_history(model, orphan_ids)


def _dispose_disruption(disruption: Disruption) -> None:
    """The tombstone: the reference, kind, status, district, dates and reviews
    stay; the details, a breach's and a withdrawal's text, and the links to
    persons, locations and children go, with the change history."""
    persons = list(disruption.persons.values_list("pk", flat=True))
    locations = list(disruption.locations.values_list("pk", flat=True))
    disruption.persons.clear()
    disruption.locations.clear()
    disruption.children.clear()
    disruption.details = ""
    disruption.breach_details = ""
    disruption.withdrawal_reason = ""
    disruption.retention_status = RetentionStatus.DISPOSED
    disruption.disposed_at = timezone.now()
    disruption.save(update_fields=["details", "breach_details", "withdrawal_reason", "retention_status",
                                   "disposed_at", "retention_rule", "review_due"])  # fmt: skip
    _delete_orphans(((PersonOfConcern, persons), (Location, locations)))
    _forget_history(Disruption, [disruption.pk])


def _dispose_profile(profile: ProblemProfile) -> None:
    """The tombstone: the reference, area, period, status, dates, reviews and
    its shares (the Records of Sharing) stay; the title, assessment,
    recommendations, priorities and frozen snapshot go, with the change history."""
    profile.title = TOMBSTONE_TITLE
    profile.assessment = ""
    profile.recommendations = ""
    profile.plan_priority_ids = []
    profile.snapshot = {}
    profile.retention_status = RetentionStatus.DISPOSED
    profile.disposed_at = timezone.now()
    profile.save(update_fields=["title", "assessment", "recommendations", "plan_priority_ids", "snapshot",
                                "retention_status", "disposed_at", "retention_rule", "review_due"])  # fmt: skip
    _forget_history(ProblemProfile, [profile.pk])


DISPOSALS = {IntelligenceReport: _dispose, Disruption: _dispose_disruption, ProblemProfile: _dispose_profile}
