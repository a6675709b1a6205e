"""The coverage and gaps matrix: districts x audiences for a period of whole
months, from the sessions delivered (or evaluated), with each district's
priority audiences from its Community Safety Plans.

It reads a rollup (`CoverageMonth`: one row per month, district and audience
with sessions, attendees and the organisations reached), kept by the session
services through the outbox: three queries (districts, plans, the rollup's
rows for the months) whatever the number of sessions."""

import datetime
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Sum

from accounts.models import District
from training.models import Audience, CommunitySafetyPlan, CoverageMonth, Session


@dataclass
class Cell:
    district: District
    audience: str
    label: str
    priority: bool = False
    sessions: int = 0
    attendees: int = 0
    organisations: int = 0
    gap: bool = field(init=False)

    def __post_init__(self):
        self.gap = self.priority and self.sessions == 0

    @property
    def audience_label(self) -> str:
        return self.label


@dataclass
class Row:
    district: District
    cells: list[Cell] = field(default_factory=list)

    @property
    def gaps(self) -> int:
        return sum(cell.gap for cell in self.cells)


@dataclass
class Coverage:
    start: datetime.date
    end: datetime.date
    audiences: list[tuple[str, str]]
    rows: list[Row]

    @property
    def gaps(self) -> int:
        return sum(row.gaps for row in self.rows)

    def cell(self, district_code: str, audience: str) -> Cell:
        for row in self.rows:
            if row.district.code == district_code:
                return next(cell for cell in row.cells if cell.audience == audience)
        raise KeyError(district_code)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def coverage(start: datetime.date, end: datetime.date) -> Coverage:
    """The matrix for the whole months from `start`'s to `end`'s: three queries
    (districts, plans, the rollup's rows for those months)."""
    start, end = month_start(start), month_end(end)
    districts = list(District.objects.current(end))
    priorities: dict[int, set[str]] = {}
    for district_id, audiences in CommunitySafetyPlan.objects.overlapping(start, end).values_list(
        "districts__id", "priority_audiences"
    ):
        if district_id is not None:
            priorities.setdefault(district_id, set()).update(audiences)
    totals: dict[tuple[int, str], list] = {}
    for district_id, audience, sessions, attendees, organisation_ids in CoverageMonth.objects.filter(
        month__gte=start, month__lte=end
    ).values_list("district_id", "audience", "sessions", "attendees", "organisation_ids"):
        # Summed here: at most months x districts x audiences rows, and the
        # distinct organisations across months are a set union, which Python
        # does faster than PostgreSQL's count(DISTINCT) over the unnested arrays.
        found = totals.setdefault((district_id, audience), [0, 0, set()])
        found[0] += sessions
        found[1] += attendees
        found[2].update(organisation_ids)
    labels = dict(Audience.choices)
    rows = []
    for district in districts:
        row = Row(district)
        for audience in Audience.values:
            sessions, attendees, organisations = totals.get((district.pk, audience), (0, 0, ()))
            row.cells.append(
                Cell(
                    district=district,
                    audience=audience,
                    label=labels[audience],
                    priority=audience in priorities.get(district.pk, ()),
                    sessions=sessions,
                    attendees=attendees,
                    organisations=len(organisations),
                )
            )
        rows.append(row)
    return Coverage(start=start, end=end, audiences=list(Audience.choices), rows=rows)


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last twelve months, to today."""
    try:
        start = today.replace(year=today.year - 1) + datetime.timedelta(days=1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28) + datetime.timedelta(days=1)
    return start, today


# --- keeping the rollup ------------------------------------------------------------


def _lock_cell(month, district_id, audience) -> None:
    """Serialise refreshes of one cell (two deliveries at once would otherwise
    each write a count that misses the other's session)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"training-coverage:{month}:{district_id}:{audience}"]
        )


@transaction.atomic
def refresh_cell(*, month: datetime.date, district_id: int, audience: str) -> None:
    """Recompute one month-district-audience cell from its sessions (idempotent)."""
    month = month_start(month)
    _lock_cell(month, district_id, audience)
    cell = Session.objects.reached().filter(
        district_id=district_id, audience=audience, starts_on__gte=month, starts_on__lte=month_end(month)
    )
    totals = cell.aggregate(sessions=Count("id"), attendees=Sum("attendee_count"))
    if not totals["sessions"]:
        CoverageMonth.objects.filter(month=month, district_id=district_id, audience=audience).delete()
        return
    reached = Session.organisations.through.objects.filter(session__in=cell.values("pk"))
    CoverageMonth.objects.update_or_create(
        month=month, district_id=district_id, audience=audience,
        defaults={
            "sessions": totals["sessions"],
            "attendees": totals["attendees"] or 0,
            "organisation_ids": sorted(set(reached.values_list("organisation_id", flat=True))),
        },
    )  # fmt: skip


def refresh_for_session(*, session_id: int) -> None:
    """The outbox handler's work: the cell of one session (idempotent)."""
    session = Session.objects.filter(pk=session_id).values("starts_on", "district_id", "audience").first()
    if session is not None:
        refresh_cell(month=session["starts_on"], district_id=session["district_id"], audience=session["audience"])


@transaction.atomic
def rebuild_coverage() -> int:
    """Recompute every cell from the sessions (after a bulk load); returns the cells written."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {CoverageMonth._meta.db_table} IN EXCLUSIVE MODE")
    CoverageMonth.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {CoverageMonth._meta.db_table}
                (month, district_id, audience, sessions, attendees, organisation_ids)
            SELECT cell.month, cell.district_id, cell.audience, cell.sessions, cell.attendees,
                   coalesce(reached.ids, '{{}}')
            FROM (
                SELECT date_trunc('month', starts_on)::date AS month, district_id, audience,
                       count(*) AS sessions, coalesce(sum(attendee_count), 0) AS attendees
                FROM {Session._meta.db_table} WHERE status IN ('delivered', 'evaluated')
                GROUP BY 1, 2, 3
            ) cell
            LEFT JOIN (
                SELECT date_trunc('month', s.starts_on)::date AS month, s.district_id, s.audience,
                       array_agg(DISTINCT so.organisation_id) AS ids
                FROM {Session.organisations.through._meta.db_table} so
                JOIN {Session._meta.db_table} s ON s.id = so.session_id
                WHERE s.status IN ('delivered', 'evaluated')
                GROUP BY 1, 2, 3
            ) reached USING (month, district_id, audience)
            """  # noqa: S608 - table names are the models', not input
        )
        return cursor.rowcount
