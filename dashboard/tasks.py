from celery import shared_task

from dashboard import snapshots


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
