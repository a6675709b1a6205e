"""The training pages as their users meet them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import District
from tests.training.factories import CourseVersionFactory, DeliveredSessionFactory, EventFactory, SessionFactory
from training.models import Event, Session

pytestmark = pytest.mark.django_db


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_trainer_plans_a_session_from_the_form(client, personas):
    trainer = personas["kent-police.trainer"]
    version = CourseVersionFactory()
    client.force_login(trainer)
    starts = timezone.now() + datetime.timedelta(days=5)
    response = client.post(reverse("training:session_plan"), {
        "course_version": version.pk, "starts_at": local(starts),
        "ends_at": local(starts + datetime.timedelta(hours=2)),
        "district": District.objects.get(code="swale").pk, "venue": "Fictional Leisure Centre", "trainer": trainer.pk,
        "audience": "taxi-drivers",
    })  # fmt: skip
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Fictional Leisure Centre" in page and "Mark as delivered" in page


def test_bad_input_on_the_plan_form_shows_next_to_the_field(client, personas):
    client.force_login(personas["kent-police.trainer"])
    starts = timezone.now()
    response = client.post(reverse("training:session_plan"), {
        "course_version": CourseVersionFactory().pk, "starts_at": local(starts), "ends_at": local(starts),
        "district": District.objects.get(code="swale").pk, "venue": "Hall",
        "trainer": personas["kent-police.trainer"].pk, "audience": "schools",
    })  # fmt: skip
    assert response.status_code == 200
    assert "The session must end after it starts" in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.parametrize("username", ["kcc.caseworker", "health.practitioner", "dpo", "admin"])
def test_others_may_read_sessions_but_not_plan(client, personas, username):
    session = DeliveredSessionFactory()
    client.force_login(personas[username])
    assert client.get(reverse("training:session_list")).status_code == 200
    page = client.get(session.get_absolute_url()).content.decode()
    assert session.venue in page and "Mark as evaluated" not in page and "feedback-link" not in page
    assert client.get(reverse("training:session_plan")).status_code == 403
    assert client.post(reverse("training:session_step", args=[session.pk, "evaluate"])).status_code == 403
    session.refresh_from_db()
    assert session.status == Session.Status.DELIVERED


def test_deliver_then_evaluate_from_the_session_page(client, personas):
    session = SessionFactory()
    client.force_login(personas["kent-police.trainer"])
    response = client.post(reverse("training:session_step", args=[session.pk, "deliver"]), {"attendee_count": "0"})
    assert response.status_code == 200 and "at least 1" in response.content.decode()
    response = client.post(reverse("training:session_step", args=[session.pk, "deliver"]), {"attendee_count": "14"})
    assert response.status_code == 302
    page = client.get(session.get_absolute_url()).content.decode()
    assert "feedback-link" in page and "QR code" in page
    qr = client.get(reverse("training:feedback_qr", args=[session.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    again = client.post(reverse("training:session_step", args=[session.pk, "deliver"]), {"attendee_count": "3"})
    assert again.status_code == 409
    assert client.post(reverse("training:session_step", args=[session.pk, "evaluate"])).status_code == 302
    session.refresh_from_db()
    assert (session.status, session.attendee_count) == (Session.Status.EVALUATED, 14)


def test_cancel_without_a_reason_is_refused_next_to_the_field(client, personas):
    session = SessionFactory()
    client.force_login(personas["kent-police.manager"])
    response = client.post(reverse("training:session_step", args=[session.pk, "cancel"]), {"reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    client.post(reverse("training:session_step", args=[session.pk, "cancel"]), {"reason": "Trainer ill"})
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED


def test_the_session_list_filters_by_district_and_audience(client, personas):
    DeliveredSessionFactory(venue="Maidstone Hall")
    DeliveredSessionFactory(venue="Medway Hall", district=District.objects.get(code="medway"), audience="schools")
    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("training:session_list"), {"district": "medway", "audience": "schools"}).content.decode()
    assert "Medway Hall" in page and "Maidstone Hall" not in page


def test_the_session_list_has_a_constant_number_of_queries(client, personas, django_assert_max_num_queries):
    client.force_login(personas["kcc.caseworker"])
    DeliveredSessionFactory.create_batch(3)
    client.get(reverse("training:session_list"))
    DeliveredSessionFactory.create_batch(20)
    # session, user and roles, the filter's districts and campaigns, count,
    # page, and the header's unread notifications (every page has it)
    with django_assert_max_num_queries(10):
        client.get(reverse("training:session_list"))


def test_a_trainer_records_a_road_show(client, personas):
    client.force_login(personas["kent-police.trainer"])
    response = client.post(reverse("training:event_new"), {
        "kind": "road-show", "title": "Safeguarding board road-show", "starts_at": local(timezone.now()),
        "venue": "Fictional Market Square", "district": "", "campaign": "", "notes": "",
    })  # fmt: skip
    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url()
    assert "county-wide" in client.get(reverse("training:event_list")).content.decode()


def test_events_plans_courses_and_results_pages_open_for_everyone(client, personas):
    EventFactory(title="Say Something launch")
    client.force_login(personas["early-help.practitioner"])
    for name in ("event_list", "plan_list", "course_list", "feedback_results", "calendar", "coverage"):
        assert client.get(reverse(f"training:{name}")).status_code == 200, name
    assert "Say Something launch" in client.get(reverse("training:event_list")).content.decode()


def test_a_manager_records_a_shared_plan_with_its_priorities(client, personas):
    from training.models import CommunitySafetyPlan

    client.force_login(personas["kent-police.manager"])
    districts = District.objects.filter(code__in=["dartford", "gravesham"])
    response = client.post(reverse("training:plan_new"), {
        "title": "Dartford and Gravesham CSP 2026-27", "districts": [d.pk for d in districts],
        "period_start": "2026-04-01", "period_end": "2027-03-31", "priority_audiences": ["taxi-drivers", "schools"],
        "priorities": "Night-time economy\n\nOnline grooming\n",
    })  # fmt: skip
    plan = CommunitySafetyPlan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    assert [p.title for p in plan.priorities.all()] == ["Night-time economy", "Online grooming"]
    priority_page = client.get(plan.priorities.first().get_absolute_url()).content.decode()
    assert "Night-time economy" in priority_page


def test_a_plan_that_ends_before_it_starts_is_refused_next_to_the_field(client, personas):
    client.force_login(personas["kent-police.trainer"])
    response = client.post(reverse("training:plan_new"), {
        "title": "Swale CSP", "districts": [District.objects.get(code="swale").pk], "period_start": "2026-04-01",
        "period_end": "2025-03-31", "priority_audiences": ["schools"], "priorities": "Online grooming",
    })  # fmt: skip
    assert response.status_code == 200 and "The plan must end after it starts" in response.content.decode()
    client.force_login(personas["kcc.caseworker"])
    assert client.get(reverse("training:plan_new")).status_code == 403


def test_a_trainer_changes_a_planned_session_and_a_stale_edit_is_refused(client, personas):
    session = SessionFactory(starts_at=timezone.now() + datetime.timedelta(days=3), venue="Old Hall")
    client.force_login(personas["kent-police.trainer"])
    form = client.get(reverse("training:session_edit", args=[session.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(venue="New Hall", starts_at=local(session.starts_at), ends_at=local(session.ends_at))
    data = {name: ("" if value is None else getattr(value, "pk", value)) for name, value in data.items()}
    assert client.post(reverse("training:session_edit", args=[session.pk]), data).status_code == 302
    session.refresh_from_db()
    assert (session.venue, session.version) == ("New Hall", 2)
    stale = client.post(reverse("training:session_edit", args=[session.pk]), {**data, "venue": "Other Hall"})
    assert stale.status_code == 409 and "Someone else changed this session" in stale.content.decode()
    assert "Venue" in stale.content.decode()  # what changed since, from the change history
    session.refresh_from_db()
    assert session.venue == "New Hall"
