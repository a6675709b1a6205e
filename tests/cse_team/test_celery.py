"""Background work: a round trip through a real Celery worker on Redis, and the
in-process fallback used when no broker is configured."""

import contextlib
import datetime
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.models import User
from accounts.tasks import deactivate_dormant_accounts
from cse_team.celery import app as celery_app
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
# The configured broker when there is one; otherwise the local Redis (CI always
# has one), so the round trip is proved in both of CI's passes.
BROKER_URL = settings.CELERY_BROKER_URL or os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


def database_url_for_worker() -> str:
    """The test database as a URL, so the worker process writes where the test reads."""
    db = connection.settings_dict
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'])}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(committed_db, tmp_path):
    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {BROKER_URL} for the worker round trip ({error}); set CELERY_BROKER_URL")
    connection.ensure_connection()
    queue = f"test-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": database_url_for_worker(), "CELERY_BROKER_URL": BROKER_URL}
    env.pop("CELERY_RESULT_BACKEND", None)
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cse_team", "worker", "--pool=solo", "-Q", queue,
             "-n", f"{queue}@localhost", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while f"{queue}@localhost ready." not in log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{log.read_text()}")
            time.sleep(0.2)
        with celery_app.connection_for_write(url=BROKER_URL) as broker:
            yield {"queue": queue, "broker": broker, "log": log}
    finally:
        celery_app.conf.task_always_eager = eager
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def make_dormant_user(username: str) -> User:
    user = UserFactory(username=username)
    long_ago = timezone.now() - datetime.timedelta(days=settings.ACCOUNT_DORMANCY_DAYS + 30)
    User.objects.filter(pk=user.pk).update(date_joined=long_ago, last_login=long_ago)
    return user


@pytest.mark.worker
def test_dormant_accounts_task_round_trip_through_a_worker(celery_worker):
    make_dormant_user("dormant.worker")
    sent = deactivate_dormant_accounts.apply_async(queue=celery_worker["queue"], connection=celery_worker["broker"])

    backend = RedisBackend(app=celery_app, url=BROKER_URL)
    result = AsyncResult(sent.id, app=celery_app, backend=backend).get(timeout=60)

    assert result == ["dormant.worker"]
    assert f"Task accounts.tasks.deactivate_dormant_accounts[{sent.id}] succeeded" in celery_worker["log"].read_text()
    assert User.objects.get(username="dormant.worker").is_active is False


def test_without_a_broker_the_task_runs_in_process(db, settings):
    make_dormant_user("dormant.eager")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        result = deactivate_dormant_accounts.delay()
    finally:
        celery_app.conf.task_always_eager = eager
    assert result.get() == ["dormant.eager"]
    assert User.objects.get(username="dormant.eager").is_active is False


@pytest.fixture
def hung_broker_url():
    """A TCP server that accepts connections and never answers, like a hung Redis."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_hung_broker_fails_the_request_instead_of_hanging_it(db, hung_broker_url):
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    started = time.monotonic()
    try:
        with celery_app.connection_for_write(url=hung_broker_url) as broker, pytest.raises(KombuOperationalError):
            deactivate_dormant_accounts.apply_async(connection=broker)
    finally:
        celery_app.conf.task_always_eager = eager
    # The socket timeouts and publish retry policy in settings bound the wait.
    assert time.monotonic() - started < 30
