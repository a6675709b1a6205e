"""Finding 10: the broker down or hung while an immediate-risk referral is
recorded. The suite runs tasks in-process (tests/conftest.py); these tests
turn that off on purpose and publish to a broker that refuses connections or
accepts them and never answers, then bring the real broker back."""

import time

import pytest
from django.urls import reverse

from outbox import delivery
from outbox.delivery import deliver_pending
from outbox.models import Message
from outbox.tasks import deliver
from outbox.tasks import deliver_pending as sweep
from referrals.models import Referral
from referrals.views.new_referral import CHECK
from tests.celery_worker import BROKER_URL, broker_at, celery_worker, closed_broker, hung_broker, wait_for_log
from tests.referrals.new_referral import answer_every_step, step_url
from tests.referrals.test_referral_views import new_referral_post

BROKEN_BROKERS = {"closed port": closed_broker, "hung listener": hung_broker}


@pytest.fixture
def publish_times(monkeypatch):
    """How long each after-commit publish to the broker took, in seconds."""
    times = []
    publish = delivery.publish

    def timed(message_id):
        started = time.monotonic()
        publish(message_id)
        times.append(time.monotonic() - started)

    monkeypatch.setattr(delivery, "publish", timed)
    return times


def record_immediate_risk_referral(client, district, broken_broker, capture=None):
    """Record an immediate-risk referral ("Record the referral", the last step)
    while the broker is broken; (response, seconds taken)."""
    answers = new_referral_post(district("maidstone"), **{"referral-immediate_risk": "yes"})
    assert answer_every_step(client, answers) is None
    with broken_broker() as url, broker_at(url):
        started = time.monotonic()
        if capture is None:
            response = client.post(step_url(CHECK))
        else:
            with capture(execute=True):  # what the commit at the end of the request does
                response = client.post(step_url(CHECK))
        return response, time.monotonic() - started


def assert_saved_quickly_with_the_alert_pending(response, elapsed, publish_times):
    referral = Referral.objects.get()
    assert response.status_code == 302 and response.url == reverse("referrals:referral_detail", args=[referral.pk])
    # The broker's share of the request is about a second at most (it was
    # 19 s, or 130 s, then a 500); the whole request well inside gunicorn's 30 s.
    assert len(publish_times) == 1 and publish_times[0] < 1.2, publish_times
    assert elapsed < 5, f"the request took {elapsed:.1f}s"
    alert = Message.objects.get(handler="referrals.alert_immediate_risk")
    assert (alert.handler, alert.payload, alert.delivered_at) == (
        "referrals.alert_immediate_risk",
        {"referral_id": referral.pk},
        None,
    )
    return referral


@pytest.mark.parametrize("fault", BROKEN_BROKERS)
def test_a_broken_broker_neither_slows_nor_fails_an_immediate_risk_referral(
    fault, client, personas, protocol, district, mailoutbox, django_capture_on_commit_callbacks, publish_times
):
    client.force_login(personas["kcc.caseworker"])
    response, elapsed = record_immediate_risk_referral(
        client, district, BROKEN_BROKERS[fault], django_capture_on_commit_callbacks
    )

    referral = assert_saved_quickly_with_the_alert_pending(response, elapsed, publish_times)
    assert mailoutbox == []
    # The sweep (beat, every minute) delivers it once, however often it runs.
    deliver_pending()
    deliver_pending()
    assert Message.objects.pending().count() == 0
    assert [(mail.to, referral.reference in mail.subject) for mail in mailoutbox] == [
        ([personas["kent-police.supervisor"].email], True)
    ]


def sent_alerts(mail_dir) -> int:
    if not mail_dir.exists():
        return 0
    return sum(path.read_text().count("Subject: Immediate risk: referral") for path in mail_dir.iterdir())


@pytest.mark.worker
@pytest.mark.parametrize("fault", BROKEN_BROKERS)
def test_an_alert_held_by_a_broken_broker_is_delivered_once_by_a_worker_when_it_returns(
    fault, committed_db, tmp_path, settings, client, personas, protocol, district, publish_times
):
    mail_dir = tmp_path / "mail"
    with celery_worker(
        tmp_path / "worker.log",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    ) as worker:
        settings.OUTBOX_QUEUE = worker["queue"]
        client.force_login(personas["kcc.caseworker"])
        # A real request: the service's transaction commits and publishes.
        response, elapsed = record_immediate_risk_referral(client, district, BROKEN_BROKERS[fault])
        assert_saved_quickly_with_the_alert_pending(response, elapsed, publish_times)
        time.sleep(1)
        assert sent_alerts(mail_dir) == 0

        # The broker is back: beat's sweep reaches the worker, twice, and a late
        # duplicate of the after-commit publish arrives too.
        with broker_at(BROKER_URL):
            alert = Message.objects.get(handler="referrals.alert_immediate_risk")
            sent = [
                sweep.apply_async(queue=worker["queue"], connection=worker["broker"]),
                deliver.apply_async(args=[alert.pk], queue=worker["queue"], connection=worker["broker"]),
                sweep.apply_async(queue=worker["queue"], connection=worker["broker"]),
            ]
            wait_for_log(worker["log"], *(f"[{task.id}] succeeded" for task in sent))

    alert.refresh_from_db()
    assert alert.delivered_at is not None and alert.attempts == 1
    assert sent_alerts(mail_dir) == 1  # one supervisor, one e-mail
