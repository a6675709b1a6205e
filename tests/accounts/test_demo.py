"""Demo logins who must use a second factor can still be used in a demo."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import load_demo_users
from accounts.testing import totp_code
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_those_who_must_are_enrolled_with_the_demo_secret_once(settings):
    load_demo_users(password=TEST_PASSWORD, totp_secret=SECRET)
    load_demo_users(password=TEST_PASSWORD, totp_secret=SECRET)
    enrolled = set(Authenticator.objects.values_list("user__username", flat=True))
    assert enrolled == {"admin", "dpo", "kent-police.intelligence-officer", "kent-police.analyst"}
    assert Authenticator.objects.count() == 4


def test_a_demo_administrator_signs_in_with_the_printed_code(client, settings, capsys):
    settings.DEMO_PASSWORD = TEST_PASSWORD
    settings.DEMO_TOTP_SECRET = SECRET
    call_command("load_demo_users")
    assert SECRET in capsys.readouterr().out
    client.post(reverse("accounts:login"), {"username": "admin", "password": TEST_PASSWORD})
    call_command("demo_totp_code")
    code = capsys.readouterr().out.strip()
    assert code == totp_code(SECRET)
    assert client.post(reverse("mfa_authenticate"), {"code": code})["Location"] == "/"
    assert client.get(reverse("admin:index")).status_code == 200
