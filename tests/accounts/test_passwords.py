"""Password change, and reset by e-mail through the outbox (issue #14 item 1),
without telling anyone which accounts exist."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains

from outbox.models import Message
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-new-passphrase-42"


def test_changing_my_password_needs_the_current_one(client, personas):
    client.force_login(personas["kcc.caseworker"])
    url = reverse("account_change_password")
    page = client.get(url)
    assertContains(page, "govuk-input")
    wrong = client.post(url, {"oldpassword": "not-it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assertContains(wrong, "govuk-error-message")
    assertContains(wrong, "govuk-error-summary")
    short = client.post(url, {"oldpassword": TEST_PASSWORD, "password1": "short", "password2": "short"})
    assertContains(short, "govuk-error-message")
    done = client.post(url, {"oldpassword": TEST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    personas["kcc.caseworker"].refresh_from_db()
    assert personas["kcc.caseworker"].check_password(NEW_PASSWORD)
    # Still signed in here.
    assert client.get(reverse("home")).status_code == 200


def ask_for_reset(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("account_reset_password"), {"email": email})


def test_a_reset_goes_through_the_outbox_and_the_link_sets_a_new_password(
    client, personas, django_capture_on_commit_callbacks
):
    user = personas["kcc.caseworker"]
    response = ask_for_reset(client, user.email, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    (message,) = Message.objects.filter(handler="accounts.send_password_reset")
    # The outbox row holds the account's id, never a usable key.
    assert message.payload == {"user_id": user.pk}
    (sent,) = mail.outbox
    assert sent.to == [user.email]
    link = re.search(r"http://\S+", sent.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else "/" + path
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    assert client.get("/" + path, follow=True).context.get("token_fail")


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, personas, django_capture_on_commit_callbacks
):
    known = ask_for_reset(client, personas["kcc.caseworker"].email, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    unknown = ask_for_reset(client, "nobody@example.invalid", django_capture_on_commit_callbacks)
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert mail.outbox == []
    assert Message.objects.filter(handler="accounts.send_password_reset").count() == 1
    assertContains(client.get(unknown["Location"]), "govuk-heading-l")
