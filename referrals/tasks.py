from celery import shared_task

from referrals import notifications
from referrals.services import name_words


@shared_task(acks_late=True)
def alert_immediate_risk(referral_id: int) -> int:
    """After a referral with immediate risk is recorded: tell the CSE team's
    supervisors. Idempotent enough: a repeat sends the alert again, never less."""
    return notifications.alert_immediate_risk(referral_id=referral_id)


@shared_task
def refresh_child_name_words() -> None:
    """Hourly (CELERY_BEAT_SCHEDULE): name search's word counts."""
    name_words.refresh_child_name_words()
