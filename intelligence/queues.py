"""The intelligence app's home-page queues (cse_team/home.py): each a
queryset through visible_to, never evaluated here."""

from django.utils import timezone

from intelligence.models import IntelligenceReport, RetentionStatus
from sharing.levels import AccessLevel


def reviews_due(user, today=None):
    """Reports the user may review (change) whose MoPI review is due, oldest due first."""
    today = today or timezone.localdate()
    return (
        IntelligenceReport.objects.visible_to(user, AccessLevel.CHANGE)
        .exclude(retention_status=RetentionStatus.DISPOSED)
        .filter(review_due__lte=today)
        .order_by("review_due", "id")
    )
