"""Problem profiles: drafting and editing, the workflow (submit for QA,
return, approve and freeze the snapshot, disseminate as recorded shares),
the frozen snapshot itself, and the PDF made from it."""

import uuid
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Agency
from audit.models import AccessEvent
from audit.services import record_access
from cse_team.validators import before_earliest_message, text_errors, too_early
from intelligence.models import (
    NOT_FOR_PARTNERS,
    UNIT_AGENCY,
    Association,
    IntelligenceReport,
    Location,
    PersonOfConcern,
    RetentionStatus,
)
from intelligence.models.disruptions import Disruption
from intelligence.models.profiles import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, ProblemProfile, ProfileStatus
from intelligence.plan_priorities import priorities_for
from intelligence.services.core import _reference, require_unit
from intelligence.services.reviews import set_first_review
from sharing.levels import AccessLevel
from sharing.refusals import StepNotAllowed, check_version, require_level
from sharing.services import SHARE_TEXT_MAX
from sharing.workflow import Step, Workflow

APPROVERS = ("supervisor", "manager")
AUTHORS = ("analyst", "intelligence-officer")
EDITABLE_FIELDS = ("title", "assessment", "recommendations", "plan_priority_ids")
PURPOSE_MAX_LENGTH = 1000  # a dissemination's purpose (the form, the API and the service)
CONDITIONS_MAX_LENGTH = SHARE_TEXT_MAX  # they become the share's conditions, which the engine caps
HOTSPOTS_SHOWN = 10
PERSONS_SHOWN = 10
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _checked(errors, *, title, district, period_start, period_end, plan_priority_ids, assessment="",
             recommendations=""):  # fmt: skip
    if not (title or "").strip():
        errors["title"] = "Enter a title"
    text_errors(errors, "title", (title or "").strip(), TITLE_MAX_LENGTH)
    text_errors(errors, "assessment", assessment or "", TEXT_MAX_LENGTH)
    text_errors(errors, "recommendations", recommendations or "", TEXT_MAX_LENGTH)
    if period_start is None:
        errors["period_start"] = "Enter the start of the period"
    elif too_early(period_start):
        errors["period_start"] = before_earliest_message("The start of the period")
    if period_end is None:
        errors["period_end"] = "Enter the end of the period"
    elif period_start and period_end < period_start:
        errors["period_end"] = "The period must end on or after its start"
    elif period_end > timezone.localdate():
        errors["period_end"] = "The period must end today or in the past"
    known = {priority.pk for priority in priorities_for(district)}
    if set(plan_priority_ids) - known:
        errors["plan_priority_ids"] = "Choose priorities of a Community Safety Plan for the profile's area"


@transaction.atomic
def profile_create(*, author, title, period_start, period_end, district=None, assessment="", recommendations="",
                   plan_priority_ids=(), request=None) -> ProblemProfile:  # fmt: skip
    """An analyst (or intelligence officer) drafts a profile of a district or the county."""
    require_unit(author, "write problem profiles")
    if not set(AUTHORS) & author.role_codes:
        raise StepNotAllowed("Problem profiles are written by analysts and intelligence officers", reason="role")
    plan_priority_ids = [int(pk) for pk in plan_priority_ids]
    errors = {}
    _checked(errors, title=title, district=district, period_start=period_start, period_end=period_end,
             plan_priority_ids=plan_priority_ids, assessment=assessment, recommendations=recommendations)  # fmt: skip
    if errors:
        raise ValidationError(errors)
    profile = ProblemProfile.objects.create(
        reference=uuid.uuid4().hex[:20], owning_agency=Agency.objects.get(code=UNIT_AGENCY), title=title.strip(),
        district=district, period_start=period_start, period_end=period_end, assessment=assessment.strip(),
        recommendations=recommendations.strip(), plan_priority_ids=plan_priority_ids, author=author,
    )  # fmt: skip
    profile.reference = _reference("PP", profile)
    set_first_review(profile, save=False)
    profile.save(update_fields=["reference", "retention_rule", "review_due"])
    _logged(author, profile, request, AccessEvent.Action.CREATE)
    return profile


@transaction.atomic
def profile_update(*, profile, changed_by, expected_version: int, request=None, **changes) -> ProblemProfile:
    """Edit a draft's text and priorities (a stale edit is refused with what changed)."""
    require_level(changed_by, profile, AccessLevel.CHANGE)
    require_unit(changed_by, "edit problem profiles")
    current = ProblemProfile.objects.select_for_update().get(pk=profile.pk)
    check_version(current, expected_version, EDITABLE_FIELDS)
    if current.status != ProfileStatus.DRAFT or current.retention_status == RetentionStatus.DISPOSED:
        raise StepNotAllowed("Only a draft profile can be edited", reason="status")
    changes["plan_priority_ids"] = [int(pk) for pk in changes.get("plan_priority_ids", current.plan_priority_ids)]
    errors = {}
    _checked(errors, title=changes.get("title", current.title), district=current.district,
             period_start=current.period_start, period_end=current.period_end,
             plan_priority_ids=changes["plan_priority_ids"], assessment=changes.get("assessment", ""),
             recommendations=changes.get("recommendations", ""))  # fmt: skip
    if errors:
        raise ValidationError(errors)
    for name in EDITABLE_FIELDS:
        if name in changes:
            value = changes[name]
            setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.version += 1
    current.save()
    _logged(changed_by, current, request)
    return current


def _logged(user, profile, request, action=AccessEvent.Action.CHANGE, **details):
    record_access(user=user, action=action, record_kind=profile._meta.label_lower, record_ids=[profile.pk],
                  request=request, details=details or None)  # fmt: skip


def _for_step(profile, user, action, statuses) -> ProblemProfile:
    require_level(user, profile, AccessLevel.CHANGE)
    require_unit(user, action)
    current = ProblemProfile.objects.select_for_update().get(pk=profile.pk)
    if current.retention_status == RetentionStatus.DISPOSED:
        raise StepNotAllowed("This profile has been disposed of", reason="status")
    if current.status not in statuses:
        raise StepNotAllowed(f"A profile that is {current.get_status_display().lower()} cannot be {action}",
                             reason="status")  # fmt: skip
    return current


@transaction.atomic
def profile_submit(*, profile, submitted_by, request=None) -> ProblemProfile:
    current = _for_step(profile, submitted_by, "sent for quality assurance", (ProfileStatus.DRAFT,))
    if not current.assessment.strip():
        raise ValidationError({"assessment": "Write the assessment before sending the profile for QA"})
    current.status = ProfileStatus.QA
    current.save(update_fields=["status"])
    _logged(submitted_by, current, request, step="submit")
    return current


@transaction.atomic
def profile_return(*, profile, returned_by, request=None) -> ProblemProfile:
    current = _for_step(profile, returned_by, "returned", (ProfileStatus.QA,))
    current.status = ProfileStatus.DRAFT
    current.qa_by = returned_by
    current.save(update_fields=["status", "qa_by"])
    _logged(returned_by, current, request, step="return")
    return current


@transaction.atomic
def profile_approve(*, profile, approved_by, request=None) -> ProblemProfile:
    """A supervisor or inspector other than the author approves: the snapshot
    is frozen now, and earlier approved profiles of the same area are superseded."""
    current = _for_step(profile, approved_by, "approved", (ProfileStatus.QA,))
    if not set(APPROVERS) & approved_by.role_codes:
        raise StepNotAllowed("Only a police supervisor or inspector can approve a profile", reason="role")
    if approved_by.pk == current.author_id:
        raise StepNotAllowed("A profile is approved by someone other than its author", reason="role")
    current.snapshot = profile_snapshot(current)
    current.status = ProfileStatus.APPROVED
    current.qa_by = current.qa_by or approved_by
    current.approved_by = approved_by
    current.approved_at = timezone.now()
    current.save(update_fields=["snapshot", "status", "qa_by", "approved_by", "approved_at"])
    earlier = ProblemProfile.objects.filter(
        district=current.district, status__in=(ProfileStatus.APPROVED, ProfileStatus.DISSEMINATED)
    ).exclude(pk=current.pk)
    earlier.update(status=ProfileStatus.SUPERSEDED, superseded_by=current)
    _logged(approved_by, current, request, step="approve")
    return current


@transaction.atomic
def profile_disseminate(*, profile, disseminated_by, agencies, purpose: str, lawful_basis, conditions: str = "",
                        request=None) -> ProblemProfile:  # fmt: skip
    """Disseminate an approved profile to agencies: each is a share of the
    profile at full (the Record of Sharing: what, to whom, purpose, lawful
    basis, conditions, by whom, when), through sharing's own checks."""
    from sharing.services import share_record

    current = _for_step(profile, disseminated_by, "disseminated", (ProfileStatus.APPROVED, ProfileStatus.DISSEMINATED))
    agencies = list(dict.fromkeys(agencies or ()))
    errors = {}
    if not agencies:
        errors["agencies"] = "Choose the agencies to disseminate the profile to"
    elif any(agency.pk == disseminated_by.agency_id for agency in agencies):
        errors["agencies"] = "Choose agencies other than your own"
    elif set(agencies) - set(Agency.objects.active().filter(pk__in=[agency.pk for agency in agencies])):
        errors["agencies"] = "Choose agencies that are active"
    if lawful_basis is None:
        errors["lawful_basis"] = "Choose the lawful basis"
    text_errors(errors, "purpose", purpose or "", PURPOSE_MAX_LENGTH)
    text_errors(errors, "conditions", conditions or "", CONDITIONS_MAX_LENGTH)
    if errors:
        raise ValidationError(errors)
    for agency in agencies:
        share_record(shared_by=disseminated_by, record=current, recipient_agency=agency, level=AccessLevel.FULL,
                     purpose=purpose, lawful_basis=lawful_basis, conditions=conditions, request=request)  # fmt: skip
    current.status = ProfileStatus.DISSEMINATED
    current.save(update_fields=["status"])
    _logged(disseminated_by, current, request, step="disseminate", agencies=[agency.code for agency in agencies])
    return current


PROFILE_STEPS = Workflow(
    Step("submit", "Send for quality assurance", (ProfileStatus.DRAFT,), AUTHORS, profile_submit, "submitted_by"),
    Step("return", "Return to the author", (ProfileStatus.QA,), APPROVERS + AUTHORS, profile_return, "returned_by"),
    Step("approve", "Approve", (ProfileStatus.QA,), APPROVERS, profile_approve, "approved_by"),
    Step("disseminate", "Disseminate", (ProfileStatus.APPROVED, ProfileStatus.DISSEMINATED), AUTHORS + APPROVERS,
         profile_disseminate, "disseminated_by"),
    record_argument="profile",
)  # fmt: skip


# --- the snapshot ----------------------------------------------------------------------


def _in_scope_reports(profile):
    """Reports of the area and period that partners may ever see (a legacy
    code 4 or 5 report never goes into a profile that is disseminated), not
    disposed of."""
    reports = (
        IntelligenceReport.objects.filter(
            created_at__date__gte=profile.period_start, created_at__date__lte=profile.period_end
        )
        .exclude(handling_code__in=NOT_FOR_PARTNERS)
        .exclude(retention_status=RetentionStatus.DISPOSED)
    )
    if profile.district_id:
        reports = reports.filter(district=profile.district_id)
    return reports


def profile_snapshot(profile) -> dict:
    """What the profile's data said when it was approved: hotspot locations,
    days of the week and hours, persons of concern, themes and disruptions."""
    reports = _in_scope_reports(profile)
    report_ids = list(reports.values_list("pk", flat=True))
    hotspots = (
        Location.objects.filter(reports__in=report_ids).annotate(reports_count=Count("reports", distinct=True))
        .order_by("-reports_count", "name")[:HOTSPOTS_SHOWN]
    )  # fmt: skip
    persons = (
        PersonOfConcern.objects.filter(reports__in=report_ids).annotate(reports_count=Count("reports", distinct=True))
        .order_by("-reports_count", "last_name", "first_name")[:PERSONS_SHOWN]
    )  # fmt: skip
    occurred = reports.filter(submission__occurred_on__isnull=False).values_list("submission__occurred_on", flat=True)
    weekdays = Counter(WEEKDAYS[day.weekday()] for day in occurred)
    hours = Counter(timezone.localtime(when).hour for when in reports.values_list("created_at", flat=True))
    themes = (
        Association.objects.filter(report__in=report_ids).values("type").annotate(count=Count("pk"))
        .order_by("-count", "type")
    )  # fmt: skip
    type_labels = dict(Association.Type.choices)
    disruptions = Disruption.objects.filter(occurred_on__gte=profile.period_start, occurred_on__lte=profile.period_end)
    if profile.district_id:
        disruptions = disruptions.filter(district=profile.district_id)
    kinds = dict(Disruption._meta.get_field("kind").choices)
    return {
        "taken_at": timezone.now().isoformat(),
        "reports": len(report_ids),
        "hotspots": [
            {"name": loc.name, "kind": loc.get_kind_display(), "reports": loc.reports_count} for loc in hotspots
        ],
        "weekdays": [{"day": day, "count": weekdays.get(day, 0)} for day in WEEKDAYS],
        "hours": [{"hour": f"{hour:02d}:00", "count": hours.get(hour, 0)} for hour in range(24)],
        "persons": [
            {"name": str(person), "status": person.get_status_display(), "reports": person.reports_count}
            for person in persons
        ],
        "themes": [{"theme": type_labels.get(row["type"], row["type"]), "count": row["count"]} for row in themes],
        "disruptions": [
            {"kind": kinds.get(row["kind"], row["kind"]), "count": row["count"]}
            for row in disruptions.values("kind").annotate(count=Count("pk")).order_by("-count", "kind")
        ],
    }


def profile_pdf(profile, *, user, request=None) -> bytes:
    """The profile as a PDF (WeasyPrint) from its frozen snapshot; making one
    is a disclosure outside the system, logged as an export."""
    from weasyprint import HTML

    html = render_to_string("intelligence/profile_pdf.html", {"profile": profile,
                            "priorities": priorities_for(profile.district, ids=profile.plan_priority_ids)})  # fmt: skip
    record_access(user=user, action=AccessEvent.Action.EXPORT, record_kind=profile._meta.label_lower,
                  record_ids=[profile.pk], request=request, details={"format": "pdf"})  # fmt: skip
    return HTML(string=html).write_pdf()
