"""Every page needs a signed-in user except sign-in and the health check, and
errors are shown as the service's own pages."""

import pytest
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db

OPEN_TO_ANONYMOUS = {
    "/healthz",
    "/accounts/login/",
    "/admin/login/",
    # Asking for a password reset, and the pages after it (accounts).
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/done/",
}


def concrete_paths(resolver=None, prefix=""):
    """Every URL pattern without parameters, as a path."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = str(entry.pattern)
        if "<" in route or "(?P" in route or route.startswith("^"):
            continue
        if isinstance(entry, URLResolver):
            yield from concrete_paths(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


def test_there_are_pages_to_check():
    paths = set(concrete_paths())
    assert {"/", "/healthz", "/accounts/login/", "/accounts/logout/"} <= paths


@pytest.mark.parametrize("path", sorted(set(concrete_paths()) - OPEN_TO_ANONYMOUS))
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code in (302, 405), path
    if response.status_code == 302:
        assert response["Location"].startswith(("/accounts/login/", "/admin/login/")), path


def test_the_server_error_page_apologises_without_details():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "Traceback" not in page


def test_sign_in_page_is_open(client):
    assert client.get(reverse("accounts:login")).status_code == 200


def test_pages_carry_a_content_security_policy(client):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
