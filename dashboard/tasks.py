from celery import shared_task

from dashboard import snapshots


@shared_task(name="dashboard.tasks.refresh_snapshots")
def refresh_snapshots() -> int:
    """Recompute the dashboards viewed within the keep period (dashboard/snapshots.py)."""
    return snapshots.refresh_all()
