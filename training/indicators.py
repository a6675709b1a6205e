"""Training's figures on the managers' dashboard (dashboard/indicators.py):
sessions delivered, people trained by audience and by district, and gaps
against the Community Safety Plans.

Training records are not personal data about children and every signed-in
user may read them (docs/training.md, "Who sees what"), so the viewer sees
every record behind a figure and no cell is suppressed. Sessions are not
recorded by agency or risk level: with either filter chosen the figures are
for every agency and the table says so."""

from django.db.models import Count, Sum

from accounts.models import District
from dashboard.indicators import Row, Scope, Table, indicator, monthly_rows, total_row
from training.coverage import coverage
from training.models import Audience, Session

GROUP = "Training and gaps"
LIST = "training:session_list"


def note(scope: Scope) -> str:
    if scope.agency or scope.risk_level:
        return "Training is not recorded by agency or risk level: these figures are for every agency."
    return ""


def reached(scope: Scope, *, whole: bool = False):
    """Sessions delivered or evaluated in the period (`whole`: at any time), in the district chosen."""
    sessions = Session.objects.reached()
    if not whole:
        sessions = sessions.in_period(scope.start, scope.end)
    if scope.district:
        sessions = sessions.filter(district__code=scope.district)
    return sessions


def session_query(scope: Scope, **row) -> tuple:
    """The session list's filters for a row (training/forms.py, SessionFilterForm)."""
    query = {"status": "reached", "start": scope.start.isoformat(), "end": scope.end.isoformat()}
    if scope.district:
        query["district"] = scope.district
    query.update(row)
    return tuple(query.items())


def audience_rows(scope: Scope, value: str) -> list[Row]:
    labels = dict(Audience.choices)
    grouped = reached(scope).order_by().values("audience").annotate(sessions=Count("pk"), people=Sum("attendee_count"))
    rows = [
        Row(str(labels.get(item["audience"], item["audience"])), item[value], item["sessions"], item["sessions"],
            query=session_query(scope, audience=item["audience"]))
        for item in grouped
    ]  # fmt: skip
    return sorted(rows, key=lambda row: (-row.value, row.label))


@indicator(
    group=GROUP, order=80, drilldown=LIST, title="Training sessions delivered, by audience",
    definition="Training sessions that took place in the period (recorded as delivered or evaluated; planned and "
    "cancelled sessions are not counted), by the audience they were for.",
    trend=lambda scope: monthly_rows(reached(scope, whole=True), "starts_on", scope, everyone_sees=True),
)  # fmt: skip
def sessions_delivered(scope: Scope) -> Table:
    rows = audience_rows(scope, "sessions")
    return Table([*rows, total_row(rows, query=session_query(scope))], breakdown="Audience", note=note(scope))


@indicator(
    group=GROUP, order=81, drilldown=LIST, title="People trained, by audience",
    definition="The attendee counts recorded for the sessions that took place in the period, by audience. A person "
    "who came to two sessions counts twice.",
)  # fmt: skip
def people_trained_by_audience(scope: Scope) -> Table:
    rows = audience_rows(scope, "people")
    total = sum(row.value for row in rows)
    sessions = sum(row.records for row in rows)
    return Table([*rows, Row("Total", total, sessions, sessions, query=session_query(scope))],
                 breakdown="Audience", note=note(scope))  # fmt: skip


@indicator(
    group=GROUP, order=82, drilldown=LIST, title="People trained, by district",
    definition="The attendee counts recorded for the sessions that took place in the period, by the district the "
    "session was held in.",
)  # fmt: skip
def people_trained_by_district(scope: Scope) -> Table:
    names = dict(District.objects.values_list("pk", "name"))
    codes = dict(District.objects.values_list("pk", "code"))
    grouped = reached(scope).order_by().values("district").annotate(sessions=Count("pk"), people=Sum("attendee_count"))
    rows = sorted(
        (
            Row(names.get(item["district"], ""), item["people"], item["sessions"], item["sessions"],
                query=session_query(scope, district=codes.get(item["district"], "")))
            for item in grouped
        ),
        key=lambda row: (-row.value, row.label),
    )  # fmt: skip
    total = sum(row.value for row in rows)
    sessions = sum(row.records for row in rows)
    return Table([*rows, Row("Total", total, sessions, sessions, query=session_query(scope))],
                 breakdown="District", note=note(scope))  # fmt: skip


@indicator(
    group=GROUP, order=83, drilldown="training:coverage", title="Coverage gaps against the plans, by district",
    definition="For each district, how many of the priority audiences of its Community Safety Plans (those "
    "overlapping the period) had no session in the period: the red cells of the coverage matrix. Periods are "
    "counted in whole months, as the matrix does.",
)  # fmt: skip
def coverage_gaps(scope: Scope) -> Table:
    matrix = coverage(scope.start, scope.end)
    period = (("start", matrix.start.isoformat()), ("end", matrix.end.isoformat()))
    rows = []
    for row in matrix.rows:
        if scope.district and row.district.code != scope.district:
            continue
        priorities = sum(cell.priority for cell in row.cells)
        if priorities:
            rows.append(Row(row.district.name, row.gaps, priorities, priorities, query=period))
    rows.sort(key=lambda row: (-row.value, row.label))
    gaps = sum(row.value for row in rows)
    return Table([*rows, Row("Total", gaps, gaps, gaps, query=period)], breakdown="District", note=note(scope))
