"""Every write in training: keyword-only arguments, one transaction each,
refusals from sharing.refusals (bad input as ValidationError by field, a step
not allowed as StepNotAllowed)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import AccessEvent
from audit.services import record_access
from outbox.services import enqueue
from sharing.refusals import StepNotAllowed, check_version
from sharing.workflow import Step, Workflow
from training import permissions
from training.models import (
    Attendee,
    Audience,
    CommunitySafetyPlan,
    CourseVersion,
    Event,
    Feedback,
    Organisation,
    PlanPriority,
    Session,
    TrainerCalendar,
    new_token,
)

PLANNING_ROLES = ("trainer", "manager")


def _require_planner(user, step: str) -> None:
    if not permissions.can_plan(user):
        raise StepNotAllowed(f"Only trainers or managers can {step}", reason="role")


def _locked(session: Session, *from_statuses: str, step: str) -> Session:
    current = Session.objects.select_for_update().get(pk=session.pk)
    if current.status not in from_statuses:
        raise StepNotAllowed(
            f"You cannot {step}: this session is {current.get_status_display().lower()}", reason="status"
        )
    return current


def _check_plan(*, course_version, starts_at, ends_at, venue, audience, trainer) -> None:
    errors = {}
    if course_version.status not in CourseVersion.PLANNABLE:
        state = course_version.get_status_display().lower()
        errors["course_version"] = f"{course_version} is {state}: choose a current version"
    if ends_at <= starts_at:
        errors["ends_at"] = "The session must end after it starts"
    if not venue.strip():
        errors["venue"] = "Enter the venue"
    if audience not in Audience.values:
        errors["audience"] = "Choose the audience"
    if not trainer.is_active or not any(trainer.has_role(role) for role in PLANNING_ROLES):
        errors["trainer"] = "Choose a trainer"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_plan(
    *,
    planned_by,
    course_version: CourseVersion,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    district,
    venue: str,
    trainer,
    audience: str,
    campaign=None,
    organisations=(),
    request=None,
) -> Session:
    _require_planner(planned_by, "plan training sessions")
    _check_plan(course_version=course_version, starts_at=starts_at, ends_at=ends_at, venue=venue, audience=audience,
                trainer=trainer)  # fmt: skip
    session = Session.objects.create(
        reference=f"new-{new_token()[:16]}",
        course_version=course_version,
        starts_at=starts_at,
        ends_at=ends_at,
        starts_on=timezone.localtime(starts_at).date(),
        district=district,
        venue=venue.strip(),
        trainer=trainer,
        audience=audience,
        campaign=campaign,
        created_by=planned_by,
    )
    session.reference = f"TS-{session.pk:05d}"
    session.save(update_fields=["reference"])
    if organisations:
        session.organisations.set(organisations)
    record_access(
        user=planned_by, action=AccessEvent.Action.CREATE, record_kind="training.session",
        record_ids=[session.pk], request=request,
    )  # fmt: skip
    return session


PLAN_FIELDS = ("course_version", "starts_at", "ends_at", "district", "venue", "trainer", "audience", "campaign")


@transaction.atomic
def session_update(*, session: Session, updated_by, expected_version: int | None = None, **changes) -> Session:
    """Change a planned session (when, where, who, what). A stale edit (someone
    saved it since `expected_version` was loaded) is refused with nothing saved."""
    _require_planner(updated_by, "change training sessions")
    current = _locked(session, Session.Status.PLANNED, step="change it")
    if expected_version is not None:
        check_version(current, expected_version, PLAN_FIELDS)  # StaleEdit with what changed since
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"session_update() got unexpected fields {sorted(unknown)}")
    for name, value in changes.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    _check_plan(
        course_version=current.course_version, starts_at=current.starts_at, ends_at=current.ends_at,
        venue=current.venue, audience=current.audience, trainer=current.trainer,
    )  # fmt: skip
    current.starts_on = timezone.localtime(current.starts_at).date()
    current.version += 1
    current.save()
    return current


@transaction.atomic
def session_deliver(*, session: Session, recorded_by, attendee_count: int, organisations=None) -> Session:
    """Planned -> delivered: opens the feedback link for TRAINING_FEEDBACK_OPEN_DAYS."""
    _require_planner(recorded_by, "record a session as delivered")
    current = _locked(session, Session.Status.PLANNED, step="mark it delivered")
    if attendee_count is None or attendee_count < 1:
        raise ValidationError({"attendee_count": "Enter how many people attended (at least 1)"})
    if attendee_count < current.attendees.count():
        raise ValidationError({"attendee_count": "The register already names more people than that"})
    if current.starts_at > timezone.now():
        raise ValidationError({"attendee_count": "A session cannot be delivered before it starts"})
    now = timezone.now()
    current.status = Session.Status.DELIVERED
    current.attendee_count = attendee_count
    current.delivered_at = now
    current.feedback_closes_at = now + datetime.timedelta(days=settings.TRAINING_FEEDBACK_OPEN_DAYS)
    current.version += 1
    current.save()
    if organisations is not None:
        current.organisations.add(*organisations)
    enqueue("training.refresh_coverage", session_id=current.pk)
    return current


@transaction.atomic
def session_evaluate(*, session: Session, evaluated_by) -> Session:
    """Delivered -> evaluated: the trainer has read the feedback; the link closes."""
    _require_planner(evaluated_by, "record a session as evaluated")
    current = _locked(session, Session.Status.DELIVERED, step="mark it evaluated")
    current.status = Session.Status.EVALUATED
    current.feedback_closes_at = min(current.feedback_closes_at or timezone.now(), timezone.now())
    current.version += 1
    current.save()
    return current


@transaction.atomic
def session_cancel(*, session: Session, cancelled_by, reason: str) -> Session:
    _require_planner(cancelled_by, "cancel a session")
    current = _locked(session, Session.Status.PLANNED, step="cancel it")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the session is cancelled"})
    current.status = Session.Status.CANCELLED
    current.cancellation_reason = reason.strip()
    current.version += 1
    current.save()
    return current


SESSION_STEPS = Workflow(
    Step("deliver", "Mark as delivered", (Session.Status.PLANNED,), PLANNING_ROLES, session_deliver, "recorded_by"),
    Step(
        "evaluate", "Mark as evaluated", (Session.Status.DELIVERED,), PLANNING_ROLES, session_evaluate, "evaluated_by"
    ),
    Step("cancel", "Cancel the session", (Session.Status.PLANNED,), PLANNING_ROLES, session_cancel, "cancelled_by"),
    record_argument="session",
)


# --- attendance registers -----------------------------------------------------------


@transaction.atomic
def register_import(*, session: Session, imported_by, rows: list[dict], request=None) -> list[Attendee]:
    """Record a register's attendees, all or none. `rows` are already mapped
    ({"name", "licence_number", "organisation"}); each is validated and every
    problem is reported by line (ValidationError({"register": [...]})).
    Organisations are matched by licence number."""
    _require_planner(imported_by, "import a register")
    current = _locked(session, Session.Status.PLANNED, Session.Status.DELIVERED, step="import a register")
    problems = register_problems(rows)
    if problems:
        raise ValidationError({"register": problems})
    licences = {row["licence_number"] for row in rows if row.get("licence_number")}
    known = {org.licence_number: org for org in Organisation.objects.filter(licence_number__in=licences)}
    unknown = sorted(licences - set(known))
    if unknown:
        raise ValidationError(
            {
                "register": [
                    f"Line {line}: no organisation holds licence {licence}"
                    for line, licence in _lines_of(rows, unknown)
                ]
            }
        )
    attendees = Attendee.objects.bulk_create(
        Attendee(session=current, name=row["name"].strip(), organisation=known.get(row.get("licence_number") or ""))
        for row in rows
    )
    if known:
        current.organisations.add(*known.values())
    named = current.attendees.count()
    if named > current.attendee_count:
        current.attendee_count = named
    current.version += 1
    current.save()
    if current.status in Session.REACHED:
        enqueue("training.refresh_coverage", session_id=current.pk)
    record_access(
        user=imported_by, action=AccessEvent.Action.CREATE, record_kind="training.attendee",
        record_ids=[attendee.pk for attendee in attendees], request=request,
        details={"session": current.pk, "register_lines": len(rows)},
    )  # fmt: skip
    return attendees


def _lines_of(rows, licences):
    wanted = set(licences)
    return [
        (index, row["licence_number"]) for index, row in enumerate(rows, start=2) if row.get("licence_number") in wanted
    ]


def register_problems(rows: list[dict]) -> list[str]:
    """One message per bad line (line numbers count the header as line 1)."""
    problems = []
    if not rows:
        return ["The register has no attendees"]
    seen = {}
    for line, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        if not name:
            problems.append(f"Line {line}: the name is empty")
        elif len(name) > 200:
            problems.append(f"Line {line}: the name is longer than 200 characters")
        elif name.lower() in seen:
            problems.append(f"Line {line}: {name} is already on line {seen[name.lower()]}")
        else:
            seen[name.lower()] = line
        licence = (row.get("licence_number") or "").strip()
        if len(licence) > 40:
            problems.append(f"Line {line}: the licence number is longer than 40 characters")
    return problems


# --- feedback -------------------------------------------------------------------------


@transaction.atomic
def feedback_submit(*, session: Session, content_score, delivery_score, relevance_score, comment: str = "") -> Feedback:
    """Anonymous feedback by the session's link while it is open."""
    current = Session.objects.select_for_update().get(pk=session.pk)
    if not current.feedback_open:
        raise StepNotAllowed("Feedback for this session is closed", reason="status")
    errors = {}
    for name, value in (
        ("content_score", content_score), ("delivery_score", delivery_score), ("relevance_score", relevance_score)
    ):  # fmt: skip
        if value not in (1, 2, 3, 4, 5):
            errors[name] = "Choose a score from 1 to 5"
    if len(comment or "") > 1000:
        errors["comment"] = "The comment must be 1,000 characters or fewer"
    if errors:
        raise ValidationError(errors)
    return Feedback.objects.create(
        session=current,
        content_score=content_score,
        delivery_score=delivery_score,
        relevance_score=relevance_score,
        comment=(comment or "").strip(),
    )


# --- events, plans, calendars ------------------------------------------------------------


@transaction.atomic
def event_record(*, recorded_by, kind, title, starts_at, venue, district=None, campaign=None, notes="") -> Event:
    _require_planner(recorded_by, "record events")
    if not title.strip():
        raise ValidationError({"title": "Enter the event's title"})
    return Event.objects.create(
        kind=kind, title=title.strip(), starts_at=starts_at, venue=venue, district=district,
        campaign=campaign, organiser=recorded_by, notes=notes,
    )  # fmt: skip


@transaction.atomic
def plan_record(*, recorded_by, title, districts, period_start, period_end, priority_audiences, priorities=()):
    """A Community Safety Plan with its priorities ([(title, description)]) in order."""
    if not permissions.can_manage_plans(recorded_by):
        raise StepNotAllowed("Only trainers or managers can record Community Safety Plans", reason="role")
    errors = {}
    if not title.strip():
        errors["title"] = "Enter the plan's title"
    if not districts:
        errors["districts"] = "Choose the districts the plan covers"
    if period_end < period_start:
        errors["period_end"] = "The plan must end after it starts"
    if set(priority_audiences) - set(Audience.values):
        errors["priority_audiences"] = "Choose audiences from the list"
    if errors:
        raise ValidationError(errors)
    plan = CommunitySafetyPlan.objects.create(
        title=title.strip(), period_start=period_start, period_end=period_end,
        priority_audiences=list(dict.fromkeys(priority_audiences)),
    )  # fmt: skip
    plan.districts.set(districts)
    PlanPriority.objects.bulk_create(
        PlanPriority(plan=plan, number=number, title=priority_title, description=description)
        for number, (priority_title, description) in enumerate(priorities, start=1)
    )
    return plan


@transaction.atomic
def calendar_for(*, trainer, reset: bool = False) -> TrainerCalendar:
    """The trainer's feed (made on first use); `reset` gives it a new secret URL."""
    calendar, created = TrainerCalendar.objects.select_for_update().get_or_create(trainer=trainer)
    if reset and not created:
        calendar.token = new_token()
        calendar.save(update_fields=["token"])
    return calendar
