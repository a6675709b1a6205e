"""Every page and API route is claimed by one app's tests: exercised by its
permission matrix, checked by another named test, or named as holding no
personal data, with the reason. A route nobody claims fails
`test_every_route_with_personal_data_is_in_the_matrix`
(tests/referrals/test_matrix.py, which also holds the platform's own routes).

A feature app claims its routes in `tests/<app>/route_claims.py`:

    ROUTE_CLAIMS = {
        "intelligence:report_detail": "the intelligence matrix (tests/intelligence/test_matrix.py)",
        "api:intelligencereport-list": "the intelligence matrix",
        "intelligence:feedback_form": "no personal data: the public feedback form",
    }

and its own matrix test asserts that the routes it says it exercises resolve
from the URLs it requests, so a claim cannot outlive its check
(`assert_claims_exercised`)."""

import importlib
import pkgutil
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def project_routes() -> set[str]:
    """Every named route of the project, namespaced ("api:referral-list")."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace and (f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace)
                yield from walk(pattern.url_patterns, inner or namespace)
            else:
                name = pattern.name or str(pattern.pattern)
                yield f"{namespace}:{name}" if namespace else name

    return set(walk(get_resolver().url_patterns))


def app_claims() -> dict[str, dict[str, str]]:
    """{test package: {route: reason}} from every tests/<package>/route_claims.py."""
    found = {}
    for package in pkgutil.iter_modules([str(TESTS)]):
        if package.ispkg and (TESTS / package.name / "route_claims.py").exists():
            found[package.name] = importlib.import_module(f"tests.{package.name}.route_claims").ROUTE_CLAIMS
    return found


def other_apps_claims(this_package: str) -> dict[str, str]:
    claims = {}
    for package, routes in app_claims().items():
        if package != this_package:
            claims.update(routes)
    return claims


def assert_claims_exercised(package: str, urls, *, prefix: str = "") -> None:
    """The routes `package` claims for its matrix (reasons starting with
    `prefix`) are exactly those the matrix's URLs resolve to, and every claimed
    route exists."""
    from django.urls import resolve

    claims = app_claims()[package]
    exercised = {resolve(str(url).split("?")[0]).view_name for url in urls}
    claimed_for_matrix = {route for route, reason in claims.items() if reason.startswith(prefix)} if prefix else set()
    assert not set(claims) - project_routes(), "a claimed route is gone"
    if prefix:
        assert claimed_for_matrix == exercised, (claimed_for_matrix - exercised, exercised - claimed_for_matrix)
