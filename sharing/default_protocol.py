"""The default protocol (version 1): the rules each record kind declares in
its @sharable registration, signed by every founding agency; then, for each
record kind registered with `joins_protocol`, a further version that adds its
rules, signed by every participant. Documented in docs/isp.md. Created by
`manage.py load_demo_protocol` (make run) and tests; a real deployment
agrees its own protocol in the admin."""

from django.db import transaction

from accounts.models import Agency, User
from sharing import registry
from sharing.models import LawfulBasis, Protocol, ScopeRule, ShareRule, Signatory

DEFAULT_VERSION = 1


@transaction.atomic
def create_default_protocol(*, agreed_by: User, version: int = DEFAULT_VERSION, agree: bool = True) -> Protocol:
    """Create (or return) the default protocol and, when agreeing it, the
    changes that add later record kinds; returns the protocol in force (the
    draft when `agree` is false). Idempotent."""
    existing = Protocol.objects.filter(version=version).first()
    if existing is not None:
        return add_later_record_kinds(agreed_by=agreed_by) if agree else existing
    agencies = {agency.code: agency for agency in Agency.objects.active()}
    protocol = Protocol.objects.create(
        version=version,
        title="Kent and Medway CSE Information Sharing Protocol",
        purpose=(
            "To share, early and joined up, what partner agencies know about children at risk of sexual "
            "exploitation and those who exploit them, so that the co-located CSE team can protect children."
        ),
        document="Made under the Kent and Medway Information Sharing Agreement. See docs/isp.md.",
    )
    protocol.participants.set(agencies.values())
    _add_default_rules(protocol, [kind for kind in registry.kinds() if kind.joins_protocol is None], agencies)
    if agree:
        _sign_and_agree(protocol, agreed_by)
        return add_later_record_kinds(agreed_by=agreed_by)
    return protocol


@transaction.atomic
def add_later_record_kinds(*, agreed_by: User) -> Protocol:
    """For each protocol change named by a registered kind (`joins_protocol`)
    whose kinds have no rules in the protocol in force, agree a new version:
    the rules in force plus those kinds' default rules, signed by every
    participant. Idempotent: returns the protocol in force."""
    from sharing.services import protocol_in_force

    changes: dict[str, list] = {}
    for kind in registry.kinds():
        if kind.joins_protocol and (kind.default_scope_rules or kind.default_share_level):
            changes.setdefault(kind.joins_protocol, []).append(kind)
    current = protocol_in_force()
    for title, kinds in changes.items():
        names = [kind.kind for kind in kinds]
        if current is None or _has_rules_for(current, names):
            continue
        current = _next_version(current, title, kinds, agreed_by)
    return current


def _has_rules_for(protocol: Protocol, kinds: list[str]) -> bool:
    return (
        ScopeRule.objects.filter(protocol=protocol, record_kind__in=kinds).exists()
        or ShareRule.objects.filter(protocol=protocol, record_kind__in=kinds).exists()
    )


def _next_version(current: Protocol, title: str, kinds, agreed_by: User) -> Protocol:
    version = (Protocol.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    protocol = Protocol.objects.create(
        version=version,
        title=current.title,
        purpose=current.purpose,
        document=f"{current.document}\n\nVersion {version}: {title}, added with their default rules.".strip(),
    )
    protocol.participants.set(current.participants.all())
    for rule in ScopeRule.objects.filter(protocol=current):
        ScopeRule.objects.create(
            protocol=protocol,
            record_kind=rule.record_kind,
            recipient=rule.recipient,
            condition=rule.condition,
            level=rule.level,
        )
    for rule in ShareRule.objects.filter(protocol=current).prefetch_related("lawful_bases"):
        copy = ShareRule.objects.create(
            protocol=protocol, record_kind=rule.record_kind, recipient=rule.recipient, highest_level=rule.highest_level
        )
        copy.lawful_bases.set(rule.lawful_bases.all())
    _add_default_rules(protocol, kinds, {agency.code: agency for agency in current.participants.all()})
    return _sign_and_agree(protocol, agreed_by)


def _add_default_rules(protocol: Protocol, kinds, agencies: dict[str, Agency]) -> None:
    for kind in kinds:
        for rule in kind.default_scope_rules:
            ScopeRule.objects.create(
                protocol=protocol,
                record_kind=kind.kind,
                recipient=agencies[rule.recipient] if rule.recipient else None,
                condition=rule.condition,
                level=rule.level,
            )
        if kind.default_share_level:
            share_rule = ShareRule.objects.create(
                protocol=protocol, record_kind=kind.kind, recipient=None, highest_level=kind.default_share_level
            )
            share_rule.lawful_bases.set(LawfulBasis.objects.filter(active=True))


def _sign_and_agree(protocol: Protocol, agreed_by: User) -> Protocol:
    from sharing.services import agree_protocol

    for agency in protocol.participants.all():
        Signatory.objects.create(protocol=protocol, agency=agency, signed_by=agreed_by)
    return agree_protocol(protocol=protocol, agreed_by=agreed_by)
