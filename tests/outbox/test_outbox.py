"""The outbox on its own: written with the record, delivered after commit,
retried until it succeeds, never twice at once, never failing the writer."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from outbox import delivery, registry
from outbox.models import Message
from outbox.services import enqueue
from outbox.tasks import deliver_pending as deliver_pending_task

calls: list[dict] = []
failures_left = {"count": 0}


@registry.handler("tests.record_call")
def record_call(**payload):
    if failures_left["count"]:
        failures_left["count"] -= 1
        raise ConnectionError("the mail server is down")
    calls.append(payload)


@pytest.fixture(autouse=True)
def _fresh_calls():
    calls.clear()
    failures_left["count"] = 0


def pending_alert():
    return Message.objects.get(handler="tests.record_call")


def test_an_effect_is_delivered_after_commit_not_before(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        enqueue("tests.record_call", record_id=7)
        assert calls == []
    assert len(queued) == 1
    assert calls == [{"record_id": 7}]
    assert pending_alert().delivered_at is not None


def test_a_rolled_back_write_leaves_no_effect(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        enqueue("tests.record_call", record_id=7)
        raise RuntimeError("the record was refused")
    assert calls == []
    assert not Message.objects.filter(handler="tests.record_call").exists()


def test_an_unknown_effect_is_refused_in_the_writer(db):
    with pytest.raises(LookupError):
        enqueue("tests.no_such_effect", record_id=7)


def test_a_failing_effect_fails_nothing_and_is_retried_with_backoff_until_it_succeeds(
    db, django_capture_on_commit_callbacks
):
    failures_left["count"] = 2
    with django_capture_on_commit_callbacks(execute=True):
        enqueue("tests.record_call", record_id=7)  # the writer does not see the failure

    message = pending_alert()
    assert (message.delivered_at, message.attempts, message.last_error) == (
        None,
        1,
        "ConnectionError: the mail server is down",
    )
    assert message.available_at > timezone.now() + datetime.timedelta(seconds=50)
    assert delivery.deliver_pending() == 0  # not due yet

    later = timezone.now() + datetime.timedelta(minutes=1, seconds=5)
    Message.objects.filter(pk=message.pk).update(available_at=timezone.now())
    assert delivery.deliver_pending() == 0  # fails again, now waits two minutes
    message.refresh_from_db()
    assert message.attempts == 2 and message.available_at > later

    Message.objects.filter(pk=message.pk).update(available_at=timezone.now())
    assert delivery.deliver_pending() == 1
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (3, "") and message.delivered_at is not None
    assert calls == [{"record_id": 7}]
    assert delivery.deliver_pending() == 0
    assert calls == [{"record_id": 7}]


def test_retries_back_off_to_an_hour_and_never_stop():
    assert [delivery.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 7, 50)] == [1, 2, 4, 60, 60]


def test_a_message_is_delivered_once_however_often_it_is_published(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = enqueue("tests.record_call", record_id=7)
    # The after-commit publish, a duplicate of it, and two sweeps.
    assert delivery.deliver(message.pk) is True
    assert delivery.deliver(message.pk) is False
    assert delivery.deliver_pending() == 0
    assert calls == [{"record_id": 7}]


def test_a_delivery_in_progress_is_not_started_again_until_its_lease_ends(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = enqueue("tests.record_call", record_id=7)
    # Another worker claimed it and is running the handler.
    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now() + datetime.timedelta(minutes=4))
    assert delivery.deliver(message.pk) is False
    assert delivery.deliver_pending() == 0
    # That worker died: once its lease ends, the sweep delivers it.
    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    assert delivery.deliver_pending() == 1
    assert calls == [{"record_id": 7}]


def test_a_message_whose_handler_is_gone_stays_pending_with_the_reason(db):
    message = Message.objects.create(handler="tests.removed_effect", payload={})
    assert delivery.deliver(message.pk) is False
    message.refresh_from_db()
    assert message.delivered_at is None
    assert message.last_error == "LookupError: No outbox handler is registered as 'tests.removed_effect'"


def test_every_process_knows_the_handlers_of_every_app():
    assert {"referrals.alert_immediate_risk", "sharing.revoke_disallowed_shares"} <= set(registry.names())


def test_a_name_cannot_be_taken_by_a_second_handler():
    with pytest.raises(ValueError, match="already registered"):
        registry.handler("tests.record_call")(lambda **payload: None)


def test_the_sweep_delivers_what_is_due_and_forgets_what_was_delivered_long_ago(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        recent = enqueue("tests.record_call", record_id=1)
        old = enqueue("tests.record_call", record_id=2)
    Message.objects.filter(pk=old.pk).update(delivered_at=timezone.now() - datetime.timedelta(days=31))

    deliver_pending_task.apply()  # what beat runs every minute

    assert calls == [{"record_id": 1}]
    assert list(Message.objects.filter(handler="tests.record_call")) == [Message.objects.get(pk=recent.pk)]
    assert Message.objects.get(pk=recent.pk).delivered_at is not None


def test_the_sweep_can_be_run_by_hand_where_there_is_no_beat(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        enqueue("tests.record_call", record_id=3)
    output = io.StringIO()
    call_command("deliver_outbox", stdout=output)
    assert output.getvalue() == "Delivered 1 message(s).\n"
    assert calls == [{"record_id": 3}]
