from celery import shared_task
from django.conf import settings

from accounts import services


@shared_task
def deactivate_dormant_accounts() -> list[str]:
    """Nightly (see CELERY_BEAT_SCHEDULE); idempotent."""
    return services.deactivate_dormant_accounts(dormant_days=settings.ACCOUNT_DORMANCY_DAYS)
