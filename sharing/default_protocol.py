"""The default protocol (version 1): the rules each record kind declares in
its @sharable registration, signed by every founding agency. Documented in
docs/isp.md. Created by `manage.py load_demo_protocol` (make run) and tests;
a real deployment agrees its own protocol in the admin."""

from django.db import transaction

from accounts.models import Agency, User
from sharing import registry
from sharing.models import LawfulBasis, Protocol, ScopeRule, ShareRule, Signatory

DEFAULT_VERSION = 1


@transaction.atomic
def create_default_protocol(*, agreed_by: User, version: int = DEFAULT_VERSION, agree: bool = True) -> Protocol:
    """Create (or return) the default protocol; idempotent."""
    existing = Protocol.objects.filter(version=version).first()
    if existing is not None:
        return existing
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
    for kind in registry.kinds():
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
    if agree:
        for agency in agencies.values():
            Signatory.objects.create(protocol=protocol, agency=agency, signed_by=agreed_by)
        from sharing.services import agree_protocol

        protocol = agree_protocol(protocol=protocol, agreed_by=agreed_by)
    return protocol
