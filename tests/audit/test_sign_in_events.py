"""Signing in, failing to sign in and signing out are in the access log,
and a typed password never is."""

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "Tr0ub4dor&3-not-mine"


def sign_in(client, username, password):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        headers={"X-Request-ID": "lb-request-1"},
        REMOTE_ADDR="203.0.113.9",
    )


def only_event():
    (event,) = AccessEvent.objects.all()
    return event


def every_value_stored(event) -> str:
    return repr(AccessEvent.objects.filter(pk=event.pk).values().get())


def test_signing_in_is_logged_with_agency_address_and_request(client, personas):
    sign_in(client, "kcc.caseworker", TEST_PASSWORD)

    event = only_event()
    assert (event.action, event.user, event.username) == (
        AccessEvent.Action.LOGIN,
        personas["kcc.caseworker"],
        "kcc.caseworker",
    )
    assert (event.agency.code, event.client_address, event.request_id) == ("kcc", "203.0.113.9", "lb-request-1")


def test_a_wrong_password_is_logged_against_the_account_without_the_password(client, personas):
    sign_in(client, "kcc.caseworker", WRONG_PASSWORD)

    event = only_event()
    assert (event.action, event.user, event.username) == (
        AccessEvent.Action.FAILED_LOGIN,
        personas["kcc.caseworker"],
        "kcc.caseworker",
    )
    assert (event.client_address, event.request_id) == ("203.0.113.9", "lb-request-1")
    assert WRONG_PASSWORD not in every_value_stored(event)


def test_an_unknown_username_is_logged_as_typed_without_the_password(client, personas):
    sign_in(client, "nobody.at-all", WRONG_PASSWORD)

    event = only_event()
    assert (event.action, event.user, event.agency, event.username) == (
        AccessEvent.Action.FAILED_LOGIN,
        None,
        None,
        "nobody.at-all",
    )
    assert WRONG_PASSWORD not in every_value_stored(event)


def test_signing_out_is_logged(client, personas):
    client.force_login(personas["health.practitioner"])
    client.post(reverse("accounts:logout"), REMOTE_ADDR="203.0.113.9")

    logout = AccessEvent.objects.get(action=AccessEvent.Action.LOGOUT)
    assert (logout.user, logout.agency.code, logout.client_address) == (
        personas["health.practitioner"],
        "health",
        "203.0.113.9",
    )
