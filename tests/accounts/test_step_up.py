"""Step-up re-authentication (issue #14 item 1) before exporting the access
log, changing someone's roles and agreeing a protocol: a session whose last
password (or second factor) is older than ACCOUNT_REAUTHENTICATION_TIMEOUT
is asked again, and the action goes ahead after."""

import time

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.models import Role
from sharing.models import Protocol
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def age_authentication(client, seconds=10 * 60):
    """As if the password and second factor were given `seconds` ago."""
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] = time.time() - seconds
    session.save()


def reauthenticate(client, next_url):
    return client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD, "next": next_url})


def test_exporting_the_access_log_asks_for_the_password_again(client, personas):
    client.force_login(personas["dpo"])
    export = reverse("audit:accessevent_export")
    # Just signed in: no second asking.
    assert client.get(export).status_code == 200
    age_authentication(client)
    asked = client.get(export)
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("account_reauthenticate"))
    page = client.get(asked["Location"])
    assertContains(page, "govuk-input")
    wrong = client.post(reverse("account_reauthenticate"), {"password": "not-it", "next": export})
    assertContains(wrong, "govuk-error-message")
    response = reauthenticate(client, export)
    assert response.status_code == 302 and response["Location"] == export
    assert client.get(export)["Content-Type"].startswith("text/csv")


def test_changing_roles_in_the_admin_asks_for_the_password_again_and_then_saves(client, personas):
    target = personas["kcc.caseworker"]
    client.force_login(personas["admin"])
    url = reverse("admin:accounts_user_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"agency": target.agency_id, "roles": [Role.objects.get(code="supervisor").pk]})
    age_authentication(client)
    # Reading the form is not asked; saving it is.
    assert client.get(url).status_code == 200
    asked = client.post(url, data)
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    target.refresh_from_db()
    assert not target.has_role("supervisor")
    # The kept change is made once the password is given.
    assert reauthenticate(client, url).status_code == 302
    target.__dict__.pop("_held_roles", None)
    assert target.has_role("supervisor")


def test_agreeing_a_protocol_asks_for_the_password_again(client, personas):
    client.force_login(personas["admin"])
    draft = Protocol.objects.create(version=999, title="Draft for step-up", purpose="Testing step-up")
    age_authentication(client)
    response = client.post(
        reverse("admin:sharing_protocol_changelist"), {"action": "agree", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
