"""Work queues for the home page (issue #12's registry wires them in):
each is `(user) -> QuerySet`, read through sharing."""

from django.utils import timezone

from mase.models import ListingRequest, MaseAction, Panel
from sharing.levels import AccessLevel


def my_mase_actions(user):
    """The user's outstanding MASE actions, soonest (and overdue) first; each
    has `.overdue`. The home page only counts them: no access level or related
    rows are built here (building the level's expression was about a third of
    the home page's Python, benchmarks/RESULTS.md "Home page by role")."""
    return MaseAction.objects.visible_to(user).owned_by(user).outstanding().order_by("due_date", "id")


def my_overdue_mase_actions(user):
    return my_mase_actions(user).filter(due_date__lt=timezone.localdate())


def listing_requests_awaiting_me(user):
    """Proposed listings at panels the user chairs, on cases they see in full."""
    if not user.has_role("mase-chair"):
        return ListingRequest.objects.none()
    return (
        ListingRequest.objects.visible_to(user, AccessLevel.FULL)
        .awaiting_decision()
        .filter(panel__in=Panel.objects.chaired_by(user))
        .select_related("referral", "panel", "requested_by")
        .order_by("created_at", "id")
    )
