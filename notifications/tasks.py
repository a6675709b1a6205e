from celery import shared_task

from notifications import services
from outbox.registry import handler

# Outbox handlers (enqueued by notifications.services): each re-checks that the
# recipient still sees the record and has not been e-mailed, so a retry after a
# worker died sends at most one more copy.
handler("notifications.email_immediately")(services.email_immediately)
handler("notifications.email_digest")(services.email_digest)


@shared_task
def queue_daily_digests() -> int:
    """Each morning (CELERY_BEAT_SCHEDULE): a digest e-mail for each person who chose one."""
    return services.queue_daily_digests()


@shared_task
def notice_new_shares() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): notifications for shares made since the last sweep."""
    return services.notice_new_shares()


@shared_task
def notice_overdue_actions() -> int:
    """Each morning (CELERY_BEAT_SCHEDULE): the owners of actions that became overdue."""
    from django.apps import apps
    from django.utils.module_loading import import_string

    told = 0
    for config in apps.get_app_configs():
        for path in getattr(config, "overdue_notices", ()):
            told += import_string(path)()
    return told
