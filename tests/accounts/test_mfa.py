"""Multi-factor sign-in (issue #14 item 1): who must use a second factor, the
sign-in with one, setting one up, and the prompt for everyone else."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils.http import urlencode
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.testing import forget_second_factor, totp_code
from audit.models import AccessEvent
from tests.accounts.factories import TotpAuthenticatorFactory
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=TEST_PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra})


def prompt(next_url="/"):
    return f"{reverse('accounts:mfa_prompt')}?{urlencode({'next': next_url})}"


def test_a_caseworker_without_a_second_factor_is_asked_to_set_one_up_and_may_carry_on(client, personas):
    response = sign_in(client, "kcc.caseworker")
    assertRedirects(response, prompt("/"), fetch_redirect_response=False)
    page = client.get(prompt("/"))
    assertContains(page, "Set up a second way to sign in")
    assertContains(page, "Add a passkey or security key")
    assertContains(page, "Set up an authenticator app")
    assertContains(page, 'href="/" data-testid="mfa-not-now"')
    # Not now: the service works.
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("username", ["admin", "dpo", "kent-police.intelligence-officer", "kent-police.analyst"])
def test_administrators_the_dpo_and_the_intelligence_unit_must_set_one_up_first(client, personas, username):
    assertRedirects(sign_in(client, username), prompt("/"), fetch_redirect_response=False)
    page = client.get(prompt("/"))
    assertContains(page, "Your role needs a second way to sign in")
    assertNotContains(page, "mfa-not-now")
    # Every other page sends them back to set one up; so does the API.
    assertRedirects(client.get(reverse("audit:accessevent_list")), prompt("/audit/access-log/"))
    assert client.get("/api/referrals/").status_code == 403
    # The set-up pages themselves are open.
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_mfa_required_for_all_makes_everyone_set_one_up(client, personas, settings):
    settings.MFA_REQUIRED_FOR_ALL = True
    sign_in(client, "kcc.caseworker")
    assertRedirects(client.get(reverse("home")), prompt("/"))
    assertNotContains(client.get(prompt("/")), "mfa-not-now")


def test_signing_in_with_an_authenticator_app_asks_for_the_code_before_anything_else(client, personas):
    admin = personas["admin"]
    app = TotpAuthenticatorFactory(user=admin)

    response = sign_in(client, "admin")
    assertRedirects(response, reverse("mfa_authenticate"), fetch_redirect_response=False)
    # Not signed in yet: the password alone opens nothing.
    assert "_auth_user_id" not in client.session
    assertRedirects(client.get(reverse("home")), "/accounts/login/?next=/", fetch_redirect_response=False)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.LOGIN).exists()

    not_the_code = "000000" if totp_code(app.secret) != "000000" else "111111"
    wrong = client.post(reverse("mfa_authenticate"), {"code": not_the_code})
    assertContains(wrong, "Incorrect code")
    assertContains(wrong, "govuk-error-summary")
    assert "_auth_user_id" not in client.session

    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(app.secret)})
    assertRedirects(right, reverse("home"), fetch_redirect_response=False)
    assertContains(client.get(reverse("home")), "Administration")
    login = AccessEvent.objects.get(action=AccessEvent.Action.LOGIN)
    assert login.user == admin


def test_a_code_works_only_once(client, personas):
    app = TotpAuthenticatorFactory(user=personas["dpo"])
    code = totp_code(app.secret)
    sign_in(client, "dpo")
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("accounts:logout"))
    sign_in(client, "dpo")
    assertContains(client.post(reverse("mfa_authenticate"), {"code": code}), "Incorrect code")


def test_setting_up_an_authenticator_app_from_the_prompt(client, personas):
    sign_in(client, "kent-police.analyst")
    page = client.get(reverse("mfa_activate_totp"))
    assertContains(page, "govuk-input")
    secret = page.context["form"].secret
    # A wrong code is reported next to the field, and nothing is saved.
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "12"})
    assertContains(wrong, "govuk-error-message")
    assert not Authenticator.objects.filter(user=personas["kent-police.analyst"]).exists()

    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=personas["kent-police.analyst"], type="totp").exists()
    # Setting it up in this session counts as using it: the service opens.
    assert client.get(reverse("home")).status_code == 200


def test_the_authenticator_secret_is_not_stored_as_it_is(personas):
    app = TotpAuthenticatorFactory(user=personas["kcc.caseworker"])
    stored = Authenticator.objects.get(pk=app.pk).data["secret"]
    assert app.secret not in stored


def test_a_recovery_code_stands_in_for_the_app(client, personas):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = personas["kent-police.intelligence-officer"]
    TotpAuthenticatorFactory(user=user)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    sign_in(client, user.username)
    assertRedirects(client.post(reverse("mfa_authenticate"), {"code": codes[0]}), "/", fetch_redirect_response=False)
    client.post(reverse("accounts:logout"))
    sign_in(client, user.username)
    assertContains(client.post(reverse("mfa_authenticate"), {"code": codes[0]}), "Incorrect code")


def test_someone_who_must_use_a_second_factor_cannot_remove_their_last(client, personas):
    TotpAuthenticatorFactory(user=personas["dpo"])
    client.force_login(personas["dpo"])
    response = client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=personas["dpo"], type="totp").exists()
    assert response.status_code in (200, 302)


def test_a_session_that_skipped_the_second_factor_is_ended_for_someone_who_has_one(client, personas):
    TotpAuthenticatorFactory(user=personas["admin"])
    client.force_login(personas["admin"])
    forget_second_factor(client)
    response = client.get(reverse("home"))
    assertRedirects(response, "/accounts/login/?next=/", fetch_redirect_response=False)
    assert "_auth_user_id" not in client.session


def test_force_login_in_tests_counts_as_a_full_sign_in(client, personas):
    client.force_login(personas["admin"])
    assert client.get(reverse("home")).status_code == 200
    forget_second_factor(client)
    assertRedirects(client.get(reverse("home")), prompt("/"))


def test_the_admin_sign_in_form_sends_people_to_the_service_sign_in(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_every_claimed_sign_in_route_exists():
    from tests.route_claims import assert_claims_exercised

    assert_claims_exercised("accounts", [])


def test_another_users_passkey_cannot_be_reached(client, personas):
    """The factor pages act on the signed-in user's own factors only."""
    theirs = Authenticator.objects.create(user=personas["kcc.supervisor"], type=Authenticator.Type.WEBAUTHN, data={})
    client.force_login(personas["kcc.caseworker"])
    assert client.get(reverse("mfa_edit_webauthn", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("mfa_remove_webauthn", args=[theirs.pk])).status_code == 404
    assert Authenticator.objects.filter(pk=theirs.pk).exists()
    # The owner reaches it.
    client.force_login(personas["kcc.supervisor"])
    assert client.get(reverse("mfa_remove_webauthn", args=[theirs.pk])).status_code == 200


def test_guessing_codes_is_stopped_after_five_wrong_ones(client, personas):
    app = TotpAuthenticatorFactory(user=personas["admin"])
    right = totp_code(app.secret)
    wrong = "000000" if right != "000000" else "111111"
    sign_in(client, "admin")
    for _ in range(5):
        assertContains(client.post(reverse("mfa_authenticate"), {"code": wrong}), "Incorrect code")
    refused = client.post(reverse("mfa_authenticate"), {"code": right})
    assert refused.status_code == 200
    assertContains(refused, "Too many failed")
    assert "_auth_user_id" not in client.session
