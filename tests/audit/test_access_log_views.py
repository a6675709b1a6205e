"""The data protection officer's search and CSV export of the access log."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from audit.models import AccessEvent
from tests.audit.factories import AccessEventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("audit:accessevent_list")
EXPORT_URL = reverse("audit:accessevent_export")


def london(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def dpo_client(client, personas):
    client.force_login(personas["dpo"])
    return client


def shown(response) -> list[AccessEvent]:
    return list(response.context["access_events"])


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("username", ["dpo", "admin"])
def test_the_dpo_and_administrators_can_search_the_log(client, personas, username):
    event = AccessEventFactory(user=personas["kcc.caseworker"], reason="Covering for a colleague")
    client.force_login(personas[username])

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert event in shown(response)
    assertContains(response, "Amira Hussain")
    assertContains(response, "Covering for a colleague")


@pytest.mark.parametrize("username", ["kcc.caseworker", "kent-police.supervisor", "mase.chair"])
@pytest.mark.parametrize("url", [LIST_URL, EXPORT_URL])
def test_nobody_else_may_read_the_log(client, personas, username, url):
    client.force_login(personas[username])

    response = client.get(url)

    assert response.status_code == 403
    assert not AccessEvent.objects.exclude(action=AccessEvent.Action.LOGIN).exists()


def test_reading_the_log_is_logged_as_a_search_with_the_events_shown(dpo_client, personas):
    exported = AccessEventFactory(action=AccessEvent.Action.EXPORT)

    dpo_client.get(LIST_URL, {"action": "export", "user": ""})

    search = AccessEvent.objects.get(action=AccessEvent.Action.SEARCH)
    assert (search.user, search.record_kind, search.record_ids) == (
        personas["dpo"],
        "audit.accessevent",
        [str(exported.pk)],
    )
    assert search.details == {"action": "export"}


def test_filter_by_part_of_a_username(dpo_client):
    medway = AccessEventFactory(user=UserFactory(username="medway.lchen"))
    AccessEventFactory(user=UserFactory(username="kcc.ahussain"))
    assert shown(dpo_client.get(LIST_URL, {"user": "LCHEN"})) == [medway]


def test_filter_by_action(dpo_client):
    printed = AccessEventFactory(action=AccessEvent.Action.PRINT)
    AccessEventFactory(action=AccessEvent.Action.VIEW)
    assert shown(dpo_client.get(LIST_URL, {"action": "print"})) == [printed]


def test_filter_by_record_finds_views_and_lists_that_showed_it(dpo_client):
    viewed = AccessEventFactory(record_kind="accounts.district", record_ids=["4"])
    listed = AccessEventFactory(action=AccessEvent.Action.LIST, record_kind="accounts.district", record_ids=["4", "9"])
    AccessEventFactory(record_kind="accounts.agency", record_ids=["4"])
    AccessEventFactory(record_kind="accounts.district", record_ids=["9"])

    response = dpo_client.get(LIST_URL, {"record_kind": "accounts.district", "record_id": "4"})

    assert shown(response) == [listed, viewed]


def test_filter_by_dates_takes_whole_days_in_london_time(dpo_client):
    # Summer time: midnight in London is 23:00 UTC the day before.
    AccessEventFactory(occurred_at=london(2025, 6, 9, 23, 59))
    first = AccessEventFactory(occurred_at=london(2025, 6, 10, 0, 0))
    last = AccessEventFactory(occurred_at=london(2025, 6, 12, 23, 59))
    AccessEventFactory(occurred_at=london(2025, 6, 13, 0, 0))

    response = dpo_client.get(LIST_URL, {"date_from": "2025-06-10", "date_to": "2025-06-12", "action": "view"})

    assert shown(response) == [last, first]


def test_a_date_range_ending_before_it_starts_is_an_error_next_to_the_field(dpo_client):
    AccessEventFactory()

    response = dpo_client.get(LIST_URL, {"date_from": "2025-06-12", "date_to": "2025-06-10"})

    assert response.status_code == 200
    assertContains(response, "Date to must be the same as or after date from", count=2)
    assertContains(response, 'id="id_date_to-error"')
    assertContains(response, '<a href="#id_date_to">', html=False)
    assert shown(response) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2025-02-30"}, "Date from must be a real date"),
        ({"date_to": "next tuesday"}, "Date to must be a real date"),
        ({"action": "delete"}, "Select a valid choice"),
        ({"user": "x" * 151}, "Ensure this value has at most 150 characters"),
    ],
)
def test_bad_filters_are_shown_as_errors_not_server_errors(dpo_client, params, message):
    response = dpo_client.get(LIST_URL, params)
    assert response.status_code == 200
    assertContains(response, message)


def test_the_last_possible_date_is_not_an_error(dpo_client):
    event = AccessEventFactory()
    response = dpo_client.get(LIST_URL, {"date_to": "9999-12-31", "action": "view"})
    assert shown(response) == [event]


def test_pages_of_fifty_newest_first_keep_the_filters(dpo_client):
    start = london(2025, 1, 1, 9, 0)
    events = [AccessEventFactory(occurred_at=start + datetime.timedelta(minutes=n)) for n in range(51)]

    first_page = dpo_client.get(LIST_URL, {"action": "view"})
    second_page = dpo_client.get(LIST_URL, {"action": "view", "page": 2})

    assert shown(first_page) == events[:0:-1]
    assert shown(second_page) == [events[0]]
    assertContains(first_page, "51 events")
    assertContains(first_page, 'href="?action=view&amp;page=2" rel="next"')


def test_the_count_stops_at_the_cap(dpo_client, monkeypatch):
    monkeypatch.setattr("audit.views.CappedCountPaginator.count_cap", 2)
    AccessEventFactory.create_batch(3)

    response = dpo_client.get(LIST_URL, {"action": "view"})

    assertContains(response, "More than 2 events")
    assert response.context["paginator"].num_pages == 1


def test_the_list_page_queries_do_not_grow_with_the_events(dpo_client, django_assert_max_num_queries):
    def queries_for_the_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert dpo_client.get(LIST_URL).status_code == 200
        return len(captured)

    AccessEventFactory()
    few = queries_for_the_page()
    for user in UserFactory.create_batch(4):
        AccessEventFactory.create_batch(12, user=user)

    with django_assert_max_num_queries(few):
        response = dpo_client.get(LIST_URL)
    assert len(shown(response)) == 50


def test_the_export_is_a_csv_of_the_filtered_events(dpo_client, personas):
    viewed = AccessEventFactory(
        user=personas["kcc.caseworker"],
        record_kind="accounts.district",
        record_ids=["4", "9"],
        occurred_at=london(2025, 6, 10, 14, 30),
        details={"q": "Thanet"},
    )
    AccessEventFactory(action=AccessEvent.Action.PRINT)

    response = dpo_client.get(EXPORT_URL, {"action": "view"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    header, *rows = csv_rows(response)
    assert header[:5] == ["Time", "Username", "User id", "Agency", "Action"]
    assert rows == [
        [
            "2025-06-10T14:30:00+01:00",
            "kcc.caseworker",
            str(personas["kcc.caseworker"].pk),
            "Kent County Council Children's Services",
            "Viewed",
            "accounts.district",
            "4 9",
            "192.0.2.10",
            viewed.request_id,
            "",
            '{"q": "Thanet"}',
        ]
    ]


def test_the_export_is_itself_logged_once_with_its_filters(dpo_client, personas):
    AccessEventFactory.create_batch(3, action=AccessEvent.Action.VIEW)

    response = dpo_client.get(EXPORT_URL, {"action": "view", "date_from": "2025-01-01"})
    csv_rows(response)

    export = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert (export.user, export.record_kind) == (personas["dpo"], "audit.accessevent")
    assert export.details == {"action": "view", "date_from": "2025-01-01"}


def test_a_typed_username_cannot_become_a_spreadsheet_formula(dpo_client):
    AccessEventFactory(user=None, username='=HYPERLINK("http://attacker.example","Click")', agency=None)

    _header, row = csv_rows(dpo_client.get(EXPORT_URL, {"action": "view"}))

    assert row[1] == '\'=HYPERLINK("http://attacker.example","Click")'


def test_an_export_with_bad_filters_goes_back_to_the_errors_and_is_not_logged(dpo_client):
    response = dpo_client.get(EXPORT_URL, {"date_from": "2025-06-12", "date_to": "2025-06-10"}, follow=True)

    assertContains(response, "Date to must be the same as or after date from", count=2)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()


def test_the_page_has_a_label_for_every_filter(dpo_client):
    response = dpo_client.get(LIST_URL)
    for field in ("user", "action", "record_kind", "record_id", "date_from", "date_to"):
        assertContains(response, f'<label class="govuk-label" for="id_{field}">', html=False)
    assertContains(response, 'type="date"', count=2)
    assertNotContains(response, "govuk-error-summary")
