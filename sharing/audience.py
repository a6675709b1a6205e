"""Who can see a record, agency by agency, and what a draft protocol would
change. Both evaluate scope rules for a stand-in member of each agency (one
outside the CSE team and one inside it), because rules depend on the agency
and on team membership, not on the individual."""

from dataclasses import dataclass, field

from accounts.models import Agency
from sharing import registry
from sharing.access import scope_predicate
from sharing.levels import ORDER, highest
from sharing.models import Protocol, ScopeRule, Share
from sharing.registry import NOTHING


@dataclass
class StandIn:
    """Enough of a user for scope conditions: an agency and team membership."""

    agency: Agency
    is_cse_team_member: bool
    pk: None = None
    # An agency's member in general holds no personal role: conditions about a
    # particular person (the chair of a panel) reach no stand-in.
    role_codes: frozenset = frozenset()

    @property
    def agency_id(self):
        return self.agency.pk

    def has_role(self, code: str) -> bool:
        return code in self.role_codes


@dataclass
class AgencyAccess:
    agency: Agency
    level: str | None = None
    team_level: str | None = None  # for members of the co-located CSE team
    reasons: list[str] = field(default_factory=list)


def _scope_level(kind, record, stand_in, rules) -> tuple[str | None, list[str]]:
    levels, reasons = [], []
    for rule in rules:
        predicate = scope_predicate(kind, stand_in, rule.level, [rule])
        if predicate is NOTHING:
            continue
        if kind.model._default_manager.filter(predicate, pk=record.pk).exists():
            levels.append(rule.level)
            reasons.append(f"Protocol version {rule.protocol.version}: {rule}")
    return highest(levels), reasons


def record_audience(record) -> list[AgencyAccess]:
    kind = registry.for_model(type(record))
    rules = list(
        ScopeRule.objects.filter(protocol__status="agreed", record_kind=kind.kind).select_related(
            "protocol", "recipient"
        )
    )
    shares = list(
        Share.objects.active()
        .for_record(record)
        .select_related("recipient_agency", "recipient_user__agency", "shared_by", "lawful_basis")
    )
    audience = []
    for agency in Agency.objects.active():
        level, reasons = _scope_level(kind, record, StandIn(agency, False), rules)
        team_level, team_reasons = _scope_level(kind, record, StandIn(agency, True), rules)
        for share in shares:
            if share.recipient_agency_id == agency.pk:
                level = highest([level, share.level])
                team_level = highest([team_level, share.level])
                reasons.append(
                    f"Shared by {share.shared_by.display_name} on {share.created_at:%d %B %Y} at {share.level} "
                    f"for: {share.purpose} ({share.lawful_basis})"
                )
            elif share.recipient_user_id and share.recipient_user.agency_id == agency.pk:
                reasons.append(
                    f"Shared with {share.recipient_user.display_name} only, at {share.level}, for: {share.purpose}"
                )
        extra = [reason for reason in team_reasons if reason not in reasons]
        reasons += [f"CSE team members only: {reason}" for reason in extra]
        restriction = kind.restriction_for(agency.pk)
        if restriction is not None and not kind.model._default_manager.filter(restriction, pk=record.pk).exists():
            # registry `partners_only_if`: no rule or share reaches this agency.
            level = team_level = None
            reasons = [kind.partners_only_if_reason or f"Never outside the agency that owns this {kind.verbose_name}"]
        audience.append(AgencyAccess(agency=agency, level=level, team_level=team_level, reasons=reasons))
    return audience


@dataclass
class PreviewRow:
    record_kind: str
    agency: Agency
    gained: int
    lost: int


def preview_protocol(draft: Protocol) -> tuple[list[PreviewRow], int]:
    """Per record kind and agency, how many records a member of the agency
    (outside the CSE team) would gain and lose at any level; and how many
    active shares the draft would end."""
    current = Protocol.objects.in_force().first()
    new_rules = list(draft.scope_rules.select_related("protocol"))
    old_rules = list(current.scope_rules.select_related("protocol")) if current else []
    rows = []
    for kind in registry.kinds():
        for agency in draft.participants.all():
            stand_in = StandIn(agency, False)
            new = scope_predicate(kind, stand_in, ORDER[0], [r for r in new_rules if r.record_kind == kind.kind])
            old = scope_predicate(kind, stand_in, ORDER[0], [r for r in old_rules if r.record_kind == kind.kind])
            records = kind.model._default_manager
            rows.append(
                PreviewRow(
                    record_kind=kind.verbose_name,
                    agency=agency,
                    gained=records.filter(new).exclude(old).count() if new is not NOTHING else 0,
                    lost=records.filter(old).exclude(new).count() if old is not NOTHING else 0,
                )
            )
    from sharing.services import allowed_share_tuples, is_share_allowed

    allowed = allowed_share_tuples(draft)
    ended = sum(
        1
        for kind, agency_id, user_agency_id, level, basis_id in Share.objects.active().values_list(
            "record_kind", "recipient_agency_id", "recipient_user__agency_id", "level", "lawful_basis_id"
        )
        if not is_share_allowed(allowed, kind, agency_id or user_agency_id, level, basis_id)
    )
    return rows, ended
