"""The project's API router and header navigation are built from the installed
apps: each app registers its own routes and sections, the project names none."""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.urls import resolve, reverse

from cse_team import api, navigation
from cse_team.navigation import Section
from tests.isp_testapp.views import CaseFileViewSet

pytestmark = pytest.mark.django_db


def test_each_installed_app_registers_its_api_routes_into_the_project_router():
    api.urlpatterns()  # what cse_team.urls does when it is loaded
    prefixes = {prefix for prefix, _, _ in api.router.registry}
    # referrals' routes (referrals/api/routes.py) and the test app's (tests/isp_testapp/api/routes.py)
    assert {"referrals", "children", "chronology-entries", "case-files"} <= prefixes
    assert resolve("/api/case-files/").func.cls is CaseFileViewSet
    assert reverse("api:casefile-api-detail", args=[7]) == "/api/case-files/7/"


def test_the_api_docs_are_served_from_the_project_package(client, personas):
    client.force_login(personas["kcc.caseworker"])
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert page.templates[0].name == "cse_team/swagger_ui.html"


def test_navigation_lists_the_installed_apps_sections_in_order():
    labels = [section.label for section in navigation.sections()]
    assert labels == [
        "Home", "Referrals", "Intelligence", "Information sharing", "MASE", "Access log", "Training",
        "Administration", "Dashboard",
    ]  # fmt: skip


def test_an_app_that_is_not_installed_adds_no_section(monkeypatch, rf, personas):
    installed = [config for config in apps.get_app_configs() if config.label != "referrals"]
    extra = SimpleNamespace(navigation=(Section("Case files", "sharing:protocol_in_force", order=25),))
    monkeypatch.setattr(navigation.apps, "get_app_configs", lambda: [*installed, extra])
    request = rf.get("/sharing/protocol/")
    request.user = personas["kcc.caseworker"]
    shown = [(section["label"], section["current"]) for section in navigation.navigation_for(request)]
    assert ("Referrals", False) not in shown
    assert ("Case files", True) in shown


def test_the_header_shows_only_sections_the_user_may_open(client, personas):
    client.force_login(personas["kcc.caseworker"])
    page = client.get("/").content.decode()
    assert 'href="/referrals/"' in page and "Information sharing" in page
    assert "Access log" not in page and "Administration" not in page
    client.force_login(personas["dpo"])
    assert "Access log" in client.get("/").content.decode()
