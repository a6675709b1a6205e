from celery import shared_task

from outbox.registry import handler
from referrals import notifications
from referrals.services import name_words

# Outbox handler (enqueued by the referral services): e-mail the CSE team's
# supervisors. At least once: a worker that dies after sending and before the
# outbox records it sends the alert again, which beats never sending it.
handler("referrals.alert_immediate_risk")(notifications.alert_immediate_risk)


@shared_task(acks_late=True)
def alert_immediate_risk(referral_id: int) -> int:
    """Only for alerts queued through the broker before the outbox existed
    (the deploy that introduces it); remove in the release after."""
    return notifications.alert_immediate_risk(referral_id=referral_id)


@shared_task
def refresh_child_name_words() -> None:
    """Hourly (CELERY_BEAT_SCHEDULE): name search's word counts."""
    name_words.refresh_child_name_words()
