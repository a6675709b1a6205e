"""Multi-factor sign-in and the idle warning in a real browser, with axe."""

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from accounts.testing import enrol_totp, totp_code, totp_code_for
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_sign_in import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.e2e


def type_password(page, username):
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_analyst_sets_up_an_authenticator_app_before_using_the_service(page, personas, output_dir):
    type_password(page, "kent-police.analyst")
    expect(page.get_by_role("heading", name="Set up a second way to sign in")).to_be_visible()
    expect(page.get_by_text("Your role needs a second way to sign in")).to_be_visible()
    assert page.get_by_test_id("mfa-not-now").count() == 0
    page.screenshot(path=output_dir / "prompt.png", full_page=True)
    assert_accessible(page)

    page.get_by_test_id("set-up-authenticator-app").click()
    expect(page.get_by_role("img", name="QR code of the authenticator secret")).to_be_visible()
    secret = page.get_by_label("Authenticator secret").input_value()
    page.screenshot(path=output_dir / "activate.png", full_page=True)
    assert_accessible(page)

    page.get_by_label("Authenticator code").fill("12")
    page.get_by_role("button", name="Activate").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    page.screenshot(path=output_dir / "recovery-codes.png", full_page=True)
    assert_accessible(page)

    page.get_by_role("button", name="Continue to the service").click()
    expect(page.get_by_test_id("identity-name")).to_be_visible()
    assert Authenticator.objects.filter(user=personas["kent-police.analyst"], type="totp").exists()


def test_the_dpo_signs_in_with_a_code_from_their_authenticator_app(page, personas, output_dir):
    dpo = personas["dpo"]
    enrol_totp(dpo, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    type_password(page, "dpo")
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    page.screenshot(path=output_dir / "code.png", full_page=True)
    assert_accessible(page)

    page.get_by_label("Code").fill("000000" if totp_code_for(dpo) != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Incorrect code")
    assert_accessible(page)

    page.get_by_label("Code").fill(totp_code_for(dpo))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("identity-name")).to_have_text("Daniel Reid")


def test_the_idle_warning_offers_to_stay_signed_in(page, personas, settings, output_dir):
    settings.SESSION_IDLE_SECONDS = 63
    sign_in(page, "kcc.caseworker")
    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.screenshot(path=output_dir / "idle-warning.png", full_page=True)
    assert_accessible(page)
    page.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    page.reload()
    expect(page.get_by_test_id("identity-name")).to_be_visible()


def test_my_sign_in_page_has_no_wcag_violations(page, personas, output_dir):
    sign_in(page, "kcc.caseworker")
    page.get_by_role("link", name="Your sign-in").click()
    expect(page.get_by_role("heading", name="Where you are signed in")).to_be_visible()
    page.screenshot(path=output_dir / "your-sign-in.png", full_page=True)
    assert_accessible(page)
