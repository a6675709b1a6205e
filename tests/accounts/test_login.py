import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

WRONG_LOGIN = "Enter a correct username and password"


def sign_in(client, username, password=TEST_PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra})


# Someone with no second factor is first asked to set one up (test_mfa.py).
HOME_AFTER_PROMPT = f"{reverse('accounts:mfa_prompt')}?next=%2F"


def test_pages_need_a_signed_in_user(client):
    response = client.get(reverse("home"))
    assertRedirects(response, f"{reverse('accounts:login')}?next=/", fetch_redirect_response=False)


def test_signing_in_shows_name_agency_and_role_in_the_identity_bar(client, personas):
    response = sign_in(client, "kcc.caseworker")
    assertRedirects(response, HOME_AFTER_PROMPT, fetch_redirect_response=False)
    page = client.get(reverse("home"))
    assertContains(page, '<strong data-testid="identity-name">Amira Hussain</strong>', html=True)
    assertContains(page, "Kent County Council Children&#x27;s Services")
    assertContains(page, '<span data-testid="identity-roles">Caseworker</span>', html=True)


@pytest.mark.parametrize(
    ("username", "expected_agency", "expected_role"),
    [
        ("kent-police.supervisor", "Kent Police", "Supervisor"),
        ("medway.caseworker", "Medway Council Children&#x27;s Services", "Caseworker"),
        ("health.practitioner", "Health", "Practitioner"),
        ("mase.chair", "Kent County Council Children&#x27;s Services", "MASE chair"),
        ("dpo", "Kent Police", "Data protection officer"),
    ],
)
def test_each_persona_sees_their_own_agency_and_role(client, personas, username, expected_agency, expected_role):
    client.force_login(personas[username])
    page = client.get(reverse("home"))
    assertContains(page, f'<span data-testid="identity-agency">{expected_agency}</span>', html=True)
    assertContains(page, f'<span data-testid="identity-roles">{expected_role}</span>', html=True)


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(client, personas):
    wrong_password = sign_in(client, "kcc.caseworker", "not-the-password")
    unknown_user = sign_in(client, "nobody.at-all", "not-the-password")
    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assertContains(response, WRONG_LOGIN)
        assertContains(response, "govuk-error-summary")
    assert page_without(wrong_password, "kcc.caseworker") == page_without(unknown_user, "nobody.at-all")


def page_without(response, username):
    """The page minus what legitimately differs: the typed username and the CSRF token."""
    html = response.content.decode().replace(username, "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_deactivated_account_cannot_sign_in_and_is_not_told_why(client, personas):
    user = personas["kcc.caseworker"]
    user.is_active = False
    user.save()
    response = sign_in(client, "kcc.caseworker")
    assertContains(response, WRONG_LOGIN)
    assert "_auth_user_id" not in client.session


def test_empty_fields_are_reported_next_to_each_field(client):
    response = sign_in(client, "", "")
    assertContains(response, "Enter your username")
    assertContains(response, "Enter your password")
    assertContains(response, 'id="id_username-error"')


def test_signing_out_ends_the_session(client, personas):
    client.force_login(personas["kcc.caseworker"])
    response = client.post(reverse("accounts:logout"))
    assertRedirects(response, reverse("accounts:login"))
    assertRedirects(client.get(reverse("home")), "/accounts/login/?next=/", fetch_redirect_response=False)


def test_sign_in_does_not_redirect_to_another_site(client, personas):
    response = sign_in(client, "kcc.caseworker", next="https://attacker.example/")
    assertRedirects(response, HOME_AFTER_PROMPT, fetch_redirect_response=False)


def test_only_administrators_see_the_administration_section(client, personas):
    client.force_login(personas["kcc.caseworker"])
    assertNotContains(client.get(reverse("home")), "Administration")
    assert client.get(reverse("admin:index")).status_code == 302

    client.force_login(personas["admin"])
    assertContains(client.get(reverse("home")), "Administration")
    for name in (
        "admin:accounts_agency_changelist",
        "admin:accounts_district_changelist",
        "admin:accounts_user_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200


def test_an_unknown_page_is_a_styled_404(client, personas):
    client.force_login(personas["kcc.caseworker"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, "may not be shared with your agency", status_code=404)


def test_changing_a_users_roles_in_the_admin_is_logged(client, personas):
    from accounts.models import Role
    from audit.models import AccessEvent

    target = personas["kcc.caseworker"]
    client.force_login(personas["admin"])
    url = reverse("admin:accounts_user_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"agency": target.agency_id, "roles": [Role.objects.get(code="supervisor").pk]})
    response = client.post(url, data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.has_role("supervisor") and not target.has_role("caseworker")
    event = AccessEvent.objects.get(action=AccessEvent.Action.PERMISSION_CHANGE)
    assert event.user == personas["admin"]
    assert event.record_ids == [str(target.pk)]
    assert event.details["roles"] == ["supervisor"] and "roles" in event.details["changed_fields"]


def test_repeated_failures_lock_the_username_known_or_not(client, personas, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for username in ("kcc.caseworker", "nobody.at-all"):
        for _ in range(2):
            assertContains(sign_in(client, username, "wrong-password"), WRONG_LOGIN)
        # The third failure reaches the limit and locks the username.
        assertContains(sign_in(client, username, "wrong-password"), "Sign-in locked", status_code=429)
    # Even the right password is refused while the lock lasts.
    assertContains(sign_in(client, "kcc.caseworker"), "Wait 15 minutes and try again", status_code=429)
    assert "_auth_user_id" not in client.session
    # Other usernames are not affected.
    assertRedirects(sign_in(client, "medway.caseworker"), HOME_AFTER_PROMPT, fetch_redirect_response=False)


def test_a_successful_sign_in_resets_the_failure_count(client, personas, settings):
    settings.AXES_FAILURE_LIMIT = 3
    sign_in(client, "kcc.caseworker", "wrong-password")
    sign_in(client, "kcc.caseworker", "wrong-password")
    assertRedirects(sign_in(client, "kcc.caseworker"), HOME_AFTER_PROMPT, fetch_redirect_response=False)
    client.post(reverse("accounts:logout"))
    sign_in(client, "kcc.caseworker", "wrong-password")
    sign_in(client, "kcc.caseworker", "wrong-password")
    assertRedirects(sign_in(client, "kcc.caseworker"), HOME_AFTER_PROMPT, fetch_redirect_response=False)
