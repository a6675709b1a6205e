"""The coverage and gaps matrix: districts x audiences for a period, from the
sessions delivered (or evaluated), with each district's priority audiences
from its Community Safety Plans. Four queries whatever the size of the
period or the number of sessions: districts, plans, one aggregate over the
sessions and one over the organisations they reached."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from accounts.models import District
from training.models import Audience, CommunitySafetyPlan, Session


@dataclass
class Cell:
    district: District
    audience: str
    priority: bool = False
    sessions: int = 0
    attendees: int = 0
    organisations: int = 0

    @property
    def gap(self) -> bool:
        return self.priority and self.sessions == 0

    @property
    def audience_label(self) -> str:
        return Audience(self.audience).label


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


def coverage(start: datetime.date, end: datetime.date) -> Coverage:
    districts = list(District.objects.current(end))
    priorities: dict[int, set[str]] = {}
    for district_id, audiences in CommunitySafetyPlan.objects.overlapping(start, end).values_list(
        "districts__id", "priority_audiences"
    ):
        if district_id is not None:
            priorities.setdefault(district_id, set()).update(audiences)
    reached = Session.objects.reached().in_period(start, end)
    totals = {
        (row["district_id"], row["audience"]): row
        for row in reached.order_by()
        .values("district_id", "audience")
        .annotate(sessions=Count("id"), attendees=Sum("attendee_count"))
    }
    organisations = {
        (row["session__district_id"], row["session__audience"]): row["organisations"]
        for row in Session.organisations.through.objects.filter(session__in=reached.values("pk"))
        .order_by()
        .values("session__district_id", "session__audience")
        .annotate(organisations=Count("organisation_id", distinct=True))
    }
    rows = []
    for district in districts:
        row = Row(district)
        for audience in Audience.values:
            key = (district.pk, audience)
            found = totals.get(key, {})
            row.cells.append(
                Cell(
                    district=district,
                    audience=audience,
                    priority=audience in priorities.get(district.pk, ()),
                    sessions=found.get("sessions", 0),
                    attendees=found.get("attendees") or 0,
                    organisations=organisations.get(key, 0),
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
