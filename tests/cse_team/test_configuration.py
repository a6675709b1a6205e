"""Configuration comes from the environment and fails closed with one clear line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG_VARIABLES = (
    "SECRET_KEY", "DEBUG", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    # Set by the browser tests' process (Playwright beside the live server); never in production.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)  # fmt: skip
# What an operator generates (python -c 'import secrets; print(secrets.token_urlsafe(50))').
PRODUCTION_KEY = "q7Vb0-Yc2kLm9TzR4wXnP1sHf8GjD3uAe6NiK5oBvWy_ZtQrMxLpCd"
PRODUCTION = {"SECRET_KEY": PRODUCTION_KEY, "ALLOWED_HOSTS": "cse.example.org",
              "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused"}  # fmt: skip


def manage(*args, **env):
    clean = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_without_secret_key_and_without_debug_the_service_refuses_to_start():
    result = manage("check")
    assert result.returncode == 2
    assert "Configuration error: SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_makes_the_secret_key_optional():
    result = manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "yess", "DEBUG must be true or false"),
        ("DATABASE_URL", "mysql://root@localhost/cse", "DATABASE_URL must be a postgres:// URL"),
        ("DATABASE_URL", "not a url at all", "DATABASE_URL"),
        ("SESSION_COOKIE_AGE", "eight hours", "SESSION_COOKIE_AGE must be a whole number"),
    ],
)
def test_a_malformed_value_names_its_variable(variable, value, message):
    result = manage("check", SECRET_KEY=PRODUCTION_KEY, **{variable: value})
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_without_a_broker_the_service_says_once_that_tasks_run_in_process():
    result = manage("check", DEBUG="1")
    assert result.stderr.count("CELERY_BROKER_URL is not set: background tasks run eagerly") == 1


def test_with_a_broker_tasks_are_queued_not_run_in_process():
    result = manage(
        "shell",
        "-c",
        "from cse_team.celery import app; print(app.conf.task_always_eager, app.conf.task_serializer, "
        "app.conf.accept_content, app.conf.task_acks_late, app.conf.broker_transport_options['socket_timeout'])",
        DEBUG="1",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "False json ['json'] True 5"
    assert "run eagerly" not in result.stderr


def test_production_settings_are_secure_by_default():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.TIME_ZONE, s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "False True True Europe/London ['cse.example.org'] True 31536000 True"


@pytest.mark.parametrize("key", ["short-key", "x" * 64, "abcd" * 20])
def test_a_short_or_repetitive_secret_key_refuses_to_start_in_production(key):
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": key})
    assert result.returncode == 2
    assert "SECRET_KEY must be at least 50 characters with at least 5 different ones" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_deployment_checklist_passes_with_production_settings():
    """`manage.py check --deploy` with what docker-compose.yml sets: no warning
    (HSTS, SSL redirect, secure cookies, key length) is left to an operator."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_with_a_cache_url_every_process_shares_one_redis_cache_for_the_throttles():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'])",
        **PRODUCTION,
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "django.core.cache.backends.redis.RedisCache redis://127.0.0.1:6379/1"
