"""The network around an entity (a child, person, location or vehicle), one
or two hops, built only from associations the viewer may see (the evidencing
report in full and both ends seen: the rule of Association.objects.visible_to),
with each node shown at the viewer's level. The link chart's JSON is in
Cytoscape.js's elements format; the page shows it as a table.

Candidates first: each hop reads the associations touching the frontier by
the end indexes, with the visibility of only those rows' reports and ends
(correlated EXISTS, an index probe each); the nodes' records and levels come
from one query per kind at the end. At 500,000 reports, asking for the
visible associations of the frontier made PostgreSQL weigh the visibility of
every association (benchmarks/RESULTS.md, "Intelligence: performance")."""

from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse

from cse_team.validators import BIGGEST_ID
from intelligence.models import END_MODELS, Association, IntelligenceReport
from sharing.levels import AccessLevel
from sharing.presentation import shown

MAX_HOPS = 2
MAX_EDGES = 500
# Candidate associations read at a time, newest first, until MAX_EDGES visible
# ones are found (a hub may have many more candidates than the viewer sees).
CANDIDATE_BATCH = 2000
# Levels are asked of this many nodes of a kind at a time: for more, PostgreSQL
# hashes every report the user sees instead of probing each node's (from
# about 100 nodes for KCC at 500,000 reports; benchmarks/RESULTS.md).
NODES_AT_A_TIME = 50
ENDS = [(end, name) for end in "ab" for name in END_MODELS]
TYPES = dict(Association.Type.choices)


@contextmanager
def without_jit():
    """PostgreSQL's JIT off for the queries inside (one transaction). The
    visibility subqueries give the planner costs above `jit_above_cost`, so it
    compiled the query every time: about 250 ms of compiling for 14 ms of
    execution at 500,000 reports (benchmarks/RESULTS.md)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def node_id(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def _label(kind, record) -> str:
    if kind == "child":
        return f"{record.first_name} {record.last_name}".strip()
    return str(record) or f"Unnamed {kind}"


def network(user, kind: str, pk: int, *, hops: int = 1) -> dict:
    """{"nodes": [...], "edges": [...]} around (kind, pk), as far as `hops`.
    The start must be an entity the user sees (else LookupError)."""
    if pk > BIGGEST_ID:  # from a URL: past bigint, no record has it
        raise LookupError(pk)
    with without_jit():
        return _network(user, kind, pk, hops=hops)


def _candidates(user, frontier: set):
    """Associations touching a node of `frontier` ({(kind, pk)}), newest
    first, with whether the user sees each one's report in full."""
    by_kind = {}
    for kind, pk in frontier:
        by_kind.setdefault(kind, set()).add(pk)
    around = Q(pk__in=[])
    for kind, pks in by_kind.items():
        around |= Q(**{f"a_{kind}__in": sorted(pks)}) | Q(**{f"b_{kind}__in": sorted(pks)})
    report_seen = IntelligenceReport.objects.visible_to(user, AccessLevel.FULL).filter(pk=OuterRef("report_id"))
    return (
        Association.objects.filter(around)
        .annotate(report_seen=Exists(report_seen))
        .order_by("-id")
        .values("id", "type", "last_seen", "report_seen", *(f"{end}_{name}" for end, name in ENDS))
    )


def _visible_around(user, frontier: set, limit: int, records: dict, compiled: dict) -> list[dict]:
    """The newest `limit` associations the user sees touching a node of
    `frontier`: as `Association.objects.visible_to(user)` (its report in full,
    both ends seen), but visibility is asked only of the candidates' reports
    and ends. The ends' records and levels are added to `records`
    ({(kind, pk): record with `access_level`, '' when not seen})."""
    candidates = _candidates(user, frontier)
    found, before = [], None
    while len(found) < limit:
        batch = list((candidates if before is None else candidates.filter(id__lt=before))[:CANDIDATE_BATCH])
        rows = []
        for row in batch:
            if row["report_seen"]:
                ends = [(name, row[f"{end}_{name}"]) for end, name in ENDS if row[f"{end}_{name}"] is not None]
                if len(ends) == 2:
                    rows.append({**row, "ends": ends})
        records.update(_records(user, {end for row in rows for end in row["ends"]} - records.keys(), compiled))
        for row in rows:
            if all(getattr(records.get(end), "access_level", "") for end in row["ends"]):
                found.append(row)
                if len(found) == limit:
                    break
        if len(batch) < CANDIDATE_BATCH:
            break
        before = batch[-1]["id"]
    return found


def _network(user, kind: str, pk: int, *, hops: int) -> dict:
    compiled = {}
    records = _records(user, [(kind, pk)], compiled)
    if not getattr(records.get((kind, pk)), "access_level", ""):
        raise LookupError("No such entity")
    hops = max(1, min(hops, MAX_HOPS))
    order = [(kind, pk)]  # nodes in the order they are reached
    known = set(order)
    edges = {}
    frontier = {(kind, pk)}
    for _ in range(hops):
        if not frontier:
            break
        reached = set()
        for row in _visible_around(user, frontier, MAX_EDGES, records, compiled):
            for end in row["ends"]:
                if end not in known:
                    known.add(end)
                    reached.add(end)
                    order.append(end)
            edges[row["id"]] = row
        frontier = reached
    return {
        "nodes": [
            {
                "data": {
                    "id": node_id(node_kind, node_pk),
                    "kind": node_kind,
                    "label": _label(
                        node_kind, shown(records[node_kind, node_pk], records[node_kind, node_pk].access_level or None)
                    ),
                    "url": reverse("intelligence:entity_detail", args=[node_kind, node_pk])
                    if node_kind != "child"
                    else "",
                    "start": (node_kind, node_pk) == (kind, pk),
                }
            }
            for node_kind, node_pk in order
        ],
        "edges": [
            {
                "data": {
                    "id": f"association:{row['id']}",
                    "source": node_id(*row["ends"][0]),
                    "target": node_id(*row["ends"][1]),
                    "type": TYPES.get(row["type"], row["type"]),
                    "last_seen": row["last_seen"].isoformat() if row["last_seen"] else None,
                }
            }
            for row in edges.values()
        ],
    }


def _records(user, nodes, compiled: dict) -> dict:
    """{(kind, pk): record} with the user's level (`access_level`, '' when
    not seen), a query per kind and NODES_AT_A_TIME nodes. Each kind's query
    is compiled once a network (`compiled`) and run with each part's ids:
    compiling the level's nested EXISTS was most of the link chart's Python."""
    by_kind = {}
    for node_kind, pk in nodes:
        by_kind.setdefault(node_kind, []).append(pk)
    records = {}
    for node_kind, pks in by_kind.items():
        model = END_MODELS[node_kind]
        if node_kind not in compiled:
            ids = []  # a placeholder: each run puts its part's ids in its place
            query = model._default_manager.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (ids,)))
            sql, params = query.order_by().with_access_level(user).query.sql_with_params()
            compiled[node_kind] = (sql, params, next(i for i, p in enumerate(params) if p is ids))
        sql, params, position = compiled[node_kind]
        pks = sorted(pks)
        for start in range(0, len(pks), NODES_AT_A_TIME):
            part = [*params[:position], pks[start : start + NODES_AT_A_TIME], *params[position + 1 :]]
            for record in model._default_manager.raw(sql, part):
                records[node_kind, record.pk] = record
    return records
