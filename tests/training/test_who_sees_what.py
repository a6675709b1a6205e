"""Attendee names and feedback comments reach trainers and managers only.

Every training route is requested as every persona (pages, API in every
format, the list filtered on each filter and paged, the CSV, the calendar
feed, the public feedback form); attendee names and comments hold canary
values, and no response to anyone but a trainer or a manager may contain
one. The readers themselves must see them (so the walk cannot pass by
showing nobody anything)."""

import pytest
from django.urls import reverse

from tests.route_claims import assert_claims_exercised
from tests.sharing.harness import Canaries
from tests.training.factories import (
    AttendeeFactory,
    CourseVersionFactory,
    DeliveredSessionFactory,
    EventFactory,
    FeedbackFactory,
    OrganisationFactory,
    PlanPriorityFactory,
)
from tests.training.route_claims import WALK
from training import services
from training.models import Audience

pytestmark = pytest.mark.django_db

READERS = {"kent-police.trainer", "kent-police.manager"}


@pytest.fixture
def planted(personas):
    session = DeliveredSessionFactory(
        trainer=personas["kent-police.trainer"], course_version=CourseVersionFactory(), audience=Audience.HOTEL_STAFF
    )
    organisation = OrganisationFactory()
    session.organisations.add(organisation)
    for n in (1, 2):
        AttendeeFactory(session=session, name=f"Cnry{n:04d} Attendee", organisation=organisation)
    for n in (3, 4):
        FeedbackFactory(session=session, comment=f"Cnry{n:04d} comment")
    priority = PlanPriorityFactory()
    event = EventFactory()
    feed = services.calendar_for(trainer=personas["kent-police.trainer"])
    return session, Canaries(texts=["Cnry0001", "Cnry0002", "Cnry0003", "Cnry0004"], dates=[]), priority, event, feed


def urls_for(session, priority, event, feed):
    course = session.course_version.course
    return [
        reverse("training:session_list"),
        reverse("training:session_list") + f"?district={session.district.code}",
        reverse("training:session_list") + f"?audience={session.audience}",
        reverse("training:session_list") + "?status=reached",
        reverse("training:session_list") + "?start=2000-01-01&end=2100-01-01",
        reverse("training:session_list") + "?page=1",
        reverse("training:session_plan"),
        reverse("training:session_detail", args=[session.pk]),
        reverse("training:session_edit", args=[session.pk]),
        reverse("training:session_step", args=[session.pk, "evaluate"]),
        reverse("training:register_import", args=[session.pk]),
        reverse("training:feedback_qr", args=[session.pk]),
        reverse("training:feedback_form", args=[session.feedback_token]),
        reverse("training:feedback_results"),
        reverse("training:course_list"),
        reverse("training:course_detail", args=[course.pk]),
        reverse("training:event_list"),
        reverse("training:event_new"),
        reverse("training:event_detail", args=[event.pk]),
        reverse("training:plan_list"),
        reverse("training:plan_new"),
        reverse("training:plan_detail", args=[priority.plan.pk]),
        reverse("training:priority_detail", args=[priority.pk]),
        reverse("training:coverage"),
        reverse("training:coverage_csv"),
        reverse("training:calendar"),
        reverse("training:calendar_reset"),
        reverse("training:calendar_feed", args=[feed.token]),
        reverse("api:training-session-list"),
        reverse("api:training-session-list") + f"?audience={session.audience}&page_size=1",
        reverse("api:training-session-detail", args=[session.pk]),
        reverse("api:training-session-workflow", args=[session.pk, "evaluate"]),
        reverse("api:training-course-list"),
        reverse("api:training-course-detail", args=[course.pk]),
        reverse("api:training-event-list"),
        reverse("api:training-event-detail", args=[event.pk]),
        reverse("api:training-plan-list"),
        reverse("api:training-plan-detail", args=[priority.plan.pk]),
        reverse("api:training-priority-list"),
        reverse("api:training-priority-detail", args=[priority.pk]),
    ]


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def test_attendee_names_and_comments_reach_trainers_and_managers_only(client, personas, planted):
    session, canaries, priority, event, feed = planted
    urls = urls_for(session, priority, event, feed)
    assert_claims_exercised("training", urls, prefix=WALK)
    failures = []
    for username, user in personas.items():
        client.force_login(user)
        seen = set()
        for url in urls:
            for extra in ({}, {"format": "api"}, {"format": "json"}):
                response = client.get(url, extra) if extra and "/api/" in url else client.get(url)
                if response.status_code >= 500:
                    failures.append(f"{username}: {url} answered {response.status_code}")
                seen.update(canaries.found_in(body(response)))
                if not extra or "/api/" not in url:
                    break
        if username in READERS:
            if seen != set(canaries.texts):
                failures.append(f"{username} should see every name and comment, saw {sorted(seen)}")
        elif seen:
            failures.append(f"{username} received {sorted(seen)}")
    assert failures == []


def test_signed_out_visitors_get_nothing_but_the_feedback_form_and_the_feed(client, planted):
    session, canaries, priority, event, feed = planted
    for url in urls_for(session, priority, event, feed):
        response = client.get(url)
        assert not canaries.found_in(body(response)), url
        if "/feedback/" in url or url.endswith(".ics"):
            assert response.status_code == 200, url
        else:
            assert response.status_code in (302, 401, 403), url


def test_a_superuser_without_a_training_role_does_not_see_names(client, personas, planted):
    session, canaries, *_ = planted
    admin = personas["admin"]
    assert admin.is_superuser and admin.has_perm("training.view_attendee_names")
    client.force_login(admin)
    page = client.get(reverse("training:session_detail", args=[session.pk]))
    assert page.status_code == 200
    assert not canaries.found_in(page.content.decode())
