"""docker-compose.yml cannot be run here (no Docker engine), so its shape is
checked against the settings: every variable it sets is one the settings read,
and the services the production shape needs are there with health checks."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = ("web", "worker", "beat", "migrate")


def settings_variables() -> set[str]:
    source = (ROOT / "cse_team" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list|required)\(\s*"([A-Z_]+)"', source))


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_production_shape_has_every_service(compose):
    assert {"db", "redis", "web", "worker", "beat"} <= set(compose["services"])
    assert compose["services"]["db"]["image"].startswith("postgres:18")
    assert "pgdata" in compose["volumes"]
    assert any(volume.startswith("pgdata:") for volume in compose["services"]["db"]["volumes"])


def test_services_have_health_checks_and_start_in_order(compose):
    services = compose["services"]
    for name in ("db", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    web_depends = services["web"]["depends_on"]
    assert web_depends["db"]["condition"] == "service_healthy"
    assert web_depends["redis"]["condition"] == "service_healthy"
    assert web_depends["migrate"]["condition"] == "service_completed_successfully"
    assert "healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_app_services_set_only_variables_the_settings_read(compose):
    known = settings_variables()
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        unknown = set(environment) - known
        assert not unknown, f"{name} sets variables the settings never read: {unknown}"
        assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "ALLOWED_HOSTS"} <= set(environment)
        assert environment["DEBUG"] == "false"


def test_app_services_point_at_the_compose_database_and_broker(compose):
    db = compose["services"]["db"]["environment"]
    environment = compose["services"]["web"]["environment"]
    database = urlsplit(environment["DATABASE_URL"].replace("${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}", "x"))
    assert (database.scheme, database.hostname, database.path) == ("postgres", "db", f"/{db['POSTGRES_DB']}")
    assert database.username == db["POSTGRES_USER"]
    assert urlsplit(environment["CELERY_BROKER_URL"]).hostname == "redis"


def test_worker_and_beat_run_the_project_celery_app(compose):
    assert compose["services"]["worker"]["command"][:4] == ["celery", "-A", "cse_team", "worker"]
    assert compose["services"]["beat"]["command"][:4] == ["celery", "-A", "cse_team", "beat"]


def test_the_readme_documents_every_variable_the_settings_read():
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in settings_variables() if f"`{name}`" not in readme)
    assert missing == []


def test_production_static_files_collect_with_hashed_names(tmp_path):
    """The Docker image runs collectstatic with the manifest storage; every file
    a stylesheet refers to must exist or the build fails."""
    throwaway_key = "collectstatic-only-throwaway-key-never-used-to-sign-anything"
    env = {**os.environ, "SECRET_KEY": throwaway_key, "STATIC_MANIFEST": "1", "VAR_DIR": str(tmp_path)}
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    assert {"build/app.css", "js/init.js", "build/htmx.min.js"} <= set(manifest)
