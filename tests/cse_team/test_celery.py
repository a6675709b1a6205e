"""Background work: a round trip through a real Celery worker on Redis, and the
in-process fallback used when no broker is configured."""

import datetime
import time

import pytest
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.models import User
from accounts.tasks import deactivate_dormant_accounts
from cse_team.celery import app as celery_app
from tests.celery_worker import BROKER_URL, hung_broker, wait_for_log
from tests.celery_worker import celery_worker as worker_on_redis
from tests.factories import UserFactory


@pytest.fixture
def celery_worker(committed_db, tmp_path):
    # This test reads the task's result, so its worker stores results.
    with worker_on_redis(tmp_path / "worker.log", CELERY_RESULT_BACKEND=BROKER_URL) as worker:
        yield worker


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
    wait_for_log(celery_worker["log"], f"Task accounts.tasks.deactivate_dormant_accounts[{sent.id}] succeeded")
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
    with hung_broker() as url:
        yield url


@pytest.mark.broker
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
