"""The training services: what a trainer notices when a step is taken or refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import District
from audit.models import AccessEvent
from sharing.refusals import StepNotAllowed
from tests.training.factories import (
    AttendeeFactory,
    CourseVersionFactory,
    DeliveredSessionFactory,
    OrganisationFactory,
    SessionFactory,
)
from training import services
from training.models import Attendee, CourseVersion, Session

pytestmark = pytest.mark.django_db


def plan(personas, **overrides):
    starts = timezone.now() + datetime.timedelta(days=3)
    arguments = {
        "planned_by": personas["kent-police.trainer"],
        "course_version": CourseVersionFactory(),
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
        "district": District.objects.get(code="thanet"),
        "venue": "Fictional Hall, Margate",
        "trainer": personas["kent-police.trainer"],
        "audience": "hotel-staff",
    } | overrides
    return services.session_plan(**arguments)


def test_a_trainer_plans_a_session_with_a_reference(personas):
    session = plan(personas)
    assert session.reference == f"TS-{session.pk:05d}"
    assert session.status == Session.Status.PLANNED
    assert session.starts_on == timezone.localtime(session.starts_at).date()


@pytest.mark.parametrize("username", ["kcc.caseworker", "kent-police.analyst", "admin", "dpo"])
def test_only_trainers_and_managers_plan(personas, username):
    with pytest.raises(StepNotAllowed) as refused:
        plan(personas, planned_by=personas[username])
    assert refused.value.reason == "role"
    assert not Session.objects.exists()


def test_a_manager_plans_for_a_trainer(personas):
    assert plan(personas, planned_by=personas["kent-police.manager"]).trainer == personas["kent-police.trainer"]


def test_bad_input_is_refused_by_field(personas):
    withdrawn = CourseVersionFactory(status=CourseVersion.Status.WITHDRAWN)
    starts = timezone.now()
    with pytest.raises(ValidationError) as refused:
        plan(personas, course_version=withdrawn, ends_at=starts - datetime.timedelta(hours=1), starts_at=starts,
             venue=" ", trainer=personas["kcc.caseworker"])  # fmt: skip
    assert set(refused.value.message_dict) == {"course_version", "ends_at", "venue", "trainer"}
    assert not Session.objects.exists()


def test_a_version_under_review_can_still_be_planned(personas):
    under_review = CourseVersionFactory(status=CourseVersion.Status.UNDER_REVIEW)
    assert plan(personas, course_version=under_review).course_version == under_review


def test_deliver_then_evaluate_opens_then_closes_feedback(personas, settings):
    settings.TRAINING_FEEDBACK_OPEN_DAYS = 10
    session = SessionFactory()
    delivered = services.session_deliver(session=session, recorded_by=personas["kent-police.trainer"], attendee_count=9)
    assert delivered.status == Session.Status.DELIVERED and delivered.attendee_count == 9
    assert delivered.feedback_open
    assert delivered.feedback_closes_at - delivered.delivered_at == datetime.timedelta(days=10)
    evaluated = services.session_evaluate(session=delivered, evaluated_by=personas["kent-police.manager"])
    assert evaluated.status == Session.Status.EVALUATED
    assert not evaluated.feedback_open


def test_a_session_cannot_be_delivered_twice_or_before_it_starts(personas):
    trainer = personas["kent-police.trainer"]
    with pytest.raises(StepNotAllowed) as refused:
        services.session_deliver(session=DeliveredSessionFactory(), recorded_by=trainer, attendee_count=3)
    assert refused.value.reason == "status"
    future = SessionFactory(starts_at=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.session_deliver(session=future, recorded_by=trainer, attendee_count=3)
    future.refresh_from_db()
    assert future.status == Session.Status.PLANNED


def test_cancel_needs_a_reason(personas):
    session = SessionFactory()
    with pytest.raises(ValidationError):
        services.session_cancel(session=session, cancelled_by=personas["kent-police.trainer"], reason="  ")
    trainer = personas["kent-police.trainer"]
    cancelled = services.session_cancel(session=session, cancelled_by=trainer, reason="Venue flooded")
    assert cancelled.status == Session.Status.CANCELLED
    assert cancelled.cancellation_reason == "Venue flooded"


def test_a_register_is_imported_whole_with_organisations_matched_by_licence(personas):
    session = SessionFactory()
    operator = OrganisationFactory(licence_number="PHO-123")
    attendees = services.register_import(
        session=session, imported_by=personas["kent-police.trainer"],
        rows=[{"name": "Ann Example", "licence_number": "PHO-123"}, {"name": "Bo Example", "licence_number": ""}],
    )  # fmt: skip
    assert [attendee.name for attendee in attendees] == ["Ann Example", "Bo Example"]
    assert attendees[0].organisation == operator
    session.refresh_from_db()
    assert list(session.organisations.all()) == [operator]
    assert session.attendee_count == 2
    assert AccessEvent.objects.filter(record_kind="training.attendee", action="create").exists()


def test_a_register_with_a_bad_line_imports_nothing_and_names_each_line(personas):
    session = SessionFactory()
    OrganisationFactory(licence_number="PHO-1")
    rows = [
        {"name": "Ann Example", "licence_number": "PHO-1"},
        {"name": "", "licence_number": ""},
        {"name": "Cy Example", "licence_number": "NOPE-9"},
        {"name": "ann example", "licence_number": ""},
    ]
    with pytest.raises(ValidationError) as refused:
        services.register_import(session=session, imported_by=personas["kent-police.trainer"], rows=rows)
    assert refused.value.message_dict["register"] == [
        "Line 3: the name is empty",
        "Line 5: ann example is already on line 2",
    ]
    with pytest.raises(ValidationError) as refused:
        services.register_import(session=session, imported_by=personas["kent-police.trainer"], rows=[rows[2]])
    assert refused.value.message_dict["register"] == ["Line 2: no organisation holds licence NOPE-9"]
    assert not Attendee.objects.exists()


def test_feedback_is_refused_when_closed_and_scores_are_checked():
    session = DeliveredSessionFactory(feedback_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(StepNotAllowed):
        services.feedback_submit(session=session, content_score=5, delivery_score=5, relevance_score=5)
    open_session = DeliveredSessionFactory()
    with pytest.raises(ValidationError) as refused:
        services.feedback_submit(session=open_session, content_score=6, delivery_score=0, relevance_score=5)
    assert set(refused.value.message_dict) == {"content_score", "delivery_score"}
    feedback = services.feedback_submit(session=open_session, content_score=5, delivery_score=4, relevance_score=3)
    assert feedback.session == open_session


def test_plans_record_priorities_in_order(personas):
    plan_ = services.plan_record(
        recorded_by=personas["kent-police.manager"], title="Dartford and Gravesham CSP 2026-27",
        districts=list(District.objects.filter(code__in=["dartford", "gravesham"])),
        period_start=datetime.date(2026, 4, 1), period_end=datetime.date(2027, 3, 31),
        priority_audiences=["taxi-drivers", "schools"],
        priorities=[("Night-time economy", ""), ("Online grooming", "Schools and parents")],
    )  # fmt: skip
    assert [p.number for p in plan_.priorities.all()] == [1, 2]
    assert plan_.districts.count() == 2
    with pytest.raises(StepNotAllowed):
        services.plan_record(
            recorded_by=personas["kcc.caseworker"], title="x", districts=[], period_start=datetime.date(2026, 4, 1),
            period_end=datetime.date(2027, 3, 31), priority_audiences=[],
        )  # fmt: skip


def test_attendee_factory_makes_named_attendees():
    assert AttendeeFactory().name.startswith("Attendee")


def test_only_a_planned_session_changes_and_bad_changes_save_nothing(personas):
    trainer = personas["kent-police.trainer"]
    with pytest.raises(StepNotAllowed) as refused:
        services.session_update(session=DeliveredSessionFactory(), updated_by=trainer, venue="Elsewhere")
    assert refused.value.reason == "status"
    session = SessionFactory(venue="Hall")
    with pytest.raises(ValidationError):
        services.session_update(session=session, updated_by=trainer, venue=" ", trainer=personas["kcc.caseworker"])
    session.refresh_from_db()
    assert (session.venue, session.version) == ("Hall", 1)
    moved = services.session_update(
        session=session, updated_by=trainer, starts_at=session.starts_at + datetime.timedelta(days=40),
        ends_at=session.ends_at + datetime.timedelta(days=40),
    )  # fmt: skip
    assert moved.starts_on == timezone.localtime(moved.starts_at).date() and moved.version == 2
