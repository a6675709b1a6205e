"""Freshness: the dashboard is read from a per-viewer snapshot, kept fresh by
Celery beat, because computing every figure live over a million referrals
takes seconds (benchmarks/RESULTS.md, "Dashboard"; docs/dashboard.md,
"Freshness").

A snapshot holds every indicator's tables (this period, the previous period,
the same period a year before, and the monthly trend) for one viewer and one
choice of filters. It is per viewer because the small-cell rule depends on
what the viewer may see. The page shows the snapshot's "as of" time:

- opened with filters that have no snapshot, or one older than
  DASHBOARD_SNAPSHOT_MAX_AGE_MINUTES, it is computed in the background
  (`dashboard.tasks.compute_snapshot`; at a million referrals that takes longer
  than a web request may) and the page says the figures are being prepared, or
  shows the older ones saying so (with no broker, as in development and tests,
  the task runs at once and the page shows the figures);
- the beat task `dashboard.tasks.refresh_snapshots` recomputes every snapshot
  viewed within DASHBOARD_SNAPSHOT_KEEP_DAYS and deletes the others;
- a manager may refresh their own now (a POST, `DashboardRefreshView`).

The filters key is the query string of the filters the viewer chose (not the
dates they resolve to), so that "the last 12 months" moves on with each
refresh."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from dashboard import indicators
from dashboard.models import DashboardSnapshot

FILTER_FIELDS = ("start", "end", "district", "agency", "risk_level")


def max_age() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "DASHBOARD_SNAPSHOT_MAX_AGE_MINUTES", 60))


def keep_for() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "DASHBOARD_SNAPSHOT_KEEP_DAYS", 7))


def filters_key(data: dict) -> str:
    """The filters chosen (validated, not defaulted), as a canonical query string."""
    return urlencode([(name, str(data[name])) for name in FILTER_FIELDS if data.get(name)])


def scope_from_key(user, key: str) -> indicators.Scope:
    from dashboard.forms import DashboardFilterForm

    form = DashboardFilterForm(QueryDict(key))
    if form.is_valid():
        data = form.cleaned_data
    else:  # a filter that no longer exists (a district renamed): the default period
        today = timezone.localdate()
        data = {"start": today - datetime.timedelta(days=364), "end": today}
    return indicators.Scope(
        user=user, start=data["start"], end=data["end"], district=data.get("district") or "",
        agency=data.get("agency") or "", risk_level=data.get("risk_level") or "",
    )  # fmt: skip


# --- (de)serialising tables ---------------------------------------------------------


def table_data(table: indicators.Table | None) -> dict | None:
    if table is None:
        return None
    return {
        "breakdown": table.breakdown,
        "note": table.note,
        "rows": [
            [row.label, row.value, row.records, row.seen, row.unit, [list(pair) for pair in row.query]]
            for row in table.rows
        ],
    }


def table_from(data: dict | None) -> indicators.Table | None:
    if data is None:
        return None
    rows = [
        indicators.Row(label, value, records, seen, unit, tuple(tuple(pair) for pair in query))
        for label, value, records, seen, unit, query in data["rows"]
    ]
    return indicators.Table(rows, breakdown=data["breakdown"], note=data["note"])


def compute(scope: indicators.Scope) -> dict:
    """Every indicator's tables for the scope, as JSON-able data."""
    previous, year_before = scope.previous_period(), scope.year_before()
    figures = {"start": scope.start.isoformat(), "end": scope.end.isoformat(), "indicators": {},
               "left_out": [list(pair) for pair in indicators.left_out_counts(scope)]}  # fmt: skip
    for item in indicators.indicators(scope.user):
        figures["indicators"][item.key] = {
            "current": table_data(item.table(scope)),
            "previous": table_data(item.table(previous)),
            "year_before": table_data(item.table(year_before)),
            "trend": table_data(item.monthly(scope)),
        }
    return figures


def store(user, key: str, figures: dict, *, viewed: bool) -> DashboardSnapshot:
    now = timezone.now()
    defaults = {"computed_at": now, "figures": figures}
    if viewed:
        defaults["last_viewed_at"] = now
    try:
        with transaction.atomic():
            snapshot, _ = DashboardSnapshot.objects.update_or_create(
                user=user, filters=key, defaults=defaults, create_defaults={**defaults, "last_viewed_at": now}
            )
    except IntegrityError:  # two first views at once: the other one stored it
        snapshot = DashboardSnapshot.objects.get(user=user, filters=key)
    return snapshot


def lock_key(user, key: str) -> str:
    return f"dashboard:computing:{user.pk}:{key}"


def request_compute(user, key: str) -> None:
    """Compute the viewer's snapshot for these filters in the background, once
    at a time (a second request within 10 minutes does not queue another)."""
    from dashboard.tasks import compute_snapshot

    if cache.add(lock_key(user, key), True, timeout=600):
        compute_snapshot.delay(user.pk, key)


def compute_now(user, key: str) -> DashboardSnapshot:
    try:
        return store(user, key, compute(scope_from_key(user, key)), viewed=True)
    finally:
        cache.delete(lock_key(user, key))


def computed_before_the_protocol(snapshot: DashboardSnapshot) -> bool:
    """Whether the protocol in force was agreed after the snapshot was
    computed: its scope rules may have changed what the viewer sees."""
    from sharing.models import Protocol

    return Protocol.objects.in_force().filter(agreed_at__gt=snapshot.computed_at).exists()


def is_fresh(snapshot: DashboardSnapshot) -> bool:
    return snapshot.computed_at >= timezone.now() - max_age()


def figures_for(scope: indicators.Scope, key: str, *, refresh: bool = False) -> DashboardSnapshot | None:
    """The viewer's snapshot for these filters. One missing or stale (or
    `refresh`) is asked for in the background; what is there meanwhile is
    returned: the older snapshot, or None (with no broker the task has run
    and the new one is returned)."""
    user = scope.user
    snapshot = DashboardSnapshot.objects.filter(user=user, filters=key).first()
    if snapshot is not None and computed_before_the_protocol(snapshot):
        snapshot.delete()  # computed with access a protocol agreed since may have ended
        snapshot = None
    if refresh or snapshot is None or not is_fresh(snapshot):
        request_compute(user, key)
        snapshot = DashboardSnapshot.objects.filter(user=user, filters=key).first()
    elif snapshot.last_viewed_at < timezone.now() - datetime.timedelta(hours=1):  # one write an hour at most
        DashboardSnapshot.objects.filter(pk=snapshot.pk).update(last_viewed_at=timezone.now())
    return snapshot


def refresh_all() -> int:
    """Recompute every snapshot viewed within the keep period (its viewer may
    still open the dashboard); delete the rest. Returns how many were refreshed."""
    DashboardSnapshot.objects.filter(last_viewed_at__lt=timezone.now() - keep_for()).delete()
    refreshed = 0
    for snapshot in DashboardSnapshot.objects.select_related("user").order_by("computed_at"):
        user = snapshot.user
        if not indicators.may_view(user) or not user.is_active:
            snapshot.delete()
            continue
        figures = compute(scope_from_key(user, snapshot.filters))
        DashboardSnapshot.objects.filter(pk=snapshot.pk).update(computed_at=timezone.now(), figures=figures)
        refreshed += 1
    return refreshed


def forget(user) -> None:
    DashboardSnapshot.objects.filter(user=user).delete()


def invalidate(*, agency_ids=(), user_ids=(), everyone: bool = False) -> int:
    """Sharing changed for these viewers (their agency's shares, their own, or
    everyone's with a protocol): delete their snapshots at once, so no figure
    computed with the access they had is shown again (a small cell they could
    see every record of before a share ended), and compute them again in the
    background. Returns how many were invalidated."""
    from django.db.models import Q

    affected = DashboardSnapshot.objects.all()
    if not everyone:
        affected = affected.filter(Q(user__agency_id__in=list(agency_ids)) | Q(user_id__in=list(user_ids)))
    found = list(affected.values_list("pk", "user_id", "filters"))
    if not found:
        return 0
    DashboardSnapshot.objects.filter(pk__in=[pk for pk, _, _ in found]).delete()
    from accounts.models import User

    users = {user.pk: user for user in User.objects.filter(pk__in={user_id for _, user_id, _ in found}, is_active=True)}
    for _, user_id, key in found:
        user = users.get(user_id)
        if user is not None and indicators.may_view(user):
            cache.delete(lock_key(user, key))  # a computation already running read the old access
            request_compute(user, key)
    return len(found)
