"""The intelligence app's home-page queues (cse_team/home.py): each a
queryset through visible_to, never evaluated here."""

from django.utils import timezone

from intelligence.models import IntelligenceReport, RetentionStatus
from intelligence.models.disruptions import Disruption
from intelligence.models.profiles import ProblemProfile
from sharing.levels import AccessLevel


def _due(model, user, today=None):
    today = today or timezone.localdate()
    return (
        model.objects.visible_to(user, AccessLevel.CHANGE)
        .exclude(retention_status=RetentionStatus.DISPOSED)
        .filter(review_due__lte=today)
        .order_by("review_due", "id")
    )


def reviews_due(user, today=None):
    """Reports the user may review (change) whose MoPI review is due, oldest due first."""
    return _due(IntelligenceReport, user, today)


def disruption_reviews_due(user, today=None):
    """Disruptions the user may review whose MoPI review is due, oldest due first."""
    return _due(Disruption, user, today)


def profile_reviews_due(user, today=None):
    """Problem profiles the user may review whose MoPI review is due, oldest due first."""
    return _due(ProblemProfile, user, today)


QUEUES = {"report": reviews_due, "disruption": disruption_reviews_due, "profile": profile_reviews_due}
