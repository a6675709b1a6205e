"""API tokens: hashed at rest, named, scoped, ending, revocable by their
holder and by administrators, shown once (issue #14, item 3)."""

import datetime
import hashlib

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken
from audit.models import AccessEvent

pytestmark = pytest.mark.django_db


def api_with(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def make_token(user, *, scope="read", days=30, name="Analysts' workbook"):
    return services.api_token_create(user=user, name=name, scope=scope, days=days, created_by=user)


def test_a_token_is_stored_only_as_a_hash(personas):
    token, secret = make_token(personas["kcc.caseworker"])
    assert secret.startswith("cseapi_") and len(secret) > 60
    row = ApiToken.objects.values().get(pk=token.pk)
    assert all(secret not in str(value) for value in row.values())
    assert row["digest"] == hashlib.sha512(secret.encode()).hexdigest()


def test_a_token_reads_as_its_holder_and_records_its_use(personas):
    token, secret = make_token(personas["kcc.caseworker"])
    response = api_with(secret).get("/api/referrals/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_from == "10.1.2.3" and token.last_used_at is not None
    listed = AccessEvent.objects.filter(username="kcc.caseworker", action=AccessEvent.Action.LIST).latest("pk")
    assert listed.details["api_token"] == "Analysts' workbook"


def test_a_read_only_token_may_not_write(personas):
    _, secret = make_token(personas["kcc.caseworker"], scope="read")
    response = api_with(secret).post("/api/referrals/", {}, format="json")
    assert response.status_code == 403
    assert "may only read" in response.json()["detail"]


def test_a_read_write_token_may_write(personas):
    _, secret = make_token(personas["kcc.caseworker"], scope="read_write")
    response = api_with(secret).post("/api/referrals/", {}, format="json")
    assert response.status_code == 400  # past the scope check, into the form's own errors


def test_an_expired_token_is_refused_and_its_row_kept(personas, monkeypatch):
    token, secret = make_token(personas["kcc.caseworker"], days=7)
    later = timezone.now() + datetime.timedelta(days=8)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = api_with(secret).get("/api/referrals/")
    assert response.status_code == 401
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_a_lifetime_beyond_the_limit_is_refused(personas, settings):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        make_token(personas["kcc.caseworker"], days=settings.API_TOKEN_MAX_DAYS + 1)
    assert "days" in refused.value.message_dict


def test_the_holder_makes_a_token_sees_it_once_and_revokes_it(client, personas):
    user = personas["kcc.caseworker"]
    client.force_login(user)
    page = client.post(reverse("accounts:api_token_new"), {"name": "Nightly export", "scope": "read", "days": "30"})
    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret in page.content.decode()
    assert "will not be shown again" in page.content.decode()
    assert api_with(secret).get("/api/referrals/").status_code == 200

    listing = client.get(reverse("accounts:api_token_list")).content.decode()
    assert "Nightly export" in listing and secret[len("cseapi_") :][:8] not in listing

    token = ApiToken.objects.get(user=user, name="Nightly export")
    revoked = client.post(reverse("accounts:api_token_revoke", args=[token.digest]))
    assert revoked.status_code == 302
    assert api_with(secret).get("/api/referrals/").status_code == 401
    assert AccessEvent.objects.filter(record_kind="accounts.apitoken", details__api_token="revoked").exists()


def test_bad_input_is_shown_next_to_its_field(client, personas):
    client.force_login(personas["kcc.caseworker"])
    page = client.post(reverse("accounts:api_token_new"), {"name": "", "days": "9999"})
    assert page.status_code == 200
    assert not ApiToken.objects.exists()
    errors = page.context["form"].errors
    assert errors["name"] == ["Enter a name for the token, such as what will use it"]
    assert "scope" in errors and "days" in errors


def test_nobody_else_may_revoke_a_token_or_see_it(client, personas):
    token, secret = make_token(personas["kcc.caseworker"])
    client.force_login(personas["medway.caseworker"])
    assert client.post(reverse("accounts:api_token_revoke", args=[token.digest])).status_code == 404
    assert "Analysts" not in client.get(reverse("accounts:api_token_list")).content.decode()
    assert api_with(secret).get("/api/referrals/").status_code == 200


def test_an_administrator_revokes_any_token_in_the_admin_which_shows_no_key(client, personas):
    token, secret = make_token(personas["kcc.caseworker"])
    admin = personas["admin"]
    client.force_login(admin)
    listing = client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert "Analysts" in listing
    # The row is addressed by its hash (in links); no part of the token itself is shown.
    assert secret[len("cseapi_") :][:8] not in listing
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    client.post(reverse("admin:accounts_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_by == admin
    assert api_with(secret).get("/api/referrals/").status_code == 401


def test_the_command_prints_a_token_once_and_rotates_by_name(personas, capsys):
    call_command("create_api_token", "kcc.caseworker", "--name", "Import", "--scope", "read_write")
    first = capsys.readouterr().out.strip()
    call_command("create_api_token", "kcc.caseworker", "--name", "Import", "--rotate")
    second = capsys.readouterr().out.strip()
    assert api_with(first).get("/api/referrals/").status_code == 401
    assert api_with(second).get("/api/referrals/").status_code == 200
    assert ApiToken.objects.filter(user=personas["kcc.caseworker"]).count() == 2
