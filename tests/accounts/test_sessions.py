"""Sessions (issue #14 item 2): idle and absolute limits, the warning's
endpoints, the list of my sessions, sign out everywhere, and sessions ended
by a change of role or agency."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts import services
from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from accounts.models import Agency, Role
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def age_session(client, *, idle: float = 0, since_sign_in: float = 0):
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = now - max(idle, since_sign_in)
    session[LAST_SEEN_AT] = now - idle
    session.save()


def signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


@pytest.fixture
def caseworker_client(client, personas):
    client.force_login(personas["kcc.caseworker"])
    assert signed_in(client)
    return client


def test_a_session_idle_for_15_minutes_is_signed_out(caseworker_client):
    age_session(caseworker_client, idle=15 * 60 + 1)
    response = caseworker_client.get(reverse("home"))
    assertRedirects(response, "/accounts/login/?next=/", fetch_redirect_response=False)
    assert "_auth_user_id" not in caseworker_client.session


def test_activity_keeps_a_session_going(caseworker_client):
    age_session(caseworker_client, idle=14 * 60)
    assert signed_in(caseworker_client)
    age_session(caseworker_client, idle=60, since_sign_in=60 * 60)
    assert signed_in(caseworker_client)


def test_the_idle_limit_is_a_setting(caseworker_client, settings):
    settings.SESSION_IDLE_SECONDS = 5 * 60
    age_session(caseworker_client, idle=5 * 60 + 1)
    assert not signed_in(caseworker_client)


def test_a_session_ends_after_the_absolute_limit_however_active(caseworker_client, settings):
    age_session(caseworker_client, idle=10, since_sign_in=settings.SESSION_COOKIE_AGE + 1)
    assert not signed_in(caseworker_client)


def test_checking_the_time_left_is_not_activity_but_staying_signed_in_is(caseworker_client):
    age_session(caseworker_client, idle=14 * 60 + 10)
    status = caseworker_client.get(reverse("accounts:session_status")).json()
    assert 0 < status["idle_seconds_left"] <= 50 and status["warning_seconds"] == 60
    assert caseworker_client.get(reverse("accounts:session_status")).json()["idle_seconds_left"] <= 50
    stayed = caseworker_client.post(reverse("accounts:stay_signed_in")).json()
    assert stayed["idle_seconds_left"] >= 15 * 60 - 2


def test_an_ended_session_answers_the_page_script_with_401(caseworker_client):
    age_session(caseworker_client, idle=16 * 60)
    assert caseworker_client.get(reverse("accounts:session_status")).status_code == 401


def test_signed_in_pages_carry_the_idle_warning(caseworker_client):
    page = caseworker_client.get(reverse("home"))
    assertContains(page, 'data-module="app-session-timeout"')
    assertContains(page, 'data-idle-seconds="900"')
    assertContains(page, "Stay signed in")
    assertContains(page, "/static/js/session-timeout.js")


def test_my_sessions_are_listed_and_i_can_sign_out_everywhere_else(personas):
    laptop, phone = Client(HTTP_USER_AGENT="Laptop browser"), Client(HTTP_USER_AGENT="Phone browser")
    for client in (laptop, phone):
        assert (
            client.post(
                reverse("accounts:login"), {"username": "kcc.caseworker", "password": TEST_PASSWORD}
            ).status_code
            == 302
        )
    page = laptop.get(reverse("accounts:account"))
    assertContains(page, "Laptop browser")
    assertContains(page, "Phone browser")
    assertContains(page, "This session")

    response = laptop.post(reverse("accounts:sign_out_everywhere"), follow=True)
    assertContains(response, "Signed out of 1 other session")
    assert signed_in(laptop)
    assert not signed_in(phone)


def test_sign_out_everywhere_ends_sessions_that_are_not_listed(client, personas):
    other = Client()
    other.force_login(personas["kcc.caseworker"])
    client.force_login(personas["kcc.caseworker"])
    from allauth.usersessions.models import UserSession

    UserSession.objects.all().delete()  # e.g. made before sessions were listed
    client.post(reverse("accounts:sign_out_everywhere"))
    assert signed_in(client)
    assert not signed_in(other)


def test_a_role_change_ends_the_users_sessions(caseworker_client, personas):
    services.user_set_roles(user=personas["kcc.caseworker"], roles=[Role.objects.get(code="supervisor")])
    assert not signed_in(caseworker_client)


def test_an_agency_change_ends_the_users_sessions(caseworker_client, personas):
    services.user_change_agency(user=personas["kcc.caseworker"], agency=Agency.objects.get(code="medway"))
    assert not signed_in(caseworker_client)


def test_an_unchanged_role_list_leaves_sessions_alone(caseworker_client, personas):
    user = personas["kcc.caseworker"]
    services.user_set_roles(user=user, roles=list(user.roles))
    assert signed_in(caseworker_client)


def test_an_administrator_changing_someones_agency_in_the_admin_ends_their_sessions(client, personas):
    target = personas["kcc.caseworker"]
    theirs = Client()
    theirs.force_login(target)
    client.force_login(personas["admin"])
    url = reverse("admin:accounts_user_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"agency": Agency.objects.get(code="medway").pk, "roles": [r.pk for r in target.roles]})
    assert client.post(url, data).status_code == 302
    assert not signed_in(theirs)
