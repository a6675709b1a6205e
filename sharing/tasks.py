from celery import shared_task

from sharing import services


@shared_task
def expire_shares() -> int:
    """Every few minutes (CELERY_BEAT_SCHEDULE): end shares past their end date."""
    return services.expire_shares()


@shared_task(acks_late=True)
def revoke_disallowed_shares(transition_id: int) -> None:
    """After a protocol is agreed; resumable and idempotent."""
    services.revoke_disallowed_shares(transition_id=transition_id)
