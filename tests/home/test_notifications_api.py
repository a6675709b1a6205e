"""Notifications over the API (/api/notifications/) and the header's unread
count that htmx refreshes: the reader's own only, each while its record is
visible at the level its news needs, as on the pages."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.models import Notification
from sharing.services import revoke_share
from tests.home.factories import NotificationFactory
from tests.home.helpers import share_with_health

pytestmark = pytest.mark.django_db

LIST = "/api/notifications/"


@pytest.fixture
def api():
    return APIClient()


def test_the_list_is_the_readers_own_about_records_they_still_see(api, personas, referral):
    record = referral(by="kcc.caseworker")
    share = share_with_health(personas, record)
    nurse = personas["health.practitioner"]
    mine = NotificationFactory(recipient=nurse, referral=record, level="summary")
    NotificationFactory(recipient=personas["kcc.caseworker"], referral=record)  # someone else's
    NotificationFactory(recipient=nurse, referral=record, level="full")  # news a summary reader may not have
    api.force_authenticate(nurse)
    body = api.get(LIST).json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    row = body["results"][0]
    assert (row["reference"], row["link"], row["read"]) == (record.reference, mine.link, False)
    assert row["event_label"] == "An action was assigned to you"
    assert "concern" not in str(body).lower()

    revoke_share(share=share, revoked_by=personas["kcc.caseworker"], reason="No longer involved")
    assert api.get(LIST).json()["results"] == []
    assert api.post(f"{LIST}{mine.pk}/read/").status_code == 404


def test_marking_one_and_all_read(api, personas, referral):
    record = referral(by="kcc.caseworker")
    caseworker = personas["kcc.caseworker"]
    first, second = (NotificationFactory(recipient=caseworker, referral=record) for _ in range(2))
    api.force_authenticate(caseworker)
    assert api.get(f"{LIST}unread-count/").json() == {"unread": 2, "label": "2"}
    response = api.post(f"{LIST}{first.pk}/read/")
    assert response.status_code == 200 and response.json()["read"] is True
    assert [row["id"] for row in api.get(LIST, {"unread": "true"}).json()["results"]] == [second.pk]
    assert api.post(f"{LIST}read-all/").json() == {"marked_read": 1}
    assert api.get(f"{LIST}unread-count/").json() == {"unread": 0, "label": "0"}

    api.force_authenticate(personas["kcc.supervisor"])  # sees the referral; not their notification
    assert api.post(f"{LIST}{first.pk}/read/").status_code == 404
    assert api.get(f"{LIST}{first.pk}/").status_code == 404


def test_the_list_costs_the_same_queries_however_long(api, personas, referral, django_assert_max_num_queries):
    record = referral(by="kcc.caseworker")
    caseworker = personas["kcc.caseworker"]
    NotificationFactory(recipient=caseworker, referral=record)
    api.force_authenticate(caseworker)
    api.get(LIST)
    with CaptureQueriesContext(connection) as one:
        api.get(LIST)
    for _ in range(20):
        NotificationFactory(recipient=caseworker, referral=record)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api.get(LIST).json()["results"]) == 21


def test_a_read_only_token_may_list_but_not_mark_read(personas, referral):
    from accounts.services import api_token_create

    record = referral(by="kcc.caseworker")
    caseworker = personas["kcc.caseworker"]
    notification = NotificationFactory(recipient=caseworker, referral=record)
    _, secret = api_token_create(user=caseworker, name="Reader", scope="read", days=None, created_by=caseworker)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get(LIST).status_code == 200
    assert api.post(f"{LIST}{notification.pk}/read/").status_code == 403
    assert Notification.objects.get(pk=notification.pk).read_at is None
    assert APIClient().get(LIST).status_code == 401


def test_htmx_refreshes_the_unread_count_without_keeping_the_session_alive(client, personas, referral):
    from accounts.middleware import LAST_SEEN_AT

    record = referral(by="kcc.caseworker")
    caseworker = personas["kcc.caseworker"]
    client.force_login(caseworker)
    page = client.get(reverse("home")).content.decode()
    badge_url = reverse("notifications:notification_unread_badge")
    assert f'hx-get="{badge_url}" hx-trigger="every 60s" hx-swap="outerHTML"' in page
    assert 'data-testid="unread-count"' not in client.get(badge_url).content.decode()
    NotificationFactory(recipient=caseworker, referral=record)
    badge = client.get(badge_url).content.decode()
    assert '<span class="moj-notification-badge" data-testid="unread-count">1<' in badge
    assert "<html" not in badge
    a_minute_ago = time.time() - 60
    session = client.session
    session[LAST_SEEN_AT] = a_minute_ago
    session.save()
    client.get(badge_url)
    assert client.session[LAST_SEEN_AT] == a_minute_ago  # polling is not activity
    client.get(reverse("home"))
    assert client.session[LAST_SEEN_AT] > a_minute_ago  # a page is


def test_a_bad_unread_filter_is_a_400_and_a_bad_id_a_404(client, personas):
    """schemathesis (CI): `?unread=null` listed everything, and
    POST /api/notifications/null,null/read/ was a 500."""
    client.force_login(personas["kcc.caseworker"])
    answer = client.get("/api/notifications/", {"unread": "null"})
    assert answer.status_code == 400 and answer.json() == {"unread": ["Give true or false."]}
    assert client.get("/api/notifications/", {"unread": "false"}).status_code == 200
    assert client.post("/api/notifications/null,null/read/").status_code == 404
    assert client.get("/api/notifications/abc/").status_code == 404
