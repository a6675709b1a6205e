"""The home page's queues, built from the installed apps: each app lists, on
its AppConfig, the queues of work it puts in front of its users, as it lists
its navigation sections (cse_team/navigation.py):

    class ReferralsConfig(AppConfig):
        home_queues = (
            Queue("My cases", "referrals.queues.my_cases", "referrals:referral_list",
                  query="lead=me&status=open", roles=("caseworker",)),
        )

A queue's `queryset` is a dotted path to a `(user) -> QuerySet` that must go
through `visible_to` (a count tells what exists); the project names none of
them. Only its rows are counted, so it may be of another model that stands
for the records, one row each: "shared with me" counts shares, one per
referral seen (sharing.querysets.shares_received). Every queue the user may
see is counted in ONE query (each count capped at QUEUE_COUNT_CAP, shown as
"100+"), so the home page costs the same whatever the sizes of the queues."""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import IntegerField, Subquery
from django.urls import reverse
from django.utils.module_loading import import_string

# An exact count over hundreds of thousands of visible rows costs hundreds of
# milliseconds (DESIGN.md); nobody works a queue of more than this at once.
QUEUE_COUNT_CAP = 100


@dataclass(frozen=True)
class Queue:
    title: str
    queryset: str  # "module.function": (user) -> QuerySet, through visible_to
    url_name: str  # the list the queue links to, filtered by `query`
    query: str = ""
    roles: tuple[str, ...] = ()  # held by the user (any of them); empty: everyone signed in
    allowed: str | None = None  # "module.function": (user) -> bool, instead of or beside roles
    description: str = ""
    order: int = 50
    query_from: str | None = None  # "module.function": () -> query string, for one that changes (dates)

    def shown_to(self, user) -> bool:
        if self.roles and not (set(self.roles) & user.role_codes):
            return False
        return not (self.allowed and not import_string(self.allowed)(user))

    def url(self) -> str:
        url = reverse(self.url_name)
        query = import_string(self.query_from)() if self.query_from else self.query
        return f"{url}?{query}" if query else url


def queues() -> list[Queue]:
    """Every installed app's queues, in order."""
    found = [queue for config in apps.get_app_configs() for queue in getattr(config, "home_queues", ())]
    return sorted(found, key=lambda queue: (queue.order, queue.title))


def queues_for(user) -> list[Queue]:
    return [queue for queue in queues() if queue.shown_to(user)]


def capped(queryset):
    """The queryset's ids, at most QUEUE_COUNT_CAP + 1. Its default ordering is
    dropped (a count needs none); an ordering the queue sets on purpose is
    kept: an order an index gives (`.order_by("due_date")` on an index by owner
    and due date) lets PostgreSQL walk that index and stop at the cap instead
    of reading every entry of a bitmap first."""
    if not queryset.query.order_by:
        queryset = queryset.order_by()
    return queryset.values("pk")[: QUEUE_COUNT_CAP + 1]


def capped_counts(querysets: list) -> list[int]:
    """How many rows each queryset has, at most QUEUE_COUNT_CAP + 1, in one query."""
    if not querysets:
        return []
    selects, params = [], []
    for queryset in querysets:
        limited = capped(queryset)
        try:
            sql, sql_params = limited.query.sql_with_params()
        except EmptyResultSet:  # .none(), or a filter on an empty list: nothing to count
            selects.append("0")
            continue
        # The SQL is Django's own compilation of the queryset; values stay parameters.
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS queue_{len(selects)})")  # noqa: S608
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        return list(cursor.fetchone())


def count_label(count: int) -> str:
    return f"{QUEUE_COUNT_CAP}+" if count > QUEUE_COUNT_CAP else str(count)


class CappedCount(Subquery):
    """`(SELECT COUNT(*) FROM (<queryset> LIMIT QUEUE_COUNT_CAP + 1))` as an
    expression: a count per outer row (a count per person, with OuterRef) that
    stops reading at the cap, so its cost is bounded by the cap, not by how
    much there is to count."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()

    def __init__(self, queryset):
        super().__init__(capped(queryset), output_field=IntegerField())


def counted_queues(user) -> list[dict]:
    """The user's queues with their counts: [{"queue", "count", "label", "url"}]."""
    return counted_queues_of(user, [queue for queue in queues_for(user) if isinstance(queue, Queue)])


def counted_queues_of(user, shown: list) -> list[dict]:
    counts = capped_counts([import_string(queue.queryset)(user) for queue in shown])
    return [
        {
            "queue": queue,
            "title": queue.title,
            "description": queue.description,
            "count": count,
            "label": count_label(count),
            "url": queue.url(),
        }
        for queue, count in zip(shown, counts, strict=True)
    ]


@dataclass(frozen=True)
class Breakdown:
    """A small table on the home page (a supervisor's team caseload by person):
    `rows` is a dotted path to a `(user) -> [(label, count label)]`, one query,
    aggregates of what the user sees, each capped as the queues are
    (`CappedCount`, `count_label`) so that the table costs the same whatever
    the caseloads."""

    title: str
    rows: str
    roles: tuple[str, ...] = ()
    allowed: str | None = None
    description: str = ""
    order: int = 90

    shown_to = Queue.shown_to


def home_for(user) -> dict:
    """The home page's queues (counted in one query) and breakdowns."""
    shown = [entry for entry in queues() if entry.shown_to(user)]
    counted = iter(counted_queues_of(user, [entry for entry in shown if isinstance(entry, Queue)]))
    breakdowns = [
        {"title": entry.title, "description": entry.description, "rows": import_string(entry.rows)(user)}
        for entry in shown
        if isinstance(entry, Breakdown)
    ]
    return {"queues": list(counted), "breakdowns": breakdowns}
