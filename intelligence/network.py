"""The network around an entity (a child, person, location or vehicle), one
or two hops, built only from associations the viewer may see
(Association.objects.visible_to: the evidencing report in full and both
ends seen), with each node shown at the viewer's level. The link chart's
JSON is in Cytoscape.js's elements format; the page shows it as a table."""

from collections import deque
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse

from intelligence.models import END_MODELS, Association
from sharing.presentation import shown

MAX_HOPS = 2
MAX_EDGES = 500


@contextmanager
def without_jit():
    """PostgreSQL's JIT off for the queries inside (one transaction). The
    visibility of an association (its report, and each of eight possible ends
    through the records that show it) gives the planner a cost far above
    `jit_above_cost`, so it compiled the query every time: about 250 ms of
    compiling for 14 ms of execution at 500,000 reports (benchmarks/RESULTS.md)."""
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
    with without_jit():
        return _network(user, kind, pk, hops=hops)


def _network(user, kind: str, pk: int, *, hops: int) -> dict:
    model = END_MODELS[kind]
    start = model._default_manager.visible_to(user).with_access_level(user).filter(pk=pk).first()
    if start is None:
        raise LookupError("No such entity")
    hops = max(1, min(hops, MAX_HOPS))
    visible = Association.objects.visible_to(user)
    related = [f"{end}_{name}" for end in "ab" for name in END_MODELS]
    nodes = {node_id(kind, pk): (kind, start)}
    edges = {}
    frontier = deque([(kind, pk)])
    for _ in range(hops):
        if not frontier:
            break
        around = Q(pk__in=[])
        while frontier:
            at_kind, at_pk = frontier.popleft()
            around |= Q(**{f"a_{at_kind}": at_pk}) | Q(**{f"b_{at_kind}": at_pk})
        for association in visible.filter(around).select_related(*related).order_by("-id")[:MAX_EDGES]:
            ends = [association.end("a"), association.end("b")]
            for end_kind, record in ends:
                key = node_id(end_kind, record.pk)
                if key not in nodes:
                    nodes[key] = (end_kind, record)
                    frontier.append((end_kind, record.pk))
            edges[association.pk] = (association, *(node_id(k, r.pk) for k, r in ends))
    levels = _levels(user, nodes)
    return {
        "nodes": [
            {
                "data": {
                    "id": key,
                    "kind": node_kind,
                    "label": _label(node_kind, shown(record, levels.get(key))),
                    "url": reverse("intelligence:entity_detail", args=[node_kind, record.pk])
                    if node_kind != "child"
                    else "",
                    "start": key == node_id(kind, pk),
                }
            }
            for key, (node_kind, record) in nodes.items()
        ],
        "edges": [
            {
                "data": {
                    "id": f"association:{association.pk}",
                    "source": source,
                    "target": target,
                    "type": association.get_type_display(),
                    "last_seen": association.last_seen.isoformat() if association.last_seen else None,
                }
            }
            for association, source, target in edges.values()
        ],
    }


def _levels(user, nodes) -> dict:
    """Each node's level for the user, one query per kind."""
    levels = {}
    by_kind = {}
    for node_kind, record in nodes.values():
        by_kind.setdefault(node_kind, []).append(record.pk)
    for node_kind, pks in by_kind.items():
        rows = END_MODELS[node_kind]._default_manager.filter(pk__in=pks).with_access_level(user)
        for pk, level in rows.values_list("pk", "access_level"):
            levels[node_id(node_kind, pk)] = level or None
    return levels
