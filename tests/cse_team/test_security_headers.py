"""What every answer tells the browser: keep nothing in a cache, use no device
or sensor, and (in production) only HTTPS."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def assert_not_stored(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives, response["Cache-Control"]


def test_signed_in_pages_are_never_stored(client, personas):
    client.force_login(personas["kcc.caseworker"])
    for url in (reverse("home"), reverse("referrals:referral_list")):
        response = client.get(url)
        assert response.status_code == 200
        assert_not_stored(response)


def test_the_access_log_csv_is_never_stored(client, personas):
    client.force_login(personas["dpo"])
    response = client.get(reverse("audit:accessevent_export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert_not_stored(response)


def test_api_json_is_never_stored(personas):
    api = APIClient()
    api.force_authenticate(personas["kcc.caseworker"])
    response = api.get("/api/referrals/")
    assert response.status_code == 200
    assert_not_stored(response)


def test_redirects_and_the_sign_in_page_are_never_stored(client):
    assert_not_stored(client.get(reverse("referrals:referral_list")))  # to the sign-in page
    assert_not_stored(client.get(reverse("accounts:login")))


def test_no_page_may_use_a_device_or_sensor_and_passkeys_only_here(client):
    policy = dict(
        part.strip().split("=", 1) for part in client.get(reverse("accounts:login"))["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert policy[feature] == "()", feature
    assert policy["publickey-credentials-get"] == "(self)"


def test_over_https_browsers_are_told_to_use_only_https_for_a_year(client):
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_plain_http_is_redirected_but_the_health_check_is_not(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get(reverse("healthz")).status_code == 200
