import re

import pytest
from allauth.mfa.totp.internal.auth import generate_totp_secret
from playwright.sync_api import expect

from accounts import mfa
from accounts.models import User
from accounts.testing import enrol_totp, totp_code_for
from tests.e2e.conftest import assert_accessible
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.e2e


def sign_in(page, username, password=TEST_PASSWORD):
    """Sign in through the pages as a person would, with the second factor when
    the user has one (those who must are given an authenticator app first), and
    "Not now" when asked to set one up."""
    user = User.objects.filter(username=username).first()
    if user is not None and mfa.mfa_required(user) and not mfa.has_second_factor(user):
        enrol_totp(user, generate_totp_secret())
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    # Each step's POST redirects to the next page. Wait for that page, not
    # for the load state, which the page being left already has: a test that
    # went on at once raced the redirect and arrived signed out (seen under
    # load in CI: the login page where the record was expected).
    leaving = page.url
    page.get_by_role("button", name="Sign in").click()
    if user is None or password != TEST_PASSWORD:
        page.wait_for_load_state()
        return  # refused: the same page again
    page.wait_for_url(lambda url: url != leaving)
    page.wait_for_load_state()
    if mfa.has_second_factor(user):
        page.get_by_label("Code").fill(totp_code_for(user))
        leaving = page.url
        page.get_by_role("button", name="Sign in").click()
    elif "/accounts/mfa/set-up/" in page.url:
        leaving = page.url
        page.get_by_test_id("mfa-not-now").click()
    else:
        return
    page.wait_for_url(lambda url: url != leaving)
    page.wait_for_load_state()


def test_a_caseworker_signs_in_and_sees_who_they_are(page, personas, output_dir):
    sign_in(page, "kcc.caseworker")

    bar = page.get_by_test_id("identity-bar")
    assert bar.get_by_test_id("identity-name").inner_text() == "Amira Hussain"
    assert bar.get_by_test_id("identity-agency").inner_text() == "Kent County Council Children's Services"
    assert bar.get_by_test_id("identity-roles").inner_text() == "Caseworker"
    page.screenshot(path=output_dir / "home.png", full_page=True)

    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", name="Sign in").is_visible()


def test_a_wrong_password_is_reported_at_the_top_and_the_user_stays_signed_out(page, personas, output_dir):
    sign_in(page, "kcc.caseworker", "not-the-password")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct username and password")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    assert page.get_by_test_id("identity-bar").count() == 0
    page.screenshot(path=output_dir / "wrong-password.png", full_page=True)
    assert_accessible(page)


def test_sign_in_page_has_no_wcag_violations(page, output_dir):
    page.goto("/accounts/login/")
    page.screenshot(path=output_dir / "login.png", full_page=True)
    assert_accessible(page)


def test_home_page_has_no_wcag_violations(page, personas, output_dir):
    sign_in(page, "admin")
    assert page.get_by_role("link", name="Administration").is_visible()
    page.screenshot(path=output_dir / "home-admin.png", full_page=True)
    assert_accessible(page)


def test_styles_and_scripts_load_under_the_content_security_policy(strict_page, personas):
    page = strict_page
    failed = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.on("pageerror", lambda error: failed.append(str(error)))
    page.on("console", lambda message: failed.append(message.text) if message.type == "error" else None)
    response = page.goto("/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    sign_in(page, "medway.caseworker")
    page.wait_for_load_state("networkidle")
    assert failed == []
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "GDS Transport" not in font
