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


@dataclass(frozen=True)
class Indicator:
    key: str
    group: str
    title: str
    definition: str  # plain words: how it is counted
    compute: Callable[[Scope], Table]
    order: int = 50
    drilldown: str = ""  # URL name of the list the rows open, filtered

    def table(self, scope: Scope) -> Table:
        return self.compute(scope)


_registry: dict[str, Indicator] = {}


def indicator(*, group: str, title: str, definition: str, order: int = 50, drilldown: str = ""):
    def register(compute):
        key = f"{compute.__module__.split('.')[0]}.{compute.__name__}"
        _registry[key] = Indicator(key, group, title, definition, compute, order, drilldown)
        return compute

    return register


def indicators() -> list[Indicator]:
    autodiscover_modules("indicators")
    return sorted(_registry.values(), key=lambda found: (found.order, found.title))


def get(key: str) -> Indicator:
    indicators()
    return _registry[key]


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
    from django.db.models import Q

    from sharing.access import visibility_filter
    from sharing.levels import AccessLevel

    if not via:
        return visibility_filter(model, scope.user, AccessLevel.FULL)
    parent = model._meta.get_field(via).related_model
    return Q(**{f"{via}__in": parent.objects.visible_to(scope.user, AccessLevel.FULL).values("pk")})


def counted_rows(queryset, by: str, labels: dict, scope: Scope, *, via: str = "") -> list[Row]:
    """One row per value of `by`, with how many records there are and how many
    the viewer may see, in one grouped query (the visibility test is a FILTER
    on the count, not a second query)."""
    from django.db.models import Count

    seen = seen_filter(queryset.model, scope, via=via)
    grouped_counts = queryset.order_by().values(by).annotate(records=Count("pk"), seen=Count("pk", filter=seen))
    rows = [
        Row(
            label=str(labels.get(item[by], item[by] or "Not recorded")),
            value=item["records"],
            records=item["records"],
            seen=item["seen"],
        )
        for item in grouped_counts
    ]
    return sorted(rows, key=lambda row: (-row.records, row.label))


def total_row(rows: list[Row], label: str = "Total") -> Row:
    return Row(label, sum(row.records for row in rows), sum(row.records for row in rows), sum(row.seen for row in rows))
