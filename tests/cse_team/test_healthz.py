import time
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from cse_team.celery import app as celery_app
from tests.celery_worker import hung_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(settings):
    """Point Celery at a broker for one test, restoring the app afterwards."""
    # broker_write_url: Celery prefers a CELERY_BROKER_URL environment
    # variable over conf.broker_url, and CI sets one.
    saved = (celery_app.conf.get("broker_write_url"), celery_app.conf.task_always_eager)

    def use(url):
        celery_app.conf.broker_write_url = url
        celery_app.conf.task_always_eager = False

    yield use
    celery_app.conf.broker_write_url, celery_app.conf.task_always_eager = saved


def test_healthy_service_answers_200_without_signing_in(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["broker"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


def test_database_down_answers_503(client):
    with mock.patch("cse_team.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == {"ok": False, "error": "unreachable"}
    assert "connection refused" not in response.content.decode()


def test_unreachable_broker_is_reported_as_degraded_but_keeps_the_node_in_service(client, broker):
    broker("redis://127.0.0.1:9/0")  # the discard port: nothing listens
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"] == {"ok": False, "mode": "broker", "error": "unreachable"}


def test_a_hung_broker_is_reported_within_the_load_balancers_timeout(client, broker):
    with hung_broker() as url:
        broker(url)
        client.get(reverse("healthz"))  # the first check loads the Redis transport
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        elapsed = time.monotonic() - started
    assert response.json()["broker"] == {"ok": False, "mode": "broker", "error": "unreachable"}
    assert elapsed < 1.5, f"the health check waited {elapsed:.1f}s on the broker"  # it was 2 s, up to 5 s cold


def test_health_check_only_answers_get(client):
    assert client.post(reverse("healthz")).status_code == 405
