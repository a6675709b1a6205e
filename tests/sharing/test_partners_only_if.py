"""A kind-level restriction no protocol can lift (`@sharable(partners_only_if=...)`):
records outside it are seen by no one outside the owning agency, whatever the
scope rules and shares say, and cannot be shared outside it. Intelligence uses
it for legacy handling codes 4 and 5 ("never to partners")."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q

from sharing import access, registry, services
from sharing.models import ScopeRule, Share
from tests.isp_testapp.models import CaseFile, CaseNote

pytestmark = pytest.mark.django_db

REASON = "High-risk case files never leave the agency that owns them"


@pytest.fixture
def restricted(monkeypatch, protocol):
    """Case files at high risk are for their owning agency only."""
    kind = registry.get("isp_testapp.casefile")
    monkeypatch.setattr(kind, "partners_only_if", lambda: ~Q(risk_level=CaseFile.Risk.HIGH))
    monkeypatch.setattr(kind, "partners_only_if_reason", REASON)
    return kind


def share(personas, record, basis, agency, **overrides):
    arguments = {
        "shared_by": personas["kcc.caseworker"],
        "record": record,
        "recipient_agency": agency("health"),
        "level": "full",
        "purpose": "Nurse involved",
        "lawful_basis": basis("gdpr-public-task-safeguarding"),
        **overrides,
    }
    return services.share_record(**arguments)


def test_a_restricted_record_is_seen_only_by_its_owner_whatever_the_rules(personas, case_file, restricted):
    high = case_file("kcc", "canterbury", risk_level=CaseFile.Risk.HIGH)
    medium = case_file("kcc", "canterbury", risk_level=CaseFile.Risk.MEDIUM)
    # An unconditional rule for Health, and the CSE team's rule for Kent Police.
    ScopeRule.objects.create(
        protocol=services.protocol_in_force(),
        record_kind=restricted.kind,
        recipient=personas["health.practitioner"].agency,
        condition="all_records",
        level="full",
    )
    for username in ("health.practitioner", "kent-police.caseworker"):
        user = type(personas[username]).objects.get(pk=personas[username].pk)
        assert list(CaseFile.objects.visible_to(user).filter(pk__in=[high.pk, medium.pk])) == [medium], username
        assert access.access_level(user, high) is None
        assert CaseNote.objects.visible_to(user).filter(case_file=high).count() == 0
    owner = personas["kcc.caseworker"]
    assert set(CaseFile.objects.visible_to(owner)) >= {high, medium}
    assert access.access_level(owner, high) == "change"
    assert {row.pk: row.access_level for row in CaseFile.objects.with_access_level(personas["health.practitioner"])}[
        high.pk
    ] == ""


def test_sharing_a_restricted_record_outside_its_owner_is_refused(personas, case_file, restricted, basis, agency):
    high = case_file("kcc", "canterbury", risk_level=CaseFile.Risk.HIGH)
    with pytest.raises(ValidationError) as refused:
        share(personas, high, basis, agency)
    assert refused.value.message_dict == {"__all__": [REASON]}
    with pytest.raises(ValidationError):
        share(personas, high, basis, agency, recipient_agency=None, recipient_user=personas["health.practitioner"])
    assert Share.objects.count() == 0
    # Within the owning agency it may still be shared with a named person.
    share(personas, high, basis, agency, recipient_agency=None, recipient_user=personas["kcc.supervisor"])


def test_a_share_made_before_the_record_became_restricted_gives_nothing(personas, case_file, restricted, basis, agency):
    record = case_file("kcc", "canterbury", risk_level=CaseFile.Risk.MEDIUM)
    share(personas, record, basis, agency)
    health = personas["health.practitioner"]
    assert access.access_level(health, record) == "full"
    CaseFile.objects.filter(pk=record.pk).update(risk_level=CaseFile.Risk.HIGH)
    assert access.access_level(type(health).objects.get(pk=health.pk), record) is None


def test_without_a_restriction_nothing_changes(personas, case_file, protocol, basis, agency):
    assert registry.get("isp_testapp.casefile").restriction_for(1) is None
    high = case_file("kcc", "canterbury", risk_level=CaseFile.Risk.HIGH)
    share(personas, high, basis, agency)
    assert access.access_level(personas["health.practitioner"], high) == "full"


def test_a_kind_may_refuse_a_share_by_its_own_check(personas, case_file, protocol, basis, agency, monkeypatch):
    """`check_share`: a high-risk case file goes only with conditions recorded on the share."""
    kind = registry.get("isp_testapp.casefile")

    def check(*, record, level, recipient, conditions):
        if record.risk_level == CaseFile.Risk.HIGH and not conditions:
            return {"conditions": "Record the conditions the recipient must follow"}
        return {}

    monkeypatch.setattr(kind, "check_share", check)
    high = case_file("kcc", "canterbury", risk_level=CaseFile.Risk.HIGH)
    with pytest.raises(ValidationError) as refused:
        share(personas, high, basis, agency)
    assert refused.value.message_dict == {"conditions": ["Record the conditions the recipient must follow"]}
    assert Share.objects.count() == 0
    made = share(personas, high, basis, agency, conditions="Not to be disclosed to the family")
    assert made.conditions == "Not to be disclosed to the family"


def test_who_can_see_a_restricted_record_names_only_its_owner(personas, case_file, restricted, basis, agency):
    from sharing.audience import record_audience

    record = case_file("kcc", "canterbury", risk_level=CaseFile.Risk.MEDIUM)
    share(personas, record, basis, agency)
    CaseFile.objects.filter(pk=record.pk).update(risk_level=CaseFile.Risk.HIGH)
    audience = {row.agency.code: row for row in record_audience(CaseFile.objects.get(pk=record.pk))}
    assert audience["kcc"].level == "change"
    for code in ("health", "kent-police", "medway"):
        assert (audience[code].level, audience[code].team_level) == (None, None), code
    assert audience["health"].reasons == [REASON]
