"""Sign-in throttling (issue #14 item 4, sign-in half): a username is locked
only from the address that failed, spraying from one address is slowed, and
every throttled answer is a 429 with Retry-After, logged."""

import logging

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.66"
OFFICE = "203.0.113.10"


def sign_in(client, username, password=TEST_PASSWORD, *, address):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(response) -> bool:
    return response.status_code == 302


def test_an_attacker_elsewhere_cannot_lock_the_real_user_out(client, personas, settings, caplog):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(client, "admin", "guess", address=ATTACKER)
    locked = sign_in(client, "admin", "guess", address=ATTACKER)
    assertContains(locked, "Sign-in locked", status_code=429)
    assert locked["Retry-After"] == str(15 * 60)
    # Even the right password from the attacker's address is refused...
    assert sign_in(client, "admin", address=ATTACKER).status_code == 429
    # ...but the administrator at their usual address signs in.
    assert signed_in(sign_in(client, "admin", address=OFFICE))


def test_the_lock_is_logged(client, personas, settings, caplog):
    settings.AXES_FAILURE_LIMIT = 2
    with caplog.at_level(logging.WARNING, logger="accounts.throttle"):
        for _ in range(3):
            sign_in(client, "kcc.caseworker", "guess", address=ATTACKER)
    (record,) = [r for r in caplog.records if r.name == "accounts.throttle"][:1]
    assert "username" in record.getMessage() and ATTACKER in record.getMessage()
    assert "guess" not in record.getMessage()


def test_spraying_many_usernames_from_one_address_is_slowed(client, personas, settings, caplog):
    settings.AXES_FAILURE_LIMIT = 5
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 6
    # Two tries at each of three usernames: no username reaches its own limit.
    for username in ("kcc.caseworker", "medway.caseworker", "health.practitioner"):
        for _ in range(2):
            assert sign_in(client, username, "Winter2026!", address=ATTACKER).status_code == 200
    with caplog.at_level(logging.WARNING, logger="accounts.throttle"):
        slowed = sign_in(client, "dpo", "Winter2026!", address=ATTACKER)
    assertContains(slowed, "too many failed attempts to sign in from your network address", status_code=429)
    assert int(slowed["Retry-After"]) > 0
    assert any("address" in r.getMessage() for r in caplog.records)
    # Another address is not slowed.
    assert signed_in(sign_in(client, "kcc.caseworker", address=OFFICE))


def test_the_address_behind_the_trusted_proxy_is_the_one_locked(client, personas, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = 1
    balancer = "10.0.0.5"

    def through_balancer(client_address, password):
        return client.post(
            reverse("accounts:login"),
            {"username": "kcc.supervisor", "password": password},
            REMOTE_ADDR=balancer,
            HTTP_X_FORWARDED_FOR=client_address,
        )

    for _ in range(2):
        through_balancer(ATTACKER, "guess")
    assert through_balancer(ATTACKER, TEST_PASSWORD).status_code == 429
    assert signed_in(through_balancer(OFFICE, TEST_PASSWORD))


def test_allauths_own_limits_answer_429_with_retry_after_and_are_logged(client, personas, settings, caplog):
    """Password change is limited by allauth itself (ACCOUNT_RATE_LIMITS,
    5 a minute per user); its refusal says when to come back, as ours do."""
    from django.core.cache import cache

    cache.clear()
    client.force_login(personas["kcc.caseworker"])
    url = reverse("account_change_password")
    attempt = {"oldpassword": "not-it", "password1": "x-long-new-passphrase-1", "password2": "x-long-new-passphrase-1"}
    with caplog.at_level(logging.WARNING, logger="accounts.throttle"):
        answers = [client.post(url, attempt, REMOTE_ADDR=OFFICE) for _ in range(6)]
    assert [answer.status_code for answer in answers[:5]] == [200] * 5
    refused = answers[5]
    assertContains(refused, "Too many attempts", status_code=429)
    assert int(refused["Retry-After"]) == 300  # the longest of ACCOUNT_RATE_LIMITS' windows ("5/5m/key")
    assertContains(refused, "Wait 5 minutes", status_code=429)
    (record,) = [r for r in caplog.records if r.name == "accounts.throttle"]
    assert "kcc.caseworker" in record.getMessage() and OFFICE in record.getMessage()
    assert "not-it" not in record.getMessage()
