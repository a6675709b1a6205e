import datetime

from celery import shared_task

from outbox.registry import handler
from sharing import services


@shared_task
def expire_shares() -> int:
    """Every few minutes (CELERY_BEAT_SCHEDULE): end shares past their end date."""
    return services.expire_shares()


@handler("sharing.revoke_disallowed_shares", lease=datetime.timedelta(minutes=35))
def revoke_disallowed_shares_after_agreement(*, transition_id: int) -> None:
    """Outbox handler, after a protocol is agreed; resumable and idempotent. The
    lease outlasts CELERY_TASK_TIME_LIMIT, so a long run is not started twice."""
    services.revoke_disallowed_shares(transition_id=transition_id)


@shared_task(acks_late=True)
def revoke_disallowed_shares(transition_id: int) -> None:
    """Only for revocations queued through the broker before the outbox existed
    (the deploy that introduces it); remove in the release after."""
    services.revoke_disallowed_shares(transition_id=transition_id)
