import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from audit.models import AccessEvent
from audit.services import record_access, record_failed_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def request_from(address="198.51.100.7", request_id="3f1c2a"):
    request = RequestFactory().get("/referrals/42/", REMOTE_ADDR=address)
    request.request_id = request_id
    return request


def test_record_access_takes_who_where_and_which_request(personas):
    caseworker = personas["kcc.caseworker"]

    event = record_access(
        user=caseworker,
        action=AccessEvent.Action.VIEW,
        record_kind="accounts.district",
        record_ids=[42],
        request=request_from(),
        reason="Child placed in our area",
        details={"tab": "chronology"},
    )

    event.refresh_from_db()
    assert (event.user, event.username, event.agency.code) == (caseworker, "kcc.caseworker", "kcc")
    assert (event.client_address, event.request_id) == ("198.51.100.7", "3f1c2a")
    assert (event.record_kind, event.record_ids) == ("accounts.district", ["42"])
    assert (event.reason, event.details) == ("Child placed in our area", {"tab": "chronology"})


def test_record_access_is_one_insert(personas, django_assert_num_queries):
    caseworker = personas["kent-police.caseworker"]
    with django_assert_num_queries(1) as captured:
        record_access(user=caseworker, action=AccessEvent.Action.LIST, record_ids=range(50), request=request_from())
    assert captured.captured_queries[0]["sql"].startswith('INSERT INTO "audit_accessevent"')


def test_without_a_request_the_place_and_request_are_left_empty(personas):
    event = record_access(user=personas["dpo"], action=AccessEvent.Action.EXPORT)
    assert (event.client_address, event.request_id, event.details) == (None, "", {})


@pytest.mark.parametrize("address", ["", "unix:/run/gunicorn.sock", "not-an-address"])
def test_a_peer_without_an_ip_address_is_still_logged(personas, address):
    event = record_access(user=personas["dpo"], action=AccessEvent.Action.VIEW, request=request_from(address=address))
    event.refresh_from_db()
    assert event.client_address is None


def test_an_anonymous_visitor_is_logged_without_a_user():
    event = record_access(user=AnonymousUser(), action=AccessEvent.Action.VIEW, request=request_from())
    assert (event.user, event.username, event.agency) == (None, "", None)


def test_a_failed_login_for_an_existing_account_is_tied_to_it(personas):
    caseworker = personas["medway.caseworker"]
    event = record_failed_login(username="medway.caseworker", request=request_from())
    assert (event.user, event.agency.code, event.action) == (caseworker, "medway", AccessEvent.Action.FAILED_LOGIN)


def test_a_failed_login_for_an_unknown_username_keeps_what_was_typed(db):
    event = record_failed_login(username="nobody.at-all", request=request_from())
    assert (event.user, event.agency, event.username) == (None, None, "nobody.at-all")


def test_whatever_was_typed_as_a_username_can_be_stored(db):
    typed = "a\x00b" + "x" * 300
    event = record_failed_login(username=typed, request=None)
    event.refresh_from_db()
    assert event.username == ("ab" + "x" * 300)[:150]


def test_a_username_that_had_to_be_shortened_is_not_tied_to_the_account_it_was_shortened_to(db):
    longest = UserFactory(username="k" * 150)
    event = record_failed_login(username=longest.username + "-and-more", request=None)
    assert (event.user, event.username) == (None, longest.username)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.5"),  # no trusted proxy: the header is the client's word only
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the load balancer's entry, not the spoofable first
        (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
        (2, "203.0.113.9", "10.0.0.5"),  # fewer entries than proxies: keep the peer address
    ],
)
def test_client_address_behind_trusted_proxies(settings, personas, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    event = record_access(user=personas["kcc.caseworker"], action=AccessEvent.Action.VIEW, request=request)
    assert event.client_address == expected
