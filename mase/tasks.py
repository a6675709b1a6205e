from celery import shared_task

from mase import notifications, packs, services
from outbox.registry import handler

# Outbox handlers (enqueued by mase.services): at least once, so an owner may
# rarely get the same e-mail twice, which beats never getting it.
handler("mase.action_assigned")(notifications.action_assigned)
handler("mase.action_reminder")(notifications.action_reminder)
handler("mase.build_pack")(packs.build_pack)


@shared_task
def queue_action_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): reminders before the deadline and when overdue."""
    return services.actions_queue_reminders()
