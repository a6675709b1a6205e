"""A passkey (WebAuthn) enrolled and used in a real browser (issue #14, item
1's phishing-resistant factor): Chromium's virtual authenticator, through the
DevTools protocol, stands in for the device's fingerprint or PIN."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_mfa_browser import type_password

pytestmark = pytest.mark.e2e


def add_virtual_authenticator(page) -> tuple:
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    added = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return devtools, added["authenticatorId"]


def test_a_caseworker_enrols_a_passkey_and_signs_in_with_password_and_passkey(page, personas, settings, output_dir):
    # The live server is http://localhost (a secure context for the browser);
    # production is HTTPS only, where this is off.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    caseworker = personas["kcc.caseworker"]
    devtools, authenticator_id = add_virtual_authenticator(page)

    type_password(page, "kcc.caseworker")
    expect(page.get_by_role("heading", name="Set up a second way to sign in")).to_be_visible()
    page.get_by_role("link", name="Add a passkey or security key").click()
    expect(page).to_have_url(reverse("mfa_add_webauthn"))
    assert_accessible(page)
    page.locator("#id_name").fill("Work laptop")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: reverse("mfa_add_webauthn") not in url)
    page.screenshot(path=output_dir / "after-enrolment.png", full_page=True)
    passkey = Authenticator.objects.get(user=caseworker, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().name == "Work laptop"
    credentials = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(credentials) == 1  # the key lives in the authenticator, not on the server

    page.goto("/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Username")).to_be_visible()

    type_password(page, "kcc.caseworker")
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    # The password alone opens nothing.
    assert page.get_by_test_id("identity-name").count() == 0
    page.screenshot(path=output_dir / "second-step.png", full_page=True)
    page.locator("#mfa_webauthn_authenticate").click()
    expect(page.get_by_test_id("identity-name")).to_have_text(caseworker.get_full_name())
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
