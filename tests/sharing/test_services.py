"""Sharing, revoking, expiry and protocol changes: what is allowed, what is
refused with a clear message, and that a refusal changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from audit.models import AccessEvent
from sharing import access, services
from sharing.models import Protocol, ProtocolTransition, ScopeRule, Share, ShareRule, Signatory
from tests.isp_testapp.models import CaseFile, CaseFileGroupObjectPermission, CaseNote

pytestmark = pytest.mark.django_db

PURPOSE = "Child attends the sexual health clinic"


@pytest.fixture
def record(protocol, case_file):
    return case_file("kcc", "canterbury", reference="KCC-CAN")


def share(personas, record, basis, agency, **overrides):
    arguments = {
        "shared_by": personas["kcc.caseworker"],
        "record": record,
        "recipient_agency": agency("health"),
        "level": "full",
        "purpose": PURPOSE,
        "lawful_basis": basis("gdpr-public-task-safeguarding"),
        **overrides,
    }
    return services.share_record(**arguments)


def assert_nothing_shared():
    assert Share.objects.count() == 0
    assert CaseFileGroupObjectPermission.objects.count() == 0


def test_a_share_is_recorded_with_everything_the_record_of_sharing_needs(personas, record, basis, agency):
    made = share(personas, record, basis, agency, conditions="Not to be disclosed to the family")
    # The protocol in force (version 1, or a later one when installed apps join later).
    assert (made.sharing_agency.code, made.recipient_agency.code, made.level, made.protocol) == (
        "kcc",
        "health",
        "full",
        services.protocol_in_force(),
    )
    assert made.conditions == "Not to be disclosed to the family"
    event = AccessEvent.objects.get(action=AccessEvent.Action.SHARE)
    assert event.record_ids == [str(record.pk)] and event.reason == PURPOSE


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"lawful_basis": "dpa3-sch8-para4"}, "lawful_basis", "is not a lawful basis for Kent County Council"),
        ({"purpose": "  "}, "purpose", "Enter the purpose of sharing"),
        ({"expires_at": "past"}, "expires_at", "The end date must be in the future"),
        ({"level": "change"}, "level", "The protocol allows sharing with Health at full at most"),
        ({"recipient_agency": None}, "recipient_agency", "Choose one agency or one person"),
    ],
)
def test_bad_shares_are_refused_with_a_clear_message_and_nothing_changes(
    personas, record, basis, agency, overrides, field, message
):
    if "lawful_basis" in overrides:
        overrides["lawful_basis"] = basis(overrides["lawful_basis"])
    if overrides.get("expires_at") == "past":
        overrides["expires_at"] = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        share(personas, record, basis, agency, **overrides)
    assert any(message in text for text in refused.value.message_dict[field])
    assert_nothing_shared()


def test_an_agency_the_protocol_does_not_allow_is_refused(personas, record, basis, agency, protocol):
    rule = ShareRule.objects.get(protocol=protocol, record_kind="isp_testapp.casefile")
    rule.recipient = agency("kent-police")
    rule.save()
    with pytest.raises(ValidationError) as refused:
        share(personas, record, basis, agency)
    assert "does not allow sharing case file records with Health" in refused.value.message_dict["recipient_agency"][0]
    assert_nothing_shared()


def test_sharing_a_record_you_cannot_see_is_a_404(personas, record, basis, agency):
    with pytest.raises(Http404):
        share(personas, record, basis, agency, shared_by=personas["medway.caseworker"])
    assert_nothing_shared()


def test_a_recipient_cannot_pass_a_shared_record_on(personas, record, basis, agency):
    share(personas, record, basis, agency)
    with pytest.raises(ValidationError) as refused:
        share(
            personas,
            record,
            basis,
            agency,
            shared_by=personas["health.practitioner"],
            recipient_agency=agency("early-help"),
        )
    assert "only an agency the protocol gives it to can share it" in str(refused.value)
    assert access.access_level(personas["early-help.practitioner"], record) is None


def test_summary_holders_share_at_summary_at_most(personas, case_file, protocol, basis, agency):
    police_record = case_file("kent-police", "maidstone")
    ScopeRule.objects.filter(protocol=protocol, record_kind="isp_testapp.casefile", recipient__code="kcc").update(
        level="summary"
    )
    personas["kcc.caseworker"].__dict__.pop("_sharing_scope_rules", None)
    with pytest.raises(ValidationError) as refused:
        share(personas, police_record, basis, agency)
    assert "at summary at most" in refused.value.message_dict["level"][0]


def test_only_the_sharing_agency_revokes_and_a_reason_is_needed(personas, record, basis, agency):
    made = share(personas, record, basis, agency)
    with pytest.raises(PermissionDenied):
        services.revoke_share(share=made, revoked_by=personas["health.practitioner"], reason="Not needed")
    with pytest.raises(ValidationError):
        services.revoke_share(share=made, revoked_by=personas["kcc.supervisor"], reason="")
    assert access.access_level(personas["health.practitioner"], record) == "full"

    services.revoke_share(share=made, revoked_by=personas["kcc.supervisor"], reason="Case closed")
    made.refresh_from_db()
    assert made.end_reason == Share.EndReason.REVOKED and made.ended_by == personas["kcc.supervisor"]
    assert CaseFileGroupObjectPermission.objects.count() == 0
    assert AccessEvent.objects.filter(action=AccessEvent.Action.REVOKE).count() == 1


def test_revoking_one_share_keeps_access_another_share_still_gives(personas, record, basis, agency):
    summary = share(personas, record, basis, agency, level="summary")
    share(personas, record, basis, agency, level="full", purpose="Another reason")
    services.revoke_share(share=summary, revoked_by=personas["kcc.caseworker"], reason="Superseded")
    assert access.access_level(personas["health.practitioner"], record) == "full"


def test_expired_shares_end_and_their_access_goes(personas, record, basis, agency):
    made = share(personas, record, basis, agency, expires_at=timezone.now() + datetime.timedelta(hours=1))
    assert services.expire_shares() == 0
    assert services.expire_shares(now=timezone.now() + datetime.timedelta(hours=2)) == 1
    made.refresh_from_db()
    assert made.end_reason == Share.EndReason.EXPIRED
    assert access.access_level(personas["health.practitioner"], record) is None
    assert services.expire_shares(now=timezone.now() + datetime.timedelta(hours=2)) == 0


@pytest.fixture
def clock(monkeypatch):
    """clock(hours=2): from now on, `timezone.now()` is that far ahead, as if
    the time had passed and no beat task had run."""

    def travel(**delta):
        later = timezone.now() + datetime.timedelta(**delta)
        monkeypatch.setattr(timezone, "now", lambda: later)
        return later

    return travel


def test_an_expired_share_grants_nothing_before_beat_runs(personas, record, basis, agency, clock):
    """Finding 9: the share ends at its end date, not when a beat task ends it."""
    health = personas["health.practitioner"]
    made = share(personas, record, basis, agency, expires_at=timezone.now() + datetime.timedelta(hours=1))
    assert access.access_level(health, record) == "full"

    clock(hours=2)  # no beat: the share row is still open, its grant row still there
    assert Share.objects.filter(pk=made.pk, ended_at__isnull=True).exists()
    assert access.access_level(health, record) is None
    assert not CaseFile.objects.visible_to(health).filter(pk=record.pk).exists()
    assert not CaseNote.objects.visible_to(health).filter(case_file=record).exists()
    assert access.explain(health, record).shares == []

    # Beat still tidies up: it ends the share and removes the row.
    assert services.expire_shares() == 1
    assert not CaseFileGroupObjectPermission.objects.filter(content_object=record).exists()


def test_a_named_share_to_a_person_ends_on_time_too(personas, record, basis, agency, clock):
    nurse = personas["health.practitioner"]
    share(personas, record, basis, agency, recipient_agency=None, recipient_user=nurse,
          expires_at=timezone.now() + datetime.timedelta(hours=1))  # fmt: skip
    assert access.access_level(nurse, record) == "full"
    clock(hours=2)
    assert access.access_level(nurse, record) is None


def test_several_shares_give_access_until_the_latest_ends(personas, record, basis, agency, clock):
    health = personas["health.practitioner"]
    now = timezone.now()
    share(personas, record, basis, agency, expires_at=now + datetime.timedelta(hours=1))
    share(personas, record, basis, agency, purpose="Clinic follow-up", expires_at=now + datetime.timedelta(hours=3))
    share(personas, record, basis, agency, level="summary", purpose="Summary for the GP")  # no end
    grants = CaseFileGroupObjectPermission.objects.filter(content_object=record)
    assert sorted(grant.expires_at is None for grant in grants) == [False, True]

    clock(hours=2)
    assert access.access_level(health, record) == "full"
    clock(hours=2)  # four hours on: the full shares have ended, the open-ended summary one has not
    assert access.access_level(health, record) == "summary"
    assert [s.level for s in access.explain(health, record).shares] == ["summary"]


def draft_protocol(protocol, *, version=None, share_recipient=None):
    """A copy of `protocol` as a draft, its share rule limited to one recipient."""
    version = version or protocol.version + 1
    draft = Protocol.objects.create(version=version, title="Revised protocol", purpose=protocol.purpose)
    draft.participants.set(protocol.participants.all())
    for rule in protocol.scope_rules.all():
        ScopeRule.objects.create(
            protocol=draft, record_kind=rule.record_kind, recipient=rule.recipient, condition=rule.condition,
            level=rule.level,
        )  # fmt: skip
    for rule in protocol.share_rules.all():
        copy = ShareRule.objects.create(
            protocol=draft, record_kind=rule.record_kind, recipient=share_recipient, highest_level=rule.highest_level
        )
        copy.lawful_bases.set(rule.lawful_bases.all())
    return draft


def test_a_protocol_cannot_be_agreed_until_every_agency_has_signed(personas, protocol):
    draft = draft_protocol(protocol)
    Signatory.objects.create(protocol=draft, agency=personas["kcc.caseworker"].agency, signed_by=personas["admin"])
    with pytest.raises(ValidationError, match="waiting for"):
        services.agree_protocol(protocol=draft, agreed_by=personas["admin"])
    draft.refresh_from_db()
    protocol.refresh_from_db()
    assert (draft.status, protocol.status) == ("draft", "agreed")


def test_agreeing_a_protocol_supersedes_the_old_one_and_ends_shares_it_no_longer_allows(
    personas, record, basis, agency, protocol, case_file, django_capture_on_commit_callbacks
):
    kept = share(personas, record, basis, agency, recipient_agency=agency("kent-police"))
    ended = share(personas, record, basis, agency)
    other = case_file("kcc", "dover")
    also_ended = share(personas, other, basis, agency, level="summary")
    draft = draft_protocol(protocol, share_recipient=agency("kent-police"))
    for participant in draft.participants.all():
        services.sign_protocol(protocol=draft, signed_by=next(p for p in personas.values() if p.agency == participant))

    with django_capture_on_commit_callbacks() as queued:
        services.agree_protocol(protocol=draft, agreed_by=personas["admin"])

    assert len(queued) == 1  # the revocation task, queued only once the agreement commits
    protocol.refresh_from_db()
    assert protocol.status == "superseded"
    transition = ProtocolTransition.objects.get(protocol=draft)
    assert transition.finished_at is None and Share.objects.active().count() == 3
    services.revoke_disallowed_shares(transition_id=transition.pk)  # what the queued task does
    transition.refresh_from_db()
    assert transition.finished_at is not None
    assert (transition.processed, transition.revoked) == (3, 2)
    assert {s.pk: s.end_reason for s in Share.objects.all()} == {
        kept.pk: "",
        ended.pk: Share.EndReason.PROTOCOL,
        also_ended.pk: Share.EndReason.PROTOCOL,
    }
    assert access.access_level(personas["health.practitioner"], record) is None
    # Running the revocation again changes nothing.
    services.revoke_disallowed_shares(transition_id=transition.pk)
    assert Share.objects.active().count() == 1


def test_a_stopped_protocol_change_resumes_where_it_left_off(personas, record, basis, agency, protocol, case_file):
    for district in ("dover", "thanet", "ashford"):
        share(personas, case_file("kcc", district), basis, agency)
    draft = draft_protocol(protocol, share_recipient=agency("kent-police"))
    draft.status = Protocol.Status.AGREED
    protocol.status = Protocol.Status.SUPERSEDED
    protocol.save()
    draft.save()
    transition = ProtocolTransition.objects.create(protocol=draft, total=3)
    # Simulate a run stopped after its first chunk: it saved progress for one share.
    first = Share.objects.order_by("pk").first()
    services._end_shares(Share.objects.filter(pk=first.pk), reason=Share.EndReason.PROTOCOL)
    ProtocolTransition.objects.filter(pk=transition.pk).update(last_share_id=first.pk, processed=1, revoked=1)

    services.revoke_disallowed_shares(transition_id=transition.pk, chunk_size=1)

    transition.refresh_from_db()
    assert (transition.processed, transition.revoked) == (3, 3)
    assert Share.objects.active().count() == 0


def test_a_protocol_naming_a_condition_the_kind_lacks_is_not_agreed(personas, protocol):
    draft = draft_protocol(protocol)
    ScopeRule.objects.create(
        protocol=draft, record_kind="isp_testapp.casefile", recipient=None, condition="no_such_condition", level="full"
    )
    for participant in draft.participants.all():
        services.sign_protocol(protocol=draft, signed_by=next(p for p in personas.values() if p.agency == participant))
    with pytest.raises(ValidationError, match="offers no condition 'no_such_condition'"):
        services.agree_protocol(protocol=draft, agreed_by=personas["admin"])
    draft.refresh_from_db()
    assert draft.status == "draft"
