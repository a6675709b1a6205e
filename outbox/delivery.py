"""Getting outbox messages delivered: right after commit (through the broker
to a worker, or in-process when tasks run eagerly), and by the beat sweep for
whatever that missed (broker down, a handler that failed, a worker that died)."""

import datetime
import logging

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from outbox import registry
from outbox.models import Message

logger = logging.getLogger(__name__)

# A failed delivery waits 1, 2, 4... minutes before the next try, never more than an hour.
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=1)


def retry_delay(attempts: int) -> datetime.timedelta:
    # The exponent is capped too: timedelta overflows long before attempt 100.
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 16), LONGEST_RETRY)


def publish(message_id: int) -> None:
    """After the enqueuing transaction commits. Never raises and never waits on
    the broker for longer than about 2 x OUTBOX_PUBLISH_TIMEOUT (connect, then
    write): a message the broker did not take stays pending for the sweep."""
    from cse_team.celery import app, broker_connection
    from outbox.tasks import deliver as deliver_task

    if app.conf.task_always_eager:
        # No broker (`make run`, tests): deliver here, as tasks ran before.
        deliver(message_id)
        return
    try:
        # Not retried: the sweep is the retry.
        with broker_connection(settings.OUTBOX_PUBLISH_TIMEOUT) as broker:
            deliver_task.apply_async(args=[message_id], connection=broker, retry=False, queue=settings.OUTBOX_QUEUE)
    except Exception as error:  # kombu raises transport-specific errors
        logger.warning(
            "Outbox message %s not published (%s: %s); the sweep will deliver it",
            message_id, type(error).__name__, error,
        )  # fmt: skip


def deliver(message_id: int) -> bool:
    """Run the message's handler once, unless it is delivered, not yet due, or
    being delivered elsewhere; True when this call delivered it. A handler's
    failure is recorded and retried later, never raised."""
    message = Message.objects.filter(pk=message_id).only("handler").first()
    if message is None:
        return False
    try:
        handler = registry.get(message.handler)
    except LookupError:
        handler = None
    now = timezone.now()
    lease = handler.lease if handler else registry.DEFAULT_LEASE
    # Claim it: one UPDATE, so two workers (the publish and the sweep) never both run it.
    claimed = (
        Message.objects.due(now).filter(pk=message_id).update(claimed_until=now + lease, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    message = Message.objects.get(pk=message_id)
    try:
        if handler is None:
            raise LookupError(f"No outbox handler is registered as {message.handler!r}")
        handler.function(**message.payload)
    except Exception as error:
        logger.exception("Outbox message %s (%s) failed, attempt %s", message.pk, message.handler, message.attempts)
        Message.objects.filter(pk=message_id).update(
            claimed_until=None,
            available_at=timezone.now() + retry_delay(message.attempts),
            last_error=f"{type(error).__name__}: {error}"[:500],
        )
        return False
    Message.objects.filter(pk=message_id).update(delivered_at=timezone.now(), claimed_until=None, last_error="")
    return True


def deliver_pending(*, limit: int = 200) -> int:
    """Deliver what is due, oldest first; how many were delivered."""
    due = list(Message.objects.due().order_by("available_at", "pk").values_list("pk", flat=True)[:limit])
    return sum(deliver(message_id) for message_id in due)


# Delivered messages are kept this long (for the admin: what was sent, when), then removed.
KEEP_DELIVERED = datetime.timedelta(days=30)


def remove_old_delivered() -> int:
    removed, _ = Message.objects.filter(delivered_at__lt=timezone.now() - KEEP_DELIVERED).delete()
    return removed
