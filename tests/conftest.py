"""Fixtures shared by the whole suite: named personas (one user of each agency
and role the service knows) and the CI rule that nothing may be skipped."""

import os
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.utils.module_loading import import_string

from accounts.demo import DEMO_USERS
from accounts.models import Agency
from accounts.testing import mark_fully_signed_in
from cse_team.celery import app as celery_app
from tests.factories import UserFactory


def pytest_configure(config):
    # With pytest-xdist the controller makes --basetemp (var/pytest-tmp) before
    # any test has created var/, and pytest makes only the last folder; each
    # worker then gets its own var/pytest-tmp/gwN below it.
    if config.option.basetemp:
        Path(config.option.basetemp).parent.mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counters (and anything else cached) do not carry from one test to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """A task queued by a service runs in the test, even when CI configures a
    broker, so a test sees its effect (an e-mail, revoked grants). The real
    broker and worker round trip is tests/cse_team/test_celery.py's."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _force_login_is_a_full_sign_in(monkeypatch):
    """client.force_login skips allauth's sign-in, so its session would not
    have used a second factor, and administrators, the DPO and the
    intelligence unit would be sent to set one up. It stands for a full sign-in
    (password and second factor, just now); tests of the requirement itself
    undo that with accounts.testing.forget_second_factor."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_fully_signed_in(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def committed_db(transactional_db):
    """Really committed rows, for tests where another thread or process (the
    live server, a Celery worker) reads them. Such tests end by emptying every
    table, including the reference data that migrations load, so it is put
    back first. (Django's serialized rollback does not survive Playwright's
    greenlets: the connection it marks is not the one the browser tests see.)"""
    for config in apps.get_app_configs():  # each app's, in INSTALLED_APPS order
        for loader in getattr(config, "reference_data", ()):
            import_string(loader)(apps)


@pytest.fixture
def make_persona(db):
    """make_persona("kcc", "caseworker") -> a user of that agency holding that role."""

    def make(agency_code: str, *roles: str, **fields):
        fields.setdefault("username", f"{agency_code}.{'+'.join(roles) or 'no-role'}")
        return UserFactory(agency=Agency.objects.get(code=agency_code), roles=roles, **fields)

    return make


@pytest.fixture
def personas(make_persona):
    """Every demo persona (kent-police.caseworker, kcc.caseworker, health.practitioner,
    mase.chair, dpo, admin, ...) keyed by username, with the test password."""
    return {
        demo.username: make_persona(
            demo.agency,
            *demo.roles,
            username=demo.username,
            first_name=demo.first_name,
            last_name=demo.last_name,
            is_staff=demo.is_staff,
            is_superuser=demo.is_superuser,
            is_cse_team_member=demo.is_cse_team_member,
        )
        for demo in DEMO_USERS
    }


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped test is a failure: the browser and Celery tests must run there."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, where every test must run: {reason}"
