"""API throttles (issue #14, item 4): per user, per token, and failed tokens
per address; every throttle answer is 429 with Retry-After, and logged."""

import logging

import pytest
from rest_framework.test import APIClient

from accounts import services

pytestmark = pytest.mark.django_db


def token_for(user, name="Script"):
    _, secret = services.api_token_create(user=user, name=name, scope="read", days=7, created_by=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def statuses(client, count, path="/api/instruments/", **extra):
    return [client.get(path, **extra).status_code for _ in range(count)]


def test_a_user_over_their_rate_gets_429_with_retry_after_and_a_log_line(personas, settings, caplog):
    settings.API_RATE_PER_USER = "5/minute"
    client = APIClient()
    client.force_authenticate(personas["kcc.caseworker"])
    with caplog.at_level(logging.WARNING, logger="cse_team.throttle"):
        assert statuses(client, 5) == [200] * 5
        refused = client.get("/api/instruments/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "user=kcc.caseworker" in caplog.text and "/api/instruments/" in caplog.text
    # Another user is not held back by the first.
    other = APIClient()
    other.force_authenticate(personas["medway.caseworker"])
    assert other.get("/api/instruments/").status_code == 200


def test_each_token_has_its_own_allowance_within_its_holders(personas, settings):
    settings.API_RATE_PER_TOKEN = "3/minute"
    user = personas["kcc.caseworker"]
    runaway, other = token_for(user, "Runaway"), token_for(user, "Other")
    assert statuses(runaway, 4) == [200, 200, 200, 429]
    assert other.get("/api/instruments/").status_code == 200


def test_bad_tokens_from_one_address_are_slowed_then_refused(personas, settings, caplog):
    settings.API_FAILED_TOKENS_PER_ADDRESS = "3/hour"
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Token cseapi_0000000000000000")
    with caplog.at_level(logging.WARNING, logger="cse_team.throttle"):
        assert statuses(guesser, 4, REMOTE_ADDR="203.0.113.9") == [401, 401, 401, 429]
    assert "address=203.0.113.9" in caplog.text
    # From that address even a real token waits, so guessing learns nothing...
    real = token_for(personas["kcc.caseworker"])
    refused = real.get("/api/instruments/", REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # ...and the real holder elsewhere is not affected.
    assert real.get("/api/instruments/", REMOTE_ADDR="198.51.100.7").status_code == 200
