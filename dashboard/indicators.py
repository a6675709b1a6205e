"""The indicator registry: each app declares the figures it contributes in
`<app>/indicators.py` (found because the app is installed, as API routes are),
and the dashboard page, its CSV downloads and its API read them from here.

    from dashboard.indicators import Breakdown, indicator

    @indicator(group="Referrals", title="Referrals received", definition="...", breakdowns=(...))
    def referrals_received(scope: Scope) -> Table: ...

An indicator is a function of a `Scope` (the viewer, the period and the
filters) returning a `Table` of rows, each with the number of records behind
it and how many of them the viewer may see, so that `Table.shown()` can
suppress small cells (docs/isp.md, "Dashboard figures")."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Aggregate, ExpressionWrapper, F, FloatField, Func
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

# Cells from 1 to SMALL_CELL - 1 are shown as "fewer than 5" unless the viewer
# may see every record behind them.
SMALL_CELL = 5
DASHBOARD_ROLES = frozenset({"manager", "supervisor", "analyst"})


def may_view(user) -> bool:
    return user.is_authenticated and not DASHBOARD_ROLES.isdisjoint(user.role_codes)


@dataclass(frozen=True)
class Scope:
    """What a figure is computed over: the viewer and the filters."""

    user: object
    start: datetime.date
    end: datetime.date  # inclusive
    district: str = ""  # district code
    agency: str = ""  # owning agency code
    risk_level: str = ""

    @property
    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_before(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min))

    def previous_period(self) -> "Scope":
        length = self.end - self.start + datetime.timedelta(days=1)
        return Scope(self.user, self.start - length, self.start - datetime.timedelta(days=1), self.district,
                     self.agency, self.risk_level)  # fmt: skip

    def year_before(self) -> "Scope":
        def back(day):
            try:
                return day.replace(year=day.year - 1)
            except ValueError:  # 29 February
                return day.replace(year=day.year - 1, day=28)

        return Scope(self.user, back(self.start), back(self.end), self.district, self.agency, self.risk_level)


@dataclass(frozen=True)
class Row:
    label: str
    value: float | int | None  # a count, a rate or a duration in days
    records: int  # records behind the figure
    seen: int  # how many of them the viewer may see
    unit: str = ""  # "", "per 10,000", "days", "%"
    # The drill-down list's query for this row (added to the indicator's
    # filters), such as (("district", "12"),); empty: the row links nowhere.
    query: tuple = ()

    @property
    def suppressed(self) -> bool:
        return 0 < self.records < SMALL_CELL and self.seen < self.records

    @property
    def shown(self) -> str:
        if self.suppressed:
            return "fewer than 5"
        if self.value is None:
            return "none"
        if isinstance(self.value, float):
            return f"{self.value:,.1f}"
        return f"{self.value:,}"


@dataclass(frozen=True)
class Table:
    rows: list[Row]
    breakdown: str = ""  # what the rows are, such as "District"
    note: str = ""  # said under the table, such as a filter that does not apply


@dataclass(frozen=True)
class Indicator:
    key: str
    group: str
    title: str
    definition: str  # plain words: how it is counted
    compute: Callable[[Scope], Table]
    order: int = 50
    drilldown: str = ""  # URL name of the list the rows open, filtered
    # Records per month over the 12 months to the end of the period (a Table
    # of one row a month), for the indicators that count records.
    trend: Callable[[Scope], Table] | None = None
    # Who may see the figure at all, even as an aggregate (a function of the
    # user); None: every dashboard viewer. The page, its CSV, the API and
    # the snapshots leave it out for anyone else.
    audience: Callable[[object], bool] | None = None
    # The records behind a row, before sharing (a function of the scope and
    # the row's `row` value, "" for all of them, giving a queryset), for
    # figures whose app has no list filtered the same way: the dashboard
    # lists them itself (`dashboard:records`), those the viewer sees in full.
    records: Callable[[Scope, str], object] | None = None

    def shown_to(self, user) -> bool:
        return self.audience is None or bool(self.audience(user))

    def table(self, scope: Scope) -> Table:
        return self.compute(scope)

    def monthly(self, scope: Scope) -> Table | None:
        return self.trend(scope) if self.trend else None


_registry: dict[str, Indicator] = {}


def indicator(
    *,
    group: str,
    title: str,
    definition: str,
    order: int = 50,
    drilldown: str = "",
    trend=None,
    audience=None,
    records=None,
):
    """Register an indicator. `drilldown`: the URL name of the list its rows
    open (each row's `query` added to the dashboard's filters); `trend`: a
    function of the scope giving its monthly counts (see `monthly_rows`);
    `audience`: a function of the user, who alone may see it; `records`: the
    records behind a row, for the dashboard's own drill-down list (each
    row's `query` then being `row_query(scope, value)`)."""

    def register(compute):
        key = f"{compute.__module__.split('.')[0]}.{compute.__name__}"
        _registry[key] = Indicator(key, group, title, definition, compute, order, drilldown, trend, audience, records)
        return compute

    return register


_ANYONE = object()


def indicators(user=_ANYONE) -> list[Indicator]:
    """Every indicator, or those `user` may see (`Indicator.audience`)."""
    autodiscover_modules("indicators")
    found = sorted(_registry.values(), key=lambda item: (item.order, item.title))
    return found if user is _ANYONE else [item for item in found if item.shown_to(user)]


def get(key: str, user=_ANYONE) -> Indicator:
    """One indicator; KeyError when there is none, or `user` may not see it."""
    indicators()
    item = _registry[key]
    if user is not _ANYONE and not item.shown_to(user):
        raise KeyError(key)
    return item


@dataclass
class Group:
    name: str
    indicators: list = field(default_factory=list)


def grouped(found: list[Indicator]) -> list[Group]:
    groups: dict[str, Group] = {}
    for item in found:
        groups.setdefault(item.group, Group(item.group)).indicators.append(item)
    return list(groups.values())


# --- Helpers for apps' indicators --------------------------------------------------


def seen_filter(model, scope: Scope, *, via: str = ""):
    """Which records the viewer sees IN FULL, as a Q (or the records they are
    seen through: `via="referral"` for a referral's dependants). Full, not
    summary: a row broken down by a full-level field (source agency, closure
    reason) would otherwise give a summary reader that field of a record
    behind a small cell."""
    from django.db.models import Exists, OuterRef

    from sharing.access import visibility_filter
    from sharing.levels import AccessLevel

    if not via:
        return visibility_filter(model, scope.user, AccessLevel.FULL)
    # A correlated EXISTS on the parent's primary key, not `via IN (visible
    # parents)`: inside a COUNT's FILTER, PostgreSQL cannot hash an IN list of
    # a million parents within work_mem and rescans it for every row.
    parent = model._meta.get_field(via).related_model
    return Exists(parent.objects.visible_to(scope.user, AccessLevel.FULL).filter(pk=OuterRef(via)))


def row_query(scope: Scope, value="") -> tuple:
    """The dashboard's own drill-down list's query for a row: the dashboard's
    filters and the row (`Indicator.records`)."""
    query = [("start", scope.start.isoformat()), ("end", scope.end.isoformat())]
    query += [(name, getattr(scope, name)) for name in ("district", "agency", "risk_level") if getattr(scope, name)]
    if value not in (None, ""):
        query.append(("row", str(value)))
    return tuple(query)


def _viewer(scope):
    return scope.user if isinstance(scope, Scope) else scope


def summary_only(model, scope: Scope, *, via: str = ""):
    """Which records the viewer sees in summary and not in full (through
    `via` for a referral's dependants), as a Q; None when there can be none
    (the viewer's summary and full visibility are the same predicate)."""
    from django.db.models import Exists, OuterRef

    from sharing.access import visibility_filter
    from sharing.levels import AccessLevel

    target = model._meta.get_field(via).related_model if via else model
    summary = visibility_filter(target, _viewer(scope), AccessLevel.SUMMARY)
    full = visibility_filter(target, _viewer(scope), AccessLevel.FULL)
    if summary == full:
        return None
    if not via:
        return summary & ~full
    parents = target._default_manager.filter(summary).exclude(full).filter(pk=OuterRef(via))
    return Exists(parents)


def counted(queryset, scope: Scope, *, via: str = ""):
    """The records a figure counts: every record but those the viewer sees
    only in summary (docs/isp.md, "Dashboard figures: differencing"). The
    viewer knows such a record's summary fields, so could single it out by
    them (or by watching it change) and learn a field above its summary from
    the difference of two figures; a figure never counts it, so no two
    figures differ by it. Records the viewer does not see at all are counted
    (the viewer cannot single them out), under the small-cell rule."""
    left_out = summary_only(queryset.model, scope, via=via)
    return queryset if left_out is None else queryset.exclude(left_out)


def left_out_counts(scope: Scope) -> list[tuple[str, int]]:
    """How many records of each kind the figures leave out because the viewer
    sees them only in summary, within the filters a summary shows (district,
    risk level), whatever their dates: the viewer knows each of these
    records, so the count tells them nothing new. One count per kind for
    which the viewer holds any summary-only access."""
    from sharing import registry

    found = []
    for kind in registry.kinds():
        model = kind.model
        only = summary_only(model, scope)
        if only is None:
            continue
        records = model._default_manager.filter(only)
        summary = registry.summary_fields(model)
        if scope.district and "district" in summary:
            records = records.filter(district__code=scope.district)
        if scope.risk_level and "risk_level" in summary:
            records = records.filter(risk_level=scope.risk_level)
        number = records.count()
        if number:
            found.append((str(model._meta.verbose_name if number == 1 else model._meta.verbose_name_plural), number))
    return found


def counted_rows(queryset, by: str, labels: dict, scope: Scope, *, via: str = "", link=None) -> list[Row]:
    """One row per value of `by`, with how many records there are and how many
    the viewer may see, in one grouped query (the visibility test is a FILTER
    on the count, not a second query). `link(value)` gives the row's
    drill-down query (see `Row.query`)."""
    from django.db.models import Count

    seen = seen_filter(queryset.model, scope, via=via)
    grouped_counts = (
        counted(queryset, scope, via=via)
        .order_by()
        .values(by)
        .annotate(records=Count("pk"), seen=Count("pk", filter=seen))
    )
    rows = [
        Row(
            label=str(labels.get(item[by], item[by] or "Not recorded")),
            value=item["records"],
            records=item["records"],
            seen=item["seen"],
            query=tuple(link(item[by])) if link else (),
        )
        for item in grouped_counts
    ]
    return sorted(rows, key=lambda row: (-row.records, row.label))


def total_row(rows: list[Row], label: str = "Total", query: tuple = ()) -> Row:
    records = sum(row.records for row in rows)
    return Row(label, records, records, sum(row.seen for row in rows), query=query)


# --- Monthly trends ---------------------------------------------------------------


def trend_months(scope: Scope) -> list[datetime.date]:
    """The first days of the 12 months ending with the month of the period's end."""
    month = scope.end.replace(day=1)
    months = []
    for _ in range(12):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def trend_scope(scope: Scope) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of the 12 months of `trend_months`, as aware datetimes."""
    first = trend_months(scope)[0]
    following = (scope.end.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    return start, timezone.make_aware(datetime.datetime.combine(following, datetime.time.min))


def monthly_rows(queryset, field: str, scope: Scope, *, via: str = "", everyone_sees: bool = False, seen=None) -> Table:
    """Records per month by `field` (a date or datetime) over the 12 months to
    the end of the period, in one grouped query, with the small-cell rule per
    month. `queryset` carries the filters but not the period. `everyone_sees`:
    records that are not personal data (training sessions). `seen`: for
    records without levels of their own (a share of a report), which of them
    the viewer sees in full, the caller having applied `counted` itself."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    start, end = trend_scope(scope)
    in_months = queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})
    counts = {"records": Count("pk")}
    if seen is not None:
        counts["seen"] = Count("pk", filter=seen)
    elif not everyone_sees:
        in_months = counted(in_months, scope, via=via)
        counts["seen"] = Count("pk", filter=seen_filter(queryset.model, scope, via=via))
    grouped = in_months.order_by().annotate(month=TruncMonth(field)).values("month").annotate(**counts)
    found = {}
    for item in grouped:
        month = item["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month).date()
        found[month] = item
    rows = []
    for month in trend_months(scope):
        item = found.get(month, {"records": 0, "seen": 0})
        records = item["records"]
        rows.append(Row(month.strftime("%b %Y"), records, records, records if everyone_sees else item["seen"]))
    return Table(rows, breakdown="Month")


# --- Drill-down: "n hidden" -------------------------------------------------------


def hidden_records(matching, listed) -> str:
    """How many of the records `matching` finds (before sharing) are not in
    `listed` (what the viewer's list shows for the same filters), under the
    same small-number rule as the figures: "" when none are hidden, "fewer
    than 5" for 1 to 4, the number from 5. One count."""
    from django.db.models import Count, Q

    found = matching.order_by().aggregate(hidden=Count("pk", filter=~Q(pk__in=listed.order_by().values("pk"))))
    number = found["hidden"]
    if not number:
        return ""
    return "fewer than 5" if number < SMALL_CELL else f"{number:,}"


def hidden_from_drilldown(request, filterset, listed) -> str:
    """For a list reached from a dashboard figure (`from=dashboard`, by a
    dashboard viewer): how many records match its filters that the viewer's
    list does not show. The filters are applied without sharing (and without
    narrowing to full-level rows); a search is not applied, so a search gives
    no count. Records the viewer sees only in summary are not counted among
    the hidden (the differencing rule: "n hidden" under two filters would
    otherwise tell a full-level field of one of them)."""
    if request.GET.get("from") != "dashboard" or request.GET.get("q") or not may_view(request.user):
        return ""
    if not (filterset.is_bound and filterset.is_valid()):
        return ""
    matching = counted(filterset.queryset.model._default_manager.all(), request.user)
    for name, value in filterset.form.cleaned_data.items():
        matching = filterset.filters[name].filter(matching, value)
    return hidden_records(matching, listed)


# --- Durations --------------------------------------------------------------------


class Percentile(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def days_between(start: str, end):
    """Days from the field `start` to `end` (a field name or an expression), as a float."""
    end = F(end) if isinstance(end, str) else end
    return ExpressionWrapper(
        Func(end - F(start), function="EXTRACT", template="EXTRACT(EPOCH FROM %(expressions)s)") / 86400.0,
        output_field=FloatField(),
    )


def duration_rows(queryset, start: str, end, scope: Scope, *, seen=None) -> list[Row]:
    """Median and 90th percentile of days from `start` to `end` over the
    records of `queryset` where `end` is set, with how many records there are
    and how many the viewer sees in full. `end` is a field name, or an
    expression (such as a Subquery) the queryset's records all have a value
    of: an annotation would make Django wrap the aggregate in a subquery that
    the visibility filter cannot reach into."""
    from django.db.models import Count

    done = queryset.filter(**{f"{end}__isnull": False}) if isinstance(end, str) else queryset
    done = counted(done, scope)
    figures = done.aggregate(
        records=Count("pk"),
        seen=Count("pk", filter=seen if seen is not None else seen_filter(queryset.model, scope)),
        median=Percentile(days_between(start, end), fraction=0.5),
        p90=Percentile(days_between(start, end), fraction=0.9),
    )

    def days(value):
        return round(value, 1) if value is not None else None

    return [
        Row("Median", days(figures["median"]), figures["records"], figures["seen"], "days"),
        Row("90th percentile", days(figures["p90"]), figures["records"], figures["seen"], "days"),
    ]
