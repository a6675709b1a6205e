"""The protocol as a matrix: record kinds down, agencies across, each cell the
levels and conditions under which that agency's staff see that kind."""

from dataclasses import dataclass, field

from sharing import registry
from sharing.levels import RANK
from sharing.models import Protocol

CONDITION_LABELS = {
    "all_records": "all records",
    "owned_by_recipient": "records it owns",
    "cse_team_member": "all records, for CSE team members",
    "in_recipient_authority": "children living in its area",
    "child_in_recipient_authority": "children living in its area",
}


def condition_label(name: str) -> str:
    return CONDITION_LABELS.get(name, name.replace("_", " "))


@dataclass
class MatrixCell:
    grants: list[tuple[str, str]] = field(default_factory=list)  # (level, condition label)
    share_level: str | None = None


@dataclass
class MatrixRow:
    label: str
    record_kind: str
    cells: list[MatrixCell]


def protocol_matrix(protocol: Protocol) -> dict:
    agencies = list(protocol.participants.order_by("name"))
    rules = list(protocol.scope_rules.all())
    share_rules = list(protocol.share_rules.all())
    kinds = {kind.kind: kind.verbose_name for kind in registry.kinds()}
    kinds.update({rule.record_kind: kinds.get(rule.record_kind, rule.record_kind) for rule in rules})
    rows = []
    for record_kind, label in sorted(kinds.items(), key=lambda item: item[1]):
        cells = []
        for agency in agencies:
            cell = MatrixCell()
            for rule in rules:
                if rule.record_kind != record_kind:
                    continue
                if rule.recipient_id is None and rule.condition == "owned_by_recipient":
                    cell.grants.append((rule.level, "its own records"))
                elif rule.recipient_id is None:
                    cell.grants.append((rule.level, f"its own records, where {condition_label(rule.condition)}"))
                elif rule.recipient_id == agency.pk:
                    cell.grants.append((rule.level, condition_label(rule.condition)))
            cell.grants.sort(key=lambda grant: -RANK[grant[0]])
            levels = [
                r.highest_level
                for r in share_rules
                if r.record_kind == record_kind and r.recipient_id in (None, agency.pk)
            ]
            cell.share_level = max(levels, key=RANK.__getitem__) if levels else None
            cells.append(cell)
        rows.append(MatrixRow(label=label, record_kind=record_kind, cells=cells))
    return {"agencies": agencies, "rows": rows}
