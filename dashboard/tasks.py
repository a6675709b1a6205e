from celery import shared_task

from dashboard import snapshots
from outbox.registry import handler


@shared_task(name="dashboard.tasks.refresh_snapshots")
def refresh_snapshots() -> int:
    """Recompute the dashboards viewed within the keep period (dashboard/snapshots.py)."""
    return snapshots.refresh_all()


@shared_task(name="dashboard.tasks.compute_snapshot")
def compute_snapshot(user_id: int, filters: str) -> None:
    """One viewer's dashboard for one choice of filters, asked for by the page."""
    from accounts.models import User
    from dashboard import indicators

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not indicators.may_view(user):
        return
    snapshots.compute_now(user, filters)


@handler("dashboard.sharing_changed")
def sharing_changed(*, agency_ids: list | None = None, user_ids: list | None = None, everyone: bool = False) -> None:
    """Shares or the protocol changed what these viewers see: their snapshots
    are deleted and computed again (idempotent: a repeat deletes the new ones
    and computes them again)."""
    snapshots.invalidate(agency_ids=agency_ids or (), user_ids=user_ids or (), everyone=everyone)
