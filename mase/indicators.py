"""MASE's figures on the managers' dashboard (dashboard/indicators.py):
meetings held, children listed and discussed, actions by agency, and the time
from referral to listing (in the timeliness group).

Filters: the district is the panel's (a county-wide panel covers every
district) for meetings and actions, the child's referral's for items; the
agency is the meeting's owner, the action's owner, the case's owner; a risk
level narrows items and actions to cases of that level, and meetings to those
that discussed one."""

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from accounts.models import Agency
from cse_team.validators import whole_number
from dashboard.indicators import (
    Row,
    Scope,
    Table,
    counted,
    counted_rows,
    duration_rows,
    indicator,
    monthly_rows,
    row_query,
    seen_filter,
    total_row,
)
from mase.models import ActionStatus, AgendaItem, Attendance, MaseAction, Meeting, Panel, PanelKind
from referrals.models import Referral

GROUP = "MASE"
HELD = ("held", "minutes_draft", "minutes_approved", "circulated")


def panels_covering(district: str):
    """Panels whose area includes the district: those naming it, and county-wide ones."""
    return Panel.objects.filter(Q(districts__code=district) | Q(districts__isnull=True)).values("pk")


def meetings(scope: Scope):
    found = Meeting.objects.filter(status__in=HELD)
    if scope.district:
        found = found.filter(panel__in=panels_covering(scope.district))
    if scope.agency:
        found = found.filter(owning_agency__code=scope.agency)
    if scope.risk_level:
        found = found.filter(
            Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"), referral__risk_level=scope.risk_level))
        )
    return found


def items(scope: Scope):
    found = AgendaItem.objects.filter(referral__isnull=False)
    if scope.district:
        found = found.filter(referral__district__code=scope.district)
    if scope.agency:
        found = found.filter(referral__owning_agency__code=scope.agency)
    if scope.risk_level:
        found = found.filter(referral__risk_level=scope.risk_level)
    return found


def actions(scope: Scope):
    found = MaseAction.objects.all()
    if scope.district:
        found = found.filter(meeting__panel__in=panels_covering(scope.district))
    if scope.agency:
        found = found.filter(owner_agency__code=scope.agency)
    if scope.risk_level:
        found = found.filter(agenda_item__referral__risk_level=scope.risk_level)
    return found


def agency_names() -> dict:
    return dict(Agency.objects.values_list("pk", "name"))


def held_in(scope: Scope):
    return meetings(scope).filter(held_at__gte=scope.start_at, held_at__lt=scope.end_before)


@indicator(
    group=GROUP, order=60, title="MASE meetings held, by kind of panel",
    definition="Meetings recorded as held with a date held in the period (whatever the state of their minutes), "
    "by the kind of panel that sat.",
    trend=lambda scope: monthly_rows(meetings(scope), "held_at", scope),
    records=lambda scope, row: held_in(scope).filter(**({"panel__kind": row} if row else {})),
)  # fmt: skip
def meetings_held(scope: Scope) -> Table:
    rows = counted_rows(held_in(scope), "panel__kind", dict(PanelKind.choices), scope,
                        link=lambda kind: row_query(scope, kind))  # fmt: skip
    return Table([*rows, total_row(rows, query=row_query(scope))], breakdown="Panel")


@indicator(
    group=GROUP, order=65, title="MASE attendance, by agency",
    definition="For meetings held in the period, how many each agency attended and how many it sent apologies "
    "to, as recorded in the meeting's attendance.",
)  # fmt: skip
def attendance_by_agency(scope: Scope) -> Table:
    names = agency_names()
    recorded = Attendance.objects.filter(meeting__in=held_in(scope).values("pk"))
    rows = []
    for status, suffix in ((Attendance.Status.ATTENDED, "attended"), (Attendance.Status.APOLOGIES, "apologies")):
        labels = {pk: f"{name}: {suffix}" for pk, name in names.items()}
        rows += counted_rows(recorded.filter(status=status), "agency", labels, scope, via="meeting")
    return Table(sorted(rows, key=lambda row: row.label), breakdown="Agency")


@indicator(
    group=GROUP, order=61, title="Children listed and discussed at MASE",
    definition="Children (counted once each) with an agenda item about their case at a meeting that sat in the "
    "period; of those, how many were discussed (the item's discussion recorded). A child counts as seen only when "
    "you may see every one of their items in full.",
    trend=lambda scope: monthly_rows(items(scope), "meeting__starts_at", scope),
    records=lambda scope, row: discussed(listed_in(scope)) if row == "discussed" else listed_in(scope),
)  # fmt: skip
def children_listed(scope: Scope) -> Table:
    listed = listed_in(scope)
    listed = counted(listed, scope)
    unseen = ~seen_filter(AgendaItem, scope)
    discussed = Q(discussed_at__isnull=False)
    figures = listed.aggregate(
        listed=Count("referral__child", distinct=True),
        listed_unseen=Count("referral__child", distinct=True, filter=unseen),
        discussed=Count("referral__child", distinct=True, filter=discussed),
        discussed_unseen=Count("referral__child", distinct=True, filter=discussed & unseen),
    )
    rows = [
        Row(
            "Children listed",
            figures["listed"],
            figures["listed"],
            figures["listed"] - figures["listed_unseen"],
            query=row_query(scope, "listed"),
        ),
        Row(
            "Children discussed",
            figures["discussed"],
            figures["discussed"],
            figures["discussed"] - figures["discussed_unseen"],
            query=row_query(scope, "discussed"),
        ),
    ]
    return Table(rows, breakdown="Children")


def listed_in(scope: Scope):
    """Agenda items about a case at meetings that sat in the period."""
    return items(scope).filter(meeting__starts_at__gte=scope.start_at, meeting__starts_at__lt=scope.end_before)


def discussed(items):
    return items.filter(discussed_at__isnull=False)


def by_owner(queryset, row: str):
    agency = whole_number(row)
    return queryset if agency is None else queryset.filter(owner_agency=agency)


def open_at_end(scope: Scope):
    """Actions agreed by the end of the period and not completed or cancelled by then."""
    return (
        actions(scope)
        .filter(created_at__lt=scope.end_before)
        .exclude(closed_at__lt=scope.end_before, status__in=[ActionStatus.COMPLETED, ActionStatus.CANCELLED])
    )


@indicator(
    group=GROUP, order=62, title="MASE actions open at the end of the period, by owning agency",
    definition="Actions agreed at a MASE meeting by the end of the period and not yet completed or cancelled then, "
    "by the agency that owns them.",
    records=lambda scope, row: by_owner(open_at_end(scope), row),
)  # fmt: skip
def actions_open(scope: Scope) -> Table:
    rows = counted_rows(open_at_end(scope), "owner_agency", agency_names(), scope,
                        link=lambda agency: row_query(scope, agency))  # fmt: skip
    return Table([*rows, total_row(rows, query=row_query(scope))], breakdown="Owning agency")


@indicator(
    group=GROUP, order=63, title="MASE actions overdue at the end of the period, by owning agency",
    definition="Of the actions open at the end of the period, those whose deadline was before its last day, by the "
    "agency that owns them.",
    records=lambda scope, row: by_owner(open_at_end(scope).filter(due_date__lt=scope.end), row),
)  # fmt: skip
def actions_overdue(scope: Scope) -> Table:
    rows = counted_rows(open_at_end(scope).filter(due_date__lt=scope.end), "owner_agency", agency_names(), scope,
                        link=lambda agency: row_query(scope, agency))  # fmt: skip
    return Table([*rows, total_row(rows, query=row_query(scope))], breakdown="Owning agency")


@indicator(
    group=GROUP, order=64, title="MASE actions completed in the period, by owning agency",
    definition="Actions marked completed (not cancelled) with a completion date in the period, by the agency that "
    "owns them.",
    trend=lambda scope: monthly_rows(actions(scope).filter(status=ActionStatus.COMPLETED), "closed_at", scope),
    records=lambda scope, row: by_owner(completed_in(scope), row),
)  # fmt: skip
def actions_completed(scope: Scope) -> Table:
    rows = counted_rows(completed_in(scope), "owner_agency", agency_names(), scope,
                        link=lambda agency: row_query(scope, agency))  # fmt: skip
    return Table([*rows, total_row(rows, query=row_query(scope))], breakdown="Owning agency")


def completed_in(scope: Scope):
    return actions(scope).filter(
        status=ActionStatus.COMPLETED, closed_at__gte=scope.start_at, closed_at__lt=scope.end_before
    )


@indicator(
    group="Timeliness", order=32, title="Time from referral to MASE listing",
    definition="For referrals received in the period whose case has been put on a MASE agenda: days from the "
    "referral being received to its first agenda item being added, median and 90th percentile.",
)  # fmt: skip
def time_to_mase_listing(scope: Scope) -> Table:
    first_item = (
        AgendaItem.objects.filter(referral=OuterRef("pk")).order_by("created_at", "id").values("created_at")[:1]
    )
    referrals = Referral.objects.filter(
        received_at__gte=scope.start_at,
        received_at__lt=scope.end_before,
        pk__in=AgendaItem.objects.filter(referral__isnull=False).values("referral"),
    )
    if scope.district:
        referrals = referrals.filter(district__code=scope.district)
    if scope.agency:
        referrals = referrals.filter(owning_agency__code=scope.agency)
    if scope.risk_level:
        referrals = referrals.filter(risk_level=scope.risk_level)
    return Table(duration_rows(referrals, "received_at", Subquery(first_item), scope), breakdown="Measure")
