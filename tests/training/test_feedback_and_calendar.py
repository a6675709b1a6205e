"""Feedback by link without an account, and the trainers' calendar feed."""

import datetime

import icalendar
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.training.factories import DeliveredSessionFactory, FeedbackFactory, SessionFactory
from training import services
from training.models import Feedback

pytestmark = pytest.mark.django_db

ANSWERS = {"content_score": "5", "delivery_score": "4", "relevance_score": "3", "comment": "Useful"}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_an_attendee_gives_feedback_without_signing_in(client):
    session = DeliveredSessionFactory()
    url = reverse("training:feedback_form", args=[session.feedback_token])
    form = client.get(url).content.decode()
    assert "We do not ask for your name" in form and 'name="name"' not in form
    response = client.post(url, ANSWERS)
    assert response.status_code == 200 and 'data-testid="feedback-thanks"' in response.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.session, feedback.content_score, feedback.comment) == (session, 5, "Useful")


def test_a_missing_score_is_shown_next_to_the_question(client):
    session = DeliveredSessionFactory()
    response = client.post(reverse("training:feedback_form", args=[session.feedback_token]), {"content_score": "5"})
    assert response.status_code == 200 and "govuk-error-message" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_guessed_link_is_not_found(client):
    DeliveredSessionFactory()
    assert client.get(reverse("training:feedback_form", args=["guessed-token"])).status_code == 404


def test_feedback_closes_after_its_period_and_for_planned_sessions(client):
    closed = DeliveredSessionFactory(feedback_closes_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post(reverse("training:feedback_form", args=[closed.feedback_token]), ANSWERS)
    assert response.status_code == 410
    planned = SessionFactory()
    assert (
        'data-testid="feedback-closed"'
        in client.get(reverse("training:feedback_form", args=[planned.feedback_token])).content.decode()
    )
    assert not Feedback.objects.exists()


def test_feedback_is_rate_limited_per_address(client, settings):
    settings.TRAINING_FEEDBACK_PER_ADDRESS_PER_HOUR = 2
    session = DeliveredSessionFactory()
    url = reverse("training:feedback_form", args=[session.feedback_token])
    statuses = [client.post(url, ANSWERS).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert Feedback.objects.count() == 2
    other_address = client.post(url, ANSWERS, REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 200


def test_feedback_rolls_up_to_session_course_and_trainer(client, personas):
    session = DeliveredSessionFactory(trainer=personas["kent-police.trainer"])
    FeedbackFactory(session=session, content_score=5)
    FeedbackFactory(session=session, content_score=2)
    client.force_login(personas["kcc.caseworker"])
    page = client.get(session.get_absolute_url()).content.decode()
    assert "3.5 out of 5" in page
    results = client.get(reverse("training:feedback_results")).content.decode()
    assert session.course_version.course.title in results and "Chris Daly" in results and "3.5" in results


def test_a_trainers_feed_lists_their_sessions_and_can_be_reset(client, personas):
    trainer = personas["kent-police.trainer"]
    mine = SessionFactory(trainer=trainer, starts_at=timezone.now() + datetime.timedelta(days=2), venue="Hall A")
    SessionFactory(starts_at=timezone.now() + datetime.timedelta(days=2), venue="Someone else's hall")
    client.force_login(trainer)
    page = client.get(reverse("training:calendar")).content.decode()
    feed = services.calendar_for(trainer=trainer)
    assert feed.token in page and "Hall A" in page
    client.logout()
    response = client.get(reverse("training:calendar_feed", args=[feed.token]))
    assert response["Content-Type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["uid"]) for event in events] == [f"training-session-{mine.pk}@cse-team"]
    assert "Hall A" in str(events[0]["location"])
    client.force_login(trainer)
    client.post(reverse("training:calendar_reset"))
    client.logout()
    assert client.get(reverse("training:calendar_feed", args=[feed.token])).status_code == 404


def test_people_without_sessions_to_give_have_no_feed(client, personas):
    client.force_login(personas["kcc.caseworker"])
    assert "calendar-feed-url" not in client.get(reverse("training:calendar")).content.decode()
    assert client.post(reverse("training:calendar_reset")).status_code == 403
