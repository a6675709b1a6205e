"""Notifications: made by the referral services for the events the issue lists,
shown in the header and the list only while the record is visible, e-mailed at
once or in a daily digest through the outbox, with a reference and a link only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import PASSIVE_PATHS
from notifications import services as notification_services
from notifications.models import Event, Notification
from notifications.tasks import notice_overdue_actions
from referrals import services
from referrals.models import Action, Instrument
from sharing.services import revoke_share
from tests.home.factories import NotificationFactory, PreferenceFactory
from tests.home.helpers import share_with_health

pytestmark = pytest.mark.django_db


def submit_assessment(personas, referral, responses, by="kcc.caseworker"):
    seraf = Instrument.objects.get(code="seraf", version=1)
    return services.assessment_submit(
        referral=referral, assessed_by=personas[by], instrument=seraf,
        responses=responses(seraf, {"older-partner": ("yes", "current")}), professional_level="low",
    )  # fmt: skip


def listed(client, user) -> list[str]:
    client.force_login(user)
    page = client.get(reverse("notifications:notification_list")).content.decode()
    import re

    return re.findall(r'data-testid="notification" data-reference="([^"]+)"', page)


def unread_badge(client, user) -> str | None:
    import re

    client.force_login(user)
    found = re.search(r'data-testid="unread-count">(\d+\+?)<', client.get(reverse("home")).content.decode())
    return found and found[1]


def test_a_supervisor_is_told_an_assessment_awaits_approval_and_opens_it(client, personas, referral_at, responses):
    accepted = referral_at("accepted", by="kcc.caseworker")
    submit_assessment(personas, accepted, responses)
    supervisor = personas["kcc.supervisor"]

    assert unread_badge(client, supervisor) == "1"
    assert listed(client, supervisor) == [accepted.reference]
    # The assessor is not told of their own submission.
    assert not Notification.objects.filter(recipient=personas["kcc.caseworker"], event=Event.ASSESSMENT_SUBMITTED)

    notification = Notification.objects.get(recipient=supervisor)
    response = client.get(reverse("notifications:notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:referral_detail", args=[accepted.pk])
    assert unread_badge(client, supervisor) is None


def test_the_assessor_is_told_when_their_assessment_is_returned(client, personas, referral_at, responses):
    accepted = referral_at("accepted", by="kcc.caseworker")
    assessment = submit_assessment(personas, accepted, responses)
    services.assessment_return(assessment=assessment, returned_by=personas["kcc.supervisor"], reason="Add evidence")
    assert listed(client, personas["kcc.caseworker"]) == [accepted.reference]
    assert Notification.objects.get(recipient=personas["kcc.caseworker"]).event == Event.ASSESSMENT_RETURNED


def test_an_action_set_for_someone_else_tells_them_and_one_set_for_oneself_does_not(personas, referral_at):
    case = referral_at("open", by="kcc.caseworker")
    supervisor, caseworker = personas["kcc.supervisor"], personas["kcc.caseworker"]
    due = timezone.localdate() + datetime.timedelta(days=2)
    services.action_create(referral=case, created_by=supervisor, description="Call school", owner=caseworker,
                           due_date=due)  # fmt: skip
    services.action_create(referral=case, created_by=caseworker, description="Note", owner=caseworker, due_date=due)
    assigned = Notification.objects.filter(recipient=caseworker, event=Event.ACTION_ASSIGNED)
    assert assigned.count() == 1


def test_the_lead_professional_is_told_when_someone_else_moves_their_case(personas, referral_at):
    case = referral_at("open", by="kcc.caseworker")
    services.referral_close(referral=case, closed_by=personas["kcc.supervisor"], reason="risk_reduced")
    told = Notification.objects.get(recipient=personas["kcc.caseworker"], event=Event.STATUS_CHANGED)
    assert told.reference == case.reference and told.level == "summary"


def test_overdue_actions_are_told_once(personas, referral_at):
    case = referral_at("open", by="kcc.caseworker")
    caseworker = personas["kcc.caseworker"]
    action = services.action_create(referral=case, created_by=caseworker, description="Visit", owner=caseworker,
                                    due_date=timezone.localdate())  # fmt: skip
    Action.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    assert notice_overdue_actions() == 1
    assert notice_overdue_actions() == 0
    assert Notification.objects.filter(recipient=caseworker, event=Event.ACTION_OVERDUE).count() == 1


def test_a_share_tells_the_agency_and_a_revoked_share_takes_the_notification_away(client, personas, referral):
    record = referral(by="kcc.caseworker")
    share = share_with_health(personas, record)
    nurse = personas["health.practitioner"]
    assert notification_services.notice_new_shares() >= 1
    assert notification_services.notice_new_shares() == 0  # the watermark moved: nothing twice
    assert listed(client, nurse) == [record.reference]
    assert unread_badge(client, nurse) == "1"
    notification = Notification.objects.get(recipient=nurse)
    assert notification.event == Event.SHARED_WITH_AGENCY

    revoke_share(share=share, revoked_by=personas["kcc.caseworker"], reason="No longer involved")
    # Never a word about a record the reader can no longer see: not listed, not counted, not opened.
    assert listed(client, nurse) == []
    assert unread_badge(client, nurse) is None
    assert client.get(reverse("notifications:notification_open", args=[notification.pk])).status_code == 404


def test_a_notification_is_only_its_recipients(client, personas, referral):
    record = referral(by="kcc.caseworker")
    notification = NotificationFactory(recipient=personas["kcc.caseworker"], referral=record)
    client.force_login(personas["kcc.supervisor"])  # sees the referral, but it is not their notification
    assert client.get(reverse("notifications:notification_open", args=[notification.pk])).status_code == 404
    assert listed(client, personas["kcc.supervisor"]) == []


def test_a_notification_needing_full_is_not_shown_to_a_summary_reader(client, personas, referral):
    record = referral(by="kcc.caseworker")
    share_with_health(personas, record, level="summary")
    nurse = personas["health.practitioner"]
    NotificationFactory(recipient=nurse, referral=record, level="full")
    assert listed(client, nurse) == []
    NotificationFactory(recipient=nurse, referral=record, level="summary")
    assert listed(client, nurse) == [record.reference]


def test_an_immediate_e_mail_carries_a_reference_and_a_link_only(
    personas, referral_at, responses, mailoutbox, django_capture_on_commit_callbacks
):
    accepted = referral_at("accepted", by="kcc.caseworker")
    PreferenceFactory(user=personas["kcc.supervisor"], email="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        submit_assessment(personas, accepted, responses)
    to_supervisor = [mail for mail in mailoutbox if personas["kcc.supervisor"].email in mail.to]
    assert len(to_supervisor) == 1
    mail = to_supervisor[0]
    assert accepted.reference in mail.subject
    assert reverse("referrals:referral_detail", args=[accepted.pk]) in mail.body
    for detail in (accepted.child.first_name, accepted.child.last_name, accepted.concern_summary, "older"):
        assert detail not in mail.body and detail not in mail.subject
    assert Notification.objects.get(recipient=personas["kcc.supervisor"]).emailed_at is not None


def test_no_e_mail_about_a_record_the_reader_stopped_seeing(personas, referral, mailoutbox):
    record = referral(by="kcc.caseworker")
    share = share_with_health(personas, record)
    nurse = personas["health.practitioner"]
    notification = NotificationFactory(recipient=nurse, referral=record, level="summary")
    PreferenceFactory(user=nurse, email="immediate")
    revoke_share(share=share, revoked_by=personas["kcc.caseworker"], reason="No longer involved")
    assert notification_services.email_immediately(notification_ids=[notification.pk]) == 0
    assert mailoutbox == []


def test_a_daily_digest_lists_the_day_once_and_respects_the_choice(
    personas, referral, mailoutbox, django_capture_on_commit_callbacks
):
    caseworker, supervisor = personas["kcc.caseworker"], personas["kcc.supervisor"]
    first, second = referral(by="kcc.caseworker"), referral(by="kcc.caseworker")
    NotificationFactory(recipient=caseworker, referral=first)
    NotificationFactory(recipient=caseworker, referral=second)
    NotificationFactory(recipient=supervisor, referral=first)
    PreferenceFactory(user=supervisor, email="none")
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_services.queue_daily_digests() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [caseworker.email]
    assert first.reference in mailoutbox[0].body and second.reference in mailoutbox[0].body
    assert first.child.last_name not in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_services.queue_daily_digests() == 0
    assert len(mailoutbox) == 1


def test_the_e_mail_choice_is_saved_and_a_missing_one_is_reported_next_to_the_field(client, personas):
    client.force_login(personas["kcc.caseworker"])
    url = reverse("notifications:preference_edit")
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Choose how you want to be e-mailed" in response.content.decode()
    assert client.post(url, {"email": "immediate"}).status_code == 302
    assert notification_services.email_choice(personas["kcc.caseworker"]) == "immediate"


def test_the_list_and_the_header_cost_the_same_whatever_the_number(client, personas, referral):
    caseworker = personas["kcc.caseworker"]
    record = referral(by="kcc.caseworker")
    NotificationFactory(recipient=caseworker, referral=record)
    client.force_login(caseworker)
    url = reverse("notifications:notification_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        NotificationFactory(recipient=caseworker, referral=referral(by="kcc.caseworker"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count('data-testid="notification"') == 11
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_decided_assessment_is_no_longer_news_for_the_other_supervisors(client, personas, referral_at, responses):
    accepted = referral_at("accepted", by="kcc.caseworker")
    assessment = submit_assessment(personas, accepted, responses)
    assert unread_badge(client, personas["kcc.supervisor"]) == "1"
    # The news goes to the assessor's agency's supervisors (docs/home.md, "Supervisor queues"),
    # but a CSE team supervisor covering may decide: then it is no longer news for them.
    assert unread_badge(client, personas["kent-police.supervisor"]) is None
    services.assessment_approve(assessment=assessment, approved_by=personas["kent-police.supervisor"])
    assert unread_badge(client, personas["kcc.supervisor"]) is None


def test_the_list_says_in_a_live_region_when_news_arrives_while_it_is_open(client, personas, referral):
    """The list's polite live region stays in the page; htmx fetches its words
    every minute, and a screen reader hears of a notification that arrived
    (one the reader may see: a record they do not see is not news)."""
    import re

    nurse = personas["health.practitioner"]
    record = referral(by="kcc.caseworker")
    share_with_health(personas, record)
    NotificationFactory(recipient=nurse, referral=record, level="summary")
    client.force_login(nurse)
    page = client.get(reverse("notifications:notification_list")).content.decode()
    region = re.search(r'<p[^>]*id="notifications-status"[^>]*>(.*?)</p>', page, re.S)
    assert 'role="status"' in region[0] and 'aria-live="polite"' in region[0]
    assert "You have 1 unread notification." in region[1]
    since = re.search(r"status/\?since=(\d+)", region[0])[1]
    status = reverse("notifications:notification_status")

    assert "You have 1 unread notification." in client.get(status, {"since": since}).content.decode()
    shared = referral(by="kcc.caseworker")
    share_with_health(personas, shared)
    NotificationFactory(recipient=nurse, referral=shared, level="summary")
    NotificationFactory(recipient=nurse, referral=referral(by="kcc.caseworker"), level="summary")  # never shared
    NotificationFactory(recipient=personas["kcc.caseworker"], referral=record)  # someone else's
    words = client.get(status, {"since": since}).content.decode()
    assert "1 new notification since this page was opened." in words
    assert reverse("notifications:notification_list") in words
    # Not activity: a list left open still times out (accounts.middleware.PASSIVE_PATHS).
    assert status in PASSIVE_PATHS
    for bad in ("", "null", "-1", "1e3", "9" * 40):
        assert client.get(status, {"since": bad}).status_code == 400, bad
