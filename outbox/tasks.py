from celery import shared_task

from outbox import delivery


@shared_task(acks_late=True, ignore_result=True)
def deliver(message_id: int) -> None:
    """Published after commit for one message."""
    delivery.deliver(message_id)


@shared_task(ignore_result=True)
def deliver_pending() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): what the after-commit publish missed, and retries.
    A long delivery holds only its own message: the next minute's sweep, on
    another worker, skips it and delivers the rest."""
    delivered = delivery.deliver_pending()
    delivery.remove_old_delivered()
    return delivered
