from celery import shared_task
from django.conf import settings

from accounts import services
from outbox.registry import handler


@shared_task
def deactivate_dormant_accounts() -> list[str]:
    """Nightly (see CELERY_BEAT_SCHEDULE); idempotent."""
    return services.deactivate_dormant_accounts(dormant_days=settings.ACCOUNT_DORMANCY_DAYS)


# Outbox handler (enqueued by accounts.adapter when someone asks to reset a
# password): builds the link when delivered, so no reset key is stored.
handler("accounts.send_password_reset")(services.send_password_reset)
