"""A real Celery worker on Redis for the tests that need one, and brokers that
fail the two ways a real one does (nothing listening; a listener that accepts
and never answers)."""

import contextlib
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
from django.conf import settings
from django.db import connection

from cse_team.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]
# The configured broker when there is one; otherwise the local Redis (CI always
# has one), so the round trip is proved in both of CI's passes.
BROKER_URL = settings.CELERY_BROKER_URL or os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


def database_url_for_worker() -> str:
    """The test database as a URL, so the worker process writes where the test reads."""
    db = connection.settings_dict
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'])}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def celery_worker(log: Path, **env_overrides: str):
    """Start a worker on its own queue of the real broker; yields {"queue",
    "broker", "log"}. Tasks run through the broker (not eagerly) meanwhile."""
    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {BROKER_URL} for the worker round trip ({error}); set CELERY_BROKER_URL")
    connection.ensure_connection()
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "DATABASE_URL": database_url_for_worker(), "CELERY_BROKER_URL": BROKER_URL, **env_overrides}
    if "CELERY_RESULT_BACKEND" not in env_overrides:
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


def wait_for_log(log: Path, *lines: str, timeout: float = 60) -> None:
    """Wait until the worker's log holds every one of `lines`. The worker
    stores a task's result before it logs "succeeded", so a test that has the
    result must still wait for the line."""
    deadline = time.monotonic() + timeout
    while not all(line in log.read_text() for line in lines):
        if time.monotonic() > deadline:
            pytest.fail(f"the worker's log never said {lines!r}:\n{log.read_text()}")
        time.sleep(0.2)


@contextlib.contextmanager
def hung_broker():
    """A TCP server that accepts connections and never answers, like a hung Redis; yields its URL."""
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
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


@contextlib.contextmanager
def closed_broker():
    """A broker URL on a port where nothing listens (connection refused)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    yield f"redis://127.0.0.1:{port}/0"


@contextlib.contextmanager
def broker_at(url: str):
    """Publish through `url` instead of the configured broker, not eagerly.
    broker_write_url: Celery prefers a CELERY_BROKER_URL environment variable
    over conf.broker_url, and CI sets one."""
    saved = celery_app.conf.get("broker_write_url"), celery_app.conf.task_always_eager
    celery_app.conf.broker_write_url, celery_app.conf.task_always_eager = url, False
    try:
        yield
    finally:
        celery_app.conf.broker_write_url, celery_app.conf.task_always_eager = saved
