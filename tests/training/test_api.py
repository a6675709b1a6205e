"""The training records through the project's API."""

import pytest
from django.urls import reverse

from tests.training.factories import (
    AttendeeFactory,
    DeliveredSessionFactory,
    EventFactory,
    FeedbackFactory,
    PlanPriorityFactory,
)

pytestmark = pytest.mark.django_db


def test_sessions_are_listed_for_every_signed_in_user(client, personas, django_assert_max_num_queries):
    session = DeliveredSessionFactory()
    AttendeeFactory(session=session, name="Ann Example")
    client.force_login(personas["health.practitioner"])
    client.get(reverse("api:training-session-list"))
    DeliveredSessionFactory.create_batch(5)
    with django_assert_max_num_queries(6):
        rows = client.get(reverse("api:training-session-list")).json()["results"]
    assert len(rows) == 6
    row = next(row for row in rows if row["id"] == session.pk)
    assert row["district"] == "maidstone" and row["attendee_count"] == 12
    assert "attendees" not in row and "feedback_comments" not in row


def test_trainers_get_names_and_comments(client, personas):
    session = DeliveredSessionFactory()
    AttendeeFactory(session=session, name="Ann Example")
    FeedbackFactory(session=session, comment="Clear and useful")
    client.force_login(personas["kent-police.trainer"])
    detail = client.get(reverse("api:training-session-detail", args=[session.pk])).json()
    assert detail["attendees"] == ["Ann Example"] and detail["feedback_comments"] == ["Clear and useful"]
    from audit.models import AccessEvent

    event = AccessEvent.objects.get(record_kind="training.attendee", action="view")
    assert event.details == {"sessions": [session.pk]} and event.user == personas["kent-police.trainer"]


def test_filters_and_the_priority_address(client, personas):
    DeliveredSessionFactory(audience="schools")
    DeliveredSessionFactory(audience="taxi-drivers")
    priority = PlanPriorityFactory(title="Hotels used for exploitation")
    EventFactory()
    client.force_login(personas["kent-police.analyst"])
    rows = client.get(reverse("api:training-session-list"), {"audience": "schools"}).json()["results"]
    assert [row["audience"] for row in rows] == ["schools"]
    plan = client.get(reverse("api:training-plan-detail", args=[priority.plan.pk])).json()
    assert plan["priorities"][0]["url"].endswith(reverse("api:training-priority-detail", args=[priority.pk]))
    assert client.get(reverse("api:training-event-list")).json()["results"][0]["kind"] == "road-show"


def test_anonymous_api_calls_are_refused(client):
    assert client.get(reverse("api:training-session-list")).status_code in (401, 403)


def test_the_schema_documents_the_training_routes(client, personas):
    client.force_login(personas["kcc.caseworker"])
    schema = client.get(reverse("api_schema")).content.decode()
    assert "/api/training/sessions/" in schema and "/api/training/priorities/{id}/" in schema


def test_a_trainer_plans_and_delivers_through_the_api(client, personas):
    import datetime

    from django.utils import timezone

    from tests.training.factories import CourseVersionFactory
    from training.models import Session

    trainer = personas["kent-police.trainer"]
    starts = timezone.now() - datetime.timedelta(hours=3)
    body = {
        "course_version": CourseVersionFactory().pk, "starts_at": starts.isoformat(),
        "ends_at": (starts + datetime.timedelta(hours=2)).isoformat(), "district": "dover", "venue": "Fictional Hall",
        "trainer": trainer.pk, "audience": "licensees",
    }  # fmt: skip
    client.force_login(personas["kcc.caseworker"])
    assert client.post(reverse("api:training-session-list"), body, content_type="application/json").status_code == 403
    client.force_login(trainer)
    created = client.post(reverse("api:training-session-list"), body, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "planned"
    pk = created.json()["id"]
    step = reverse("api:training-session-workflow", args=[pk, "deliver"])
    assert client.post(step, {"attendee_count": 0}, content_type="application/json").status_code == 400
    delivered = client.post(step, {"attendee_count": 21}, content_type="application/json")
    assert delivered.status_code == 200 and delivered.json()["attendee_count"] == 21
    assert client.post(step, {"attendee_count": 21}, content_type="application/json").status_code == 409
    assert Session.objects.get(pk=pk).status == "delivered"
