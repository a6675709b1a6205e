"""The referrals services: every write checks who may make it and refuses with
a field error, StepNotAllowed (status or role), StaleEdit or 404, saving nothing."""

import datetime
import threading
import time

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Agency
from audit.models import AccessEvent
from referrals import services
from referrals.models import (
    Action,
    Child,
    ChronologyEntry,
    IndicatorAnswer,
    Instrument,
    MissingEpisode,
    ReferenceCounter,
    Referral,
    RiskAssessment,
    StatusChange,
)
from referrals.services import StaleEdit, StepNotAllowed
from sharing.models import LawfulBasis
from sharing.services import share_record
from tests.referrals.factories import date_of_birth_for_age

pytestmark = pytest.mark.django_db

ROWS = (Referral, Child, StatusChange, RiskAssessment, IndicatorAnswer, ChronologyEntry, Action, MissingEpisode,
        ReferenceCounter, AccessEvent)  # fmt: skip


def snapshot(record=None) -> dict:
    """Row counts of everything the services write, and the referral as stored."""
    state = {model.__name__: model.objects.count() for model in ROWS}
    if record is not None:
        stored = Referral.objects.get(pk=record.pk)
        state["referral"] = {field.attname: getattr(stored, field.attname) for field in Referral._meta.concrete_fields}
    return state


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def seraf() -> Instrument:
    return Instrument.objects.get(code="seraf", version=1)


def stored(record) -> Referral:
    return Referral.objects.get(pk=record.pk)


# --- creating a referral --------------------------------------------------------------


def test_create_records_the_referral_owned_by_the_creators_agency(referral, personas, district):
    record = referral(by="medway.caseworker", district="medway", new_child={"aliases": [" Kez ", ""]})

    record = stored(record)
    assert record.owning_agency.code == "medway"
    assert record.district == district("medway")
    assert record.status == "received"
    assert record.version == 1
    assert record.first_action_at is None
    assert record.needs_linking is False
    assert record.child.aliases == ["Kez"]
    assert "kez" in record.child.search_names
    assert [(c.from_status, c.to_status) for c in record.status_changes.all()] == [("", "received")]
    assert AccessEvent.objects.filter(action="create", record_kind="referrals.referral").count() == 1


def test_references_are_sequential_within_the_year_of_receipt(referral):
    this_year = timezone.localdate().year
    first, second = referral(), referral()
    older = referral(received_at=datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC))
    third = referral()

    assert [first.reference, second.reference, third.reference] == [
        f"CSE-{this_year}-000001",
        f"CSE-{this_year}-000002",
        f"CSE-{this_year}-000003",
    ]
    assert older.reference == "CSE-2025-000001"


@pytest.mark.django_db(transaction=True)
def test_referrals_recorded_at_the_same_moment_get_consecutive_references(committed_db, referral, personas):
    """The first referral of a year creates its counter: two at once must not clash or share a number."""
    start, references, failures = threading.Barrier(3), [], []

    def record(username):
        try:
            start.wait(10)
            references.append(
                referral(by=username, received_at=datetime.datetime(2024, 5, 1, 9, tzinfo=datetime.UTC)).reference
            )
        except Exception as error:  # reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=record, args=(username,)) for username in ("kcc.caseworker", "medway.caseworker")
    ]
    for thread in threads:
        thread.start()
    start.wait(10)
    for thread in threads:
        thread.join(20)

    assert failures == []
    assert sorted(references) == ["CSE-2024-000001", "CSE-2024-000002"]


def test_a_refused_referral_uses_no_reference_number(referral):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        referral(channel="carrier-pigeon")

    assert "channel" in errors_of(excinfo)
    assert snapshot() == before
    assert referral().reference.endswith("-000001")


def test_a_person_18_or_over_is_referred_to_adult_services(referral):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        referral(new_child={"date_of_birth": date_of_birth_for_age(18)})

    assert "adult services" in errors_of(excinfo)["date_of_birth"][0]
    assert snapshot() == before


def test_age_is_judged_on_the_day_the_referral_was_received(referral):
    """Received the day before the 18th birthday: still a child, though 18 now."""
    today = timezone.localdate()
    born = today.replace(year=today.year - 18) - datetime.timedelta(days=10)
    received = timezone.now() - datetime.timedelta(days=11)

    record = referral(new_child={"date_of_birth": born}, received_at=received)

    assert record.child.date_of_birth == born


def test_an_estimated_age_of_18_is_refused(referral):
    with pytest.raises(ValidationError) as excinfo:
        referral(new_child={"date_of_birth": None, "estimated_age": 18})

    assert "adult services" in errors_of(excinfo)["estimated_age"][0]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"received_at": timezone.now() + datetime.timedelta(days=1)}, "received_at"),
        ({"concern_summary": "   "}, "concern_summary"),
        ({"consent_outcome": "not_sought"}, "consent_not_sought_reason"),
        ({"consent_decided_on": timezone.localdate() + datetime.timedelta(days=1)}, "consent_decided_on"),
        ({"new_child": {"first_name": " "}}, "first_name"),
        ({"new_child": {"date_of_birth": None}}, "date_of_birth"),
        ({"new_child": {"date_of_birth": timezone.localdate() + datetime.timedelta(days=3)}}, "date_of_birth"),
    ],
    ids=["future-received", "no-concern", "consent-no-reason", "future-consent", "no-name", "no-age", "unborn"],
)
def test_create_refuses_bad_input_with_a_field_error(referral, overrides, field):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        referral(**overrides)

    assert field in errors_of(excinfo)
    assert snapshot() == before


def test_the_reason_consent_was_not_sought_is_kept_only_when_it_was_not_sought(referral):
    not_sought = referral(consent_outcome="not_sought", consent_not_sought_reason="increase_risk")
    given = referral(consent_outcome="given", consent_not_sought_reason="increase_risk")

    assert stored(not_sought).consent_not_sought_reason == "increase_risk"
    assert stored(given).consent_not_sought_reason == ""


def test_a_referral_about_a_child_the_user_cannot_see_is_refused_as_if_unknown(referral, personas):
    hidden = referral(by="medway.caseworker", district="medway").child

    with pytest.raises(ValidationError) as excinfo:
        referral(by="kcc.caseworker", child=hidden)

    assert errors_of(excinfo) == {"child": ["Choose a child from the search results"]}


def test_a_second_referral_about_a_visible_child(referral):
    first = referral(by="kcc.caseworker")

    second = referral(by="kcc.caseworker", child=first.child)

    assert second.child == first.child
    assert Child.objects.count() == 1


# --- duplicate detection -----------------------------------------------------------------


def test_a_likely_match_the_creator_cannot_see_flags_the_referral_and_discloses_nothing(referral, personas):
    born = datetime.date(2012, 3, 14)
    hidden = referral(
        by="medway.caseworker",
        district="medway",
        new_child={"first_name": "Jayden", "last_name": "Smith", "date_of_birth": born},
    )

    record = referral(
        by="kcc.caseworker", new_child={"first_name": "Jaden", "last_name": "Smyth", "date_of_birth": born}
    )

    assert record.needs_linking is True
    assert record.child != hidden.child  # a new child, not the hidden one
    kcc = personas["kcc.caseworker"]
    assert list(Child.objects.visible_to(kcc)) == [record.child]
    assert not Referral.objects.visible_to(kcc).filter(pk=hidden.pk).exists()


def test_a_likely_match_the_creator_can_see_does_not_flag_the_referral(referral):
    born = datetime.date(2012, 3, 14)
    referral(by="kcc.caseworker", new_child={"first_name": "Jayden", "last_name": "Smith", "date_of_birth": born})

    record = referral(
        by="kcc.caseworker", new_child={"first_name": "Jaden", "last_name": "Smith", "date_of_birth": born}
    )

    assert record.needs_linking is False


def test_a_similar_name_with_another_date_of_birth_is_not_a_match(referral):
    referral(
        by="medway.caseworker",
        district="medway",
        new_child={"first_name": "Jayden", "last_name": "Smith", "date_of_birth": datetime.date(2012, 3, 14)},
    )

    record = referral(
        by="kcc.caseworker",
        new_child={"first_name": "Jayden", "last_name": "Smith", "date_of_birth": datetime.date(2011, 7, 2)},
    )

    assert record.needs_linking is False


# --- immediate risk --------------------------------------------------------------------


def test_immediate_risk_emails_each_cse_team_supervisor_without_the_childs_name(
    referral, make_persona, personas, django_capture_on_commit_callbacks, mailoutbox
):
    second = make_persona("kcc", "supervisor", username="kcc.cse-supervisor", is_cse_team_member=True)
    gone = make_persona("medway", "supervisor", username="medway.gone", is_cse_team_member=True)
    gone.is_active = False
    gone.save()

    with django_capture_on_commit_callbacks(execute=True):
        record = referral(new_child={"first_name": "Kayleigh", "last_name": "Brightwater"}, immediate_risk=True)

    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [personas["kent-police.supervisor"].email, second.email]
    )
    for message in mailoutbox:
        assert len(message.to) == 1
        assert record.reference in message.subject
        assert record.reference in message.body
        assert f"/referrals/{record.pk}/" in message.body
        for text in (message.subject, message.body):
            assert "Kayleigh" not in text
            assert "Brightwater" not in text


def test_no_email_before_the_referral_is_committed_nor_without_immediate_risk(
    referral, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        referral(immediate_risk=True)
    assert len(queued) == 1
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True) as queued:
        referral(immediate_risk=False)
    assert queued == []
    assert mailoutbox == []


def test_a_refused_immediate_risk_referral_sends_nothing(referral, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        referral(immediate_risk=True, channel="carrier-pigeon")

    assert mailoutbox == []


def test_marking_immediate_risk_on_an_edit_alerts_the_cse_team_supervisors_once(
    referral, personas, django_capture_on_commit_callbacks, mailoutbox
):
    record = referral(immediate_risk=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.referral_update(
            referral=record, changed_by=personas["kcc.caseworker"], expected_version=1, immediate_risk=True
        )
    assert [(message.to, record.reference in message.subject) for message in mailoutbox] == [
        ([personas["kent-police.supervisor"].email], True)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        services.referral_update(
            referral=stored(record), changed_by=personas["kcc.caseworker"], expected_version=2, immediate_risk=True,
            concern_summary="More detail",
        )  # fmt: skip
        services.referral_update(
            referral=stored(record), changed_by=personas["kcc.caseworker"], expected_version=3, immediate_risk=False
        )
    assert len(mailoutbox) == 1


# --- editing -------------------------------------------------------------------------


def test_update_changes_the_details_and_the_version(referral, personas):
    record = referral()

    updated = services.referral_update(
        referral=record,
        changed_by=personas["kcc.caseworker"],
        expected_version=1,
        concern_summary="  Found at a hotel in Chatham  ",
        exploitation_models=["group"],
    )

    record = stored(updated)
    assert (record.concern_summary, record.exploitation_models, record.version) == (
        "Found at a hotel in Chatham",
        ["group"],
        2,
    )


def test_consent_given_on_an_edit_drops_the_old_reason_it_was_not_sought(referral, personas):
    """As when recording: the page would otherwise read "Given: seeking it would increase the risk"."""
    record = referral(consent_outcome="not_sought", consent_not_sought_reason="increase_risk")

    services.referral_update(
        referral=record, changed_by=personas["kcc.caseworker"], expected_version=1, consent_outcome="given",
        consent_not_sought_reason="increase_risk", consent_decided_by="Child and mother",
    )  # fmt: skip

    updated = stored(record)
    assert (updated.consent_outcome, updated.consent_not_sought_reason) == ("given", "")


def test_an_edit_refuses_a_consent_decision_dated_in_the_future(referral, personas):
    record = referral()
    before = snapshot(record)

    with pytest.raises(ValidationError) as excinfo:
        services.referral_update(
            referral=record, changed_by=personas["kcc.caseworker"], expected_version=1,
            consent_decided_on=timezone.localdate() + datetime.timedelta(days=7),
        )  # fmt: skip

    assert "consent_decided_on" in errors_of(excinfo)
    assert snapshot(record) == before


def test_a_second_edit_from_the_same_version_is_stale_and_says_what_changed(referral, personas):
    record = referral()
    mine = Referral.objects.get(pk=record.pk)
    theirs = Referral.objects.get(pk=record.pk)
    services.referral_update(
        referral=theirs,
        changed_by=personas["kent-police.caseworker"],
        expected_version=theirs.version,
        concern_summary="Seen with a known perpetrator",
    )
    before = snapshot(record)

    with pytest.raises(StaleEdit) as excinfo:
        services.referral_update(
            referral=mine,
            changed_by=personas["kcc.caseworker"],
            expected_version=mine.version,
            concern_summary="Missing overnight",
            referrer_name="Ms Patel",
        )

    assert excinfo.value.changes == [
        ("Concern summary", "Seen getting into cars with older men after school", "Seen with a known perpetrator")
    ]
    assert snapshot(record) == before
    assert stored(record).concern_summary == "Seen with a known perpetrator"
    assert stored(record).version == 2


def test_a_stale_edit_names_a_changed_district(referral, personas, district):
    record = referral()
    mine = Referral.objects.get(pk=record.pk)
    services.referral_update(
        referral=stored(record), changed_by=personas["kcc.supervisor"], expected_version=1, district=district("ashford")
    )

    with pytest.raises(StaleEdit) as excinfo:
        services.referral_update(
            referral=mine, changed_by=personas["kcc.caseworker"], expected_version=1, district=district("dover")
        )

    assert excinfo.value.changes == [("District", district("maidstone"), district("ashford"))]


def test_a_workflow_step_from_a_stale_version_is_refused(referral, personas):
    record = referral()
    services.referral_update(referral=record, changed_by=personas["kcc.caseworker"], expected_version=1,
                             referrer_name="Someone else")  # fmt: skip
    before = snapshot(record)

    with pytest.raises(StaleEdit) as excinfo:
        services.referral_triage(
            referral=record, triaged_by=personas["kcc.caseworker"], note="Seen", expected_version=1
        )

    assert excinfo.value.changes == [("Referrer name", "Head of year", "Someone else")]
    assert snapshot(record) == before


def test_a_stale_edit_lists_every_change_since_the_loaded_version_as_the_user_reads_it(referral_at, personas):
    record = referral_at("received")
    mine = stored(record)
    services.referral_triage(referral=record, triaged_by=personas["kcc.caseworker"], note="Seen")
    services.referral_assign(
        referral=record, assigned_by=personas["kcc.supervisor"], lead_professional=personas["kcc.caseworker"]
    )
    services.referral_update(
        referral=record, changed_by=personas["kcc.supervisor"], expected_version=3, exploitation_models=["online"]
    )

    with pytest.raises(StaleEdit) as excinfo:
        services.referral_update(
            referral=mine, changed_by=personas["kcc.caseworker"], expected_version=1, referrer_name="Ms Patel"
        )

    assert sorted(excinfo.value.changes, key=lambda change: change[0]) == [
        ("Exploitation models", [], ["online"]),
        ("Lead professional", None, personas["kcc.caseworker"]),
        ("Status", "Received", "Triaged"),
    ]
    assert stored(record).referrer_name == "Head of year"


@pytest.mark.django_db(transaction=True)
def test_two_users_saving_at_the_same_moment_from_one_version_cannot_both_win(committed_db, referral, personas):
    """Real concurrency: the first save holds the row until it commits; the
    second, from the same version, waits and is then refused as stale."""
    record = referral()
    first_saved, outcome = threading.Event(), {}

    def save(username, summary, *, hold=0.0):
        try:
            with transaction.atomic():
                services.referral_update(
                    referral=Referral.objects.get(pk=record.pk),
                    changed_by=personas[username],
                    expected_version=1,
                    concern_summary=summary,
                )
                first_saved.set()
                time.sleep(hold)  # still uncommitted while the other user saves
            outcome[username] = "saved"
        except StaleEdit as error:
            outcome[username] = error
        finally:
            connection.close()

    first = threading.Thread(target=save, args=("kcc.caseworker", "Found at a hotel"), kwargs={"hold": 0.5})
    first.start()
    assert first_saved.wait(10)
    second = threading.Thread(target=save, args=("kent-police.caseworker", "Missing overnight"))
    second.start()
    first.join(10)
    second.join(10)

    assert outcome["kcc.caseworker"] == "saved"
    assert isinstance(outcome["kent-police.caseworker"], StaleEdit)
    assert ("Concern summary", "Seen getting into cars with older men after school", "Found at a hotel") in outcome[
        "kent-police.caseworker"
    ].changes
    assert (stored(record).concern_summary, stored(record).version) == ("Found at a hotel", 2)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reference": "CSE-1999-000001"}, "reference"),
        ({"status": "closed"}, "status"),
        ({"concern_summary": " "}, "concern_summary"),
        ({"consent_outcome": "not_sought"}, "consent_not_sought_reason"),
        ({"channel": "carrier-pigeon"}, "channel"),
    ],
)
def test_update_refuses_bad_changes_and_saves_nothing(referral, personas, changes, field):
    record = referral()
    before = snapshot(record)

    with pytest.raises(ValidationError) as excinfo:
        services.referral_update(referral=record, changed_by=personas["kcc.caseworker"], expected_version=1, **changes)

    assert field in errors_of(excinfo)
    assert snapshot(record) == before


def test_a_user_who_can_see_but_not_change_cannot_edit(referral_at, personas):
    """KCC see a police referral about a Kent child in full, as its children's services, but cannot change it."""
    record = referral_at("received", by="kent-police.caseworker")
    before = snapshot(record)

    with pytest.raises(StepNotAllowed) as excinfo:
        services.referral_update(
            referral=record, changed_by=personas["kcc.caseworker"], expected_version=1, referrer_name="X"
        )

    assert excinfo.value.reason == "role"
    assert snapshot(record) == before


# --- workflow ------------------------------------------------------------------------


def test_the_workflow_stamps_each_step_once(referral, personas, responses):
    caseworker, supervisor = personas["kcc.caseworker"], personas["kcc.supervisor"]
    record = referral()

    start = timezone.now()
    record = services.referral_triage(
        referral=record, triaged_by=caseworker, note="Called the school", expected_version=1
    )
    triaged = stored(record)
    assert triaged.status == "triaged"
    assert start <= triaged.first_action_at == triaged.triaged_at <= timezone.now()
    assert triaged.version == 2

    record = services.referral_accept(referral=record, accepted_by=supervisor, expected_version=2)
    accepted = stored(record)
    assert (accepted.status, accepted.version) == ("accepted", 3)
    assert accepted.accepted_at >= triaged.triaged_at
    assert accepted.first_action_at == triaged.first_action_at

    assessment = services.assessment_submit(
        referral=record, assessed_by=caseworker, instrument=seraf(),
        responses=responses(seraf(), {"older-partner": ("yes", "both"), "cars": ("yes", "current")}),
        professional_level="medium",
    )  # fmt: skip
    services.assessment_approve(assessment=assessment, approved_by=supervisor)
    assessed = stored(record)
    assert (assessed.status, assessed.version, assessed.risk_level) == ("risk_assessed", 4, "medium")
    assert assessed.risk_assessed_at >= accepted.accepted_at

    services.referral_assign(
        referral=assessed, assigned_by=supervisor, lead_professional=caseworker, expected_version=4
    )
    services.referral_open(referral=assessed, opened_by=caseworker, expected_version=5)
    opened = stored(record)
    assert (opened.status, opened.version, opened.lead_professional) == ("open", 6, caseworker)
    assert opened.opened_at >= assessed.risk_assessed_at

    services.referral_close(
        referral=opened, closed_by=supervisor, reason="risk_reduced", note="Engaged", expected_version=6
    )
    closed = stored(record)
    assert (closed.status, closed.closure_reason, closed.version) == ("closed", "risk_reduced", 7)
    assert closed.closed_at >= opened.opened_at
    assert closed.first_action_at == triaged.first_action_at
    assert closed.triaged_at == triaged.triaged_at
    assert [
        (change.from_status, change.to_status) for change in closed.status_changes.order_by("changed_at", "pk")
    ] == [
        ("", "received"),
        ("received", "triaged"),
        ("triaged", "accepted"),
        ("accepted", "risk_assessed"),
        ("risk_assessed", "open"),
        ("open", "closed"),
    ]


@pytest.mark.parametrize("outcome", ["no_further_action", "signposted", "front_door"])
def test_a_caseworker_records_a_triage_decision(referral_at, personas, outcome):
    record = referral_at("triaged")

    services.referral_decide(referral=record, decided_by=personas["kcc.caseworker"], outcome=outcome, note="Low level")

    decided = stored(record)
    assert decided.status == outcome
    assert decided.accepted_at is None
    assert decided.status_changes.first().note == "Low level"


def test_a_triage_decision_must_be_one_of_the_outcomes(referral_at, personas):
    record = referral_at("triaged")
    before = snapshot(record)

    with pytest.raises(ValidationError) as excinfo:
        services.referral_decide(referral=record, decided_by=personas["kcc.caseworker"], outcome="accepted")

    assert "outcome" in errors_of(excinfo)
    assert snapshot(record) == before


def test_triage_needs_a_note(referral, personas):
    record = referral()
    before = snapshot(record)

    with pytest.raises(ValidationError) as excinfo:
        services.referral_triage(referral=record, triaged_by=personas["kcc.caseworker"], note="  ")

    assert "note" in errors_of(excinfo)
    assert snapshot(record) == before


def test_the_cse_team_can_work_another_agencys_referral(referral_at, personas):
    record = referral_at("triaged", by="kcc.caseworker")

    services.referral_accept(referral=record, accepted_by=personas["kent-police.supervisor"])

    assert stored(record).status == "accepted"


def step_call(step: str, record, user):
    """Call a workflow service for `step` with valid arguments."""
    if step == "triage":
        return services.referral_triage(referral=record, triaged_by=user, note="Seen")
    if step == "decide":
        return services.referral_decide(referral=record, decided_by=user, outcome="signposted")
    if step == "accept":
        return services.referral_accept(referral=record, accepted_by=user)
    if step == "assign":
        return services.referral_assign(referral=record, assigned_by=user, lead_professional=user)
    if step == "open":
        return services.referral_open(referral=record, opened_by=user)
    if step == "close":
        return services.referral_close(referral=record, closed_by=user, reason="no_cse_concern")
    raise AssertionError(step)


@pytest.mark.parametrize(
    ("step", "status", "user", "to_status"),
    [
        ("triage", "received", "kcc.caseworker", "triaged"),
        ("triage", "received", "kcc.supervisor", "triaged"),
        ("triage", "received", "kent-police.caseworker", "triaged"),
        ("decide", "triaged", "kcc.supervisor", "signposted"),
        ("decide", "triaged", "kent-police.caseworker", "signposted"),
        ("accept", "triaged", "kcc.supervisor", "accepted"),
        ("assign", "accepted", "kcc.supervisor", "accepted"),
        ("assign", "open", "kent-police.supervisor", "open"),
        ("open", "risk_assessed", "kcc.caseworker", "open"),
        ("open", "risk_assessed", "kcc.supervisor", "open"),
        ("close", "open", "kcc.supervisor", "closed"),
        ("close", "signposted", "kent-police.supervisor", "closed"),
    ],
)
def test_a_step_is_allowed_for_its_roles_in_the_owning_agency_and_the_cse_team(
    referral_at, personas, step, status, user, to_status
):
    record = referral_at(status, by="kcc.caseworker")
    if step == "open":
        services.referral_assign(
            referral=record, assigned_by=personas["kcc.supervisor"], lead_professional=personas["kcc.caseworker"]
        )
    version = stored(record).version

    step_call(step, record, personas[user])

    after = stored(record)
    assert (after.status, after.version) == (to_status, version + 1)
    if step == "assign":
        assert after.lead_professional == personas[user]


@pytest.mark.parametrize(
    ("step", "status", "user"),
    [
        ("accept", "triaged", "kcc.caseworker"),
        ("close", "accepted", "kcc.caseworker"),
        ("assign", "received", "kcc.caseworker"),
        ("triage", "received", "kent-police.analyst"),
        ("accept", "triaged", "kent-police.caseworker"),
        ("open", "risk_assessed", "kent-police.manager"),
    ],
)
def test_a_step_is_refused_for_the_wrong_role(referral_at, personas, step, status, user):
    record = referral_at(status, by="kcc.caseworker")
    before = snapshot(record)

    with pytest.raises(StepNotAllowed) as excinfo:
        step_call(step, record, personas[user])

    assert excinfo.value.reason == "role"
    assert snapshot(record) == before


@pytest.mark.parametrize(
    ("step", "status", "user"),
    [
        ("triage", "triaged", "kcc.caseworker"),
        ("decide", "received", "kcc.caseworker"),
        ("decide", "accepted", "kcc.caseworker"),
        ("accept", "received", "kcc.supervisor"),
        ("accept", "signposted", "kcc.supervisor"),
        ("open", "accepted", "kcc.caseworker"),
        ("close", "received", "kcc.supervisor"),
        ("close", "triaged", "kcc.supervisor"),
        ("close", "closed", "kcc.supervisor"),
        ("assign", "closed", "kcc.supervisor"),
        ("assign", "signposted", "kcc.supervisor"),
    ],
)
def test_a_step_is_refused_from_the_wrong_status(referral_at, personas, step, status, user):
    record = referral_at(status)
    before = snapshot(record)

    with pytest.raises(StepNotAllowed) as excinfo:
        step_call(step, record, personas[user])

    assert excinfo.value.reason == "status"
    assert snapshot(record) == before


@pytest.mark.parametrize(
    "status", ["no_further_action", "signposted", "front_door", "accepted", "risk_assessed", "open"]
)
def test_a_supervisor_closes_from_each_later_status(referral_at, personas, status):
    record = referral_at(status)

    services.referral_close(referral=record, closed_by=personas["kcc.supervisor"], reason="duplicate")

    assert (stored(record).status, stored(record).closure_reason) == ("closed", "duplicate")


def test_closing_needs_a_reason(referral_at, personas):
    record = referral_at("accepted")
    before = snapshot(record)

    with pytest.raises(ValidationError) as excinfo:
        services.referral_close(referral=record, closed_by=personas["kcc.supervisor"], reason="")

    assert "reason" in errors_of(excinfo)
    assert snapshot(record) == before


def test_a_case_is_not_opened_without_a_lead_professional(referral_at, personas):
    record = referral_at("risk_assessed")
    before = snapshot(record)

    with pytest.raises(StepNotAllowed) as excinfo:
        services.referral_open(referral=record, opened_by=personas["kcc.caseworker"])

    assert excinfo.value.reason == "status"
    assert "lead professional" in excinfo.value.message
    assert snapshot(record) == before


def test_the_lead_professional_must_see_the_referral_in_full(referral_at, personas):
    record = referral_at("accepted")
    before = snapshot(record)

    for outsider in ("medway.caseworker", "health.practitioner"):
        with pytest.raises(ValidationError) as excinfo:
            services.referral_assign(
                referral=record, assigned_by=personas["kcc.supervisor"], lead_professional=personas[outsider]
            )
        assert "lead_professional" in errors_of(excinfo)
    assert snapshot(record) == before

    services.referral_assign(
        referral=record, assigned_by=personas["kcc.supervisor"], lead_professional=personas["kent-police.caseworker"]
    )
    assert stored(record).lead_professional == personas["kent-police.caseworker"]


def test_assigning_leaves_the_first_action_time_once_set(referral_at, personas):
    record = referral_at("triaged")
    first_action_at = stored(record).first_action_at

    services.referral_assign(
        referral=record, assigned_by=personas["kcc.supervisor"], lead_professional=personas["kcc.caseworker"]
    )

    assert stored(record).first_action_at == first_action_at


def test_assigning_a_lead_professional_on_receipt_is_not_the_first_action(referral, personas):
    """first_action_at is when the referral leaves "received" (DOMAIN.md): the
    timeliness figure counts a referral still awaiting triage as not yet actioned."""
    record = referral()

    services.referral_assign(
        referral=record, assigned_by=personas["kcc.supervisor"], lead_professional=personas["kcc.caseworker"]
    )
    assert stored(record).first_action_at is None
    assert Referral.objects.filter(status="received", first_action_at__isnull=False).count() == 0

    services.referral_triage(referral=record, triaged_by=personas["kcc.caseworker"], note="Seen")
    triaged = stored(record)
    assert triaged.first_action_at == triaged.triaged_at


def test_allowed_steps_offer_what_the_services_allow(referral_at, personas):
    record = referral_at("triaged")

    def names(username, level="change"):
        return {step.name for step in services.allowed_steps(personas[username], stored(record), level)}

    assert names("kcc.caseworker") == {"decide"}
    assert names("kcc.supervisor") == {"decide", "accept", "assign"}
    assert names("kcc.supervisor", level="full") == set()


# --- risk assessments ----------------------------------------------------------------


def test_submitting_records_the_score_and_answers(referral_at, personas, responses):
    record = referral_at("accepted")
    instrument = seraf()
    answers = responses(instrument, {"older-partner": ("yes", "both"), "cars": ("suspected", "current"),
                                     "looked-after": ("yes", "past"), "isolation": "no"})  # fmt: skip
    older_partner = next(pk for pk, response in answers.items() if response.timeframe == "both")

    assessment = services.assessment_submit(
        referral=record, assessed_by=personas["kcc.caseworker"], instrument=instrument, responses=answers,
        evidence={older_partner: "  Seen with a 24-year-old  "}, professional_level="medium",
    )  # fmt: skip

    assessment.refresh_from_db()
    assert (assessment.score, assessment.band_label, assessment.computed_level) == (12, "Moderate risk", "medium")
    assert (assessment.status, assessment.overridden) == ("submitted", False)
    assert assessment.answers.count() == 4
    assert assessment.answers.get(indicator_id=older_partner).evidence == "Seen with a 24-year-old"
    assert assessment.answers.get(answer="no").timeframe == ""
    assert stored(record).status == "accepted"  # until a supervisor approves


def test_a_different_professional_judgement_needs_a_rationale(referral_at, personas, responses):
    record = referral_at("accepted")
    before = snapshot(record)

    with pytest.raises(ValidationError) as excinfo:
        services.assessment_submit(
            referral=record, assessed_by=personas["kcc.caseworker"], instrument=seraf(), responses={},
            professional_level="high", rationale="  ",
        )  # fmt: skip

    assert "(low)" in errors_of(excinfo)["rationale"][0]
    assert snapshot(record) == before

    assessment = services.assessment_submit(
        referral=record, assessed_by=personas["kcc.caseworker"], instrument=seraf(), responses={},
        professional_level="high", rationale="Disclosed abuse at a party last night",
    )  # fmt: skip
    assert (assessment.computed_level, assessment.professional_level, assessment.overridden) == ("low", "high", True)


def test_the_under_13_rule_sets_the_computed_level_a_judgement_is_measured_against(referral_at, personas):
    record = referral_at("accepted", new_child={"date_of_birth": date_of_birth_for_age(11)})

    with pytest.raises(ValidationError) as excinfo:
        services.assessment_submit(
            referral=record, assessed_by=personas["kcc.caseworker"], instrument=seraf(), responses={},
            professional_level="low",
        )  # fmt: skip
    assert "(medium)" in errors_of(excinfo)["rationale"][0]

    assessment = services.assessment_submit(
        referral=record, assessed_by=personas["kcc.caseworker"], instrument=seraf(), responses={},
        professional_level="medium",
    )  # fmt: skip
    assert assessment.override_rules_applied == ["A child under 13 is never rated low"]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"older-partner": ("maybe", "current")}, "indicator_"),
        ({"older-partner": ("yes", "")}, "timeframe_"),
        ({"older-partner": ("suspected", "last year")}, "timeframe_"),
    ],
)
def test_submitting_refuses_bad_answers(referral_at, personas, responses, answers, field):
    record = referral_at("accepted")
    before = snapshot(record)

    with pytest.raises(ValidationError) as excinfo:
        services.assessment_submit(
            referral=record, assessed_by=personas["kcc.caseworker"], instrument=seraf(),
            responses=responses(seraf(), answers), professional_level="high",
        )  # fmt: skip

    assert any(name.startswith(field) for name in errors_of(excinfo))
    assert snapshot(record) == before


def test_an_indicator_of_another_instrument_is_refused(referral_at, personas, responses):
    record = referral_at("accepted")
    toolkit_answers = responses(Instrument.objects.get(code="kent-medway-toolkit"), {"missing": ("yes", "current")})

    with pytest.raises(ValidationError) as excinfo:
        services.assessment_submit(
            referral=record, assessed_by=personas["kcc.caseworker"], instrument=seraf(), responses=toolkit_answers,
            professional_level="low",
        )  # fmt: skip

    assert list(errors_of(excinfo)) == [f"indicator_{next(iter(toolkit_answers))}"]


def test_an_inactive_instrument_version_is_refused(referral_at, personas):
    record = referral_at("accepted")
    Instrument.objects.filter(code="seraf").update(active=False)

    with pytest.raises(ValidationError) as excinfo:
        services.assessment_submit(
            referral=record, assessed_by=personas["kcc.caseworker"], instrument=seraf(), responses={},
            professional_level="low",
        )  # fmt: skip

    assert "instrument" in errors_of(excinfo)


@pytest.mark.parametrize("status", ["received", "triaged", "signposted", "closed"])
def test_risk_is_assessed_only_once_accepted(referral_at, personas, status):
    record = referral_at(status)
    before = snapshot(record)

    with pytest.raises(StepNotAllowed) as excinfo:
        services.assessment_submit(
            referral=record, assessed_by=personas["kcc.caseworker"], instrument=seraf(), responses={},
            professional_level="low",
        )  # fmt: skip

    assert excinfo.value.reason == "status"
    assert snapshot(record) == before


def test_only_caseworkers_and_supervisors_assess(referral_at, personas):
    record = referral_at("accepted")

    with pytest.raises(StepNotAllowed) as excinfo:
        services.assessment_submit(
            referral=record, assessed_by=personas["kent-police.analyst"], instrument=seraf(), responses={},
            professional_level="low",
        )  # fmt: skip

    assert excinfo.value.reason == "role"


def submitted(record, personas, by="kcc.caseworker", level="low"):
    return services.assessment_submit(
        referral=record, assessed_by=personas[by], instrument=seraf(), responses={}, professional_level=level,
        rationale="" if level == "low" else "Professional judgement",
    )  # fmt: skip


def test_approval_sets_the_referrals_risk_and_review_date(referral_at, personas):
    record = referral_at("accepted")
    assessment = submitted(record, personas, level="high")
    version = stored(record).version

    services.assessment_approve(assessment=assessment, approved_by=personas["kcc.supervisor"])

    assessment.refresh_from_db()
    referral = stored(record)
    review_due = timezone.localdate() + relativedelta(months=3)
    assert (assessment.status, assessment.decided_by, assessment.review_due) == (
        "approved",
        personas["kcc.supervisor"],
        review_due,
    )
    assert (referral.status, referral.risk_level, referral.review_due) == ("risk_assessed", "high", review_due)
    assert referral.version == version + 1
    assert referral.risk_assessed_at is not None


def test_approving_a_review_of_an_open_case_updates_the_risk_and_keeps_the_status(referral_at, personas):
    record = referral_at("open")
    before = stored(record)
    assessment = submitted(record, personas, level="high")

    services.assessment_approve(assessment=assessment, approved_by=personas["kcc.supervisor"])

    after = stored(record)
    assert (after.status, after.risk_level, after.version) == ("open", "high", before.version + 1)
    assert after.risk_assessed_at == before.risk_assessed_at


def test_an_assessor_cannot_approve_their_own_assessment(referral_at, personas):
    record = referral_at("accepted")
    assessment = submitted(record, personas, by="kcc.supervisor")
    before = snapshot(record)

    with pytest.raises(StepNotAllowed) as excinfo:
        services.assessment_approve(assessment=assessment, approved_by=personas["kcc.supervisor"])

    assert excinfo.value.reason == "role"
    assert snapshot(record) == before
    assert RiskAssessment.objects.get(pk=assessment.pk).status == "submitted"

    services.assessment_approve(assessment=assessment, approved_by=personas["kent-police.supervisor"])
    assert RiskAssessment.objects.get(pk=assessment.pk).status == "approved"


def test_a_caseworker_cannot_approve(referral_at, personas):
    record = referral_at("accepted")
    assessment = submitted(record, personas, by="kcc.supervisor")

    with pytest.raises(StepNotAllowed) as excinfo:
        services.assessment_approve(assessment=assessment, approved_by=personas["kcc.caseworker"])

    assert excinfo.value.reason == "role"


def test_a_decided_assessment_cannot_be_decided_again(referral_at, personas):
    record = referral_at("accepted")
    assessment = submitted(record, personas)
    services.assessment_return(assessment=assessment, returned_by=personas["kcc.supervisor"], reason=" Add evidence ")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.return_reason) == ("returned", "Add evidence")
    before = snapshot(record)

    with pytest.raises(StepNotAllowed) as excinfo:
        services.assessment_approve(assessment=assessment, approved_by=personas["kcc.supervisor"])

    assert excinfo.value.reason == "status"
    assert snapshot(record) == before
    assert stored(record).risk_level == ""


def test_returning_needs_a_reason(referral_at, personas):
    assessment = submitted(referral_at("accepted"), personas)

    with pytest.raises(ValidationError) as excinfo:
        services.assessment_return(assessment=assessment, returned_by=personas["kcc.supervisor"], reason="")

    assert "reason" in errors_of(excinfo)
    assert RiskAssessment.objects.get(pk=assessment.pk).status == "submitted"


# --- chronology, actions, missing episodes ------------------------------------------------


def share(record, personas, level, recipient="health"):
    return share_record(
        shared_by=personas["kcc.caseworker"],
        record=record,
        level=level,
        purpose="Safeguarding: sexual health clinic contact",
        lawful_basis=LawfulBasis.objects.get(code="gdpr-vital-interests"),
        recipient_agency=Agency.objects.get(code=recipient),
    )


def test_a_health_user_shown_the_summary_cannot_add_to_the_chronology(referral_at, personas):
    record = referral_at("accepted")
    share(record, personas, "summary")
    before = snapshot(record)

    with pytest.raises(StepNotAllowed) as excinfo:
        services.chronology_add(
            referral=record, recorded_by=personas["health.practitioner"], occurred_at=timezone.now(),
            kind="contact", summary="Attended clinic",
        )  # fmt: skip

    assert excinfo.value.reason == "role"
    assert snapshot(record) == before


def test_a_health_user_shown_it_in_full_adds_to_the_chronology_but_cannot_triage(referral_at, personas):
    record = referral_at("received")
    share(record, personas, "full")
    health = personas["health.practitioner"]

    entry = services.chronology_add(
        referral=record, recorded_by=health, occurred_at=timezone.now() - datetime.timedelta(hours=1),
        kind="contact", summary=" Attended clinic ",
    )  # fmt: skip
    assert (entry.summary, entry.agency.code) == ("Attended clinic", "health")

    with pytest.raises(StepNotAllowed) as excinfo:
        services.referral_triage(referral=record, triaged_by=health, note="Seen")
    assert excinfo.value.reason == "role"


def test_chronology_refuses_a_future_date_and_an_empty_summary(referral_at, personas):
    record = referral_at("accepted")

    with pytest.raises(ValidationError) as excinfo:
        services.chronology_add(
            referral=record, recorded_by=personas["kcc.caseworker"],
            occurred_at=timezone.now() + datetime.timedelta(hours=2), kind="note", summary=" ",
        )  # fmt: skip

    assert set(errors_of(excinfo)) == {"occurred_at", "summary"}
    assert ChronologyEntry.objects.count() == 0


def test_an_action_is_owned_by_someone_who_sees_the_referral_in_full(referral_at, personas):
    record = referral_at("accepted")

    with pytest.raises(ValidationError) as excinfo:
        services.action_create(
            referral=record, created_by=personas["kcc.caseworker"], description=" ",
            owner=personas["medway.caseworker"], due_date=timezone.localdate() - datetime.timedelta(days=1),
        )  # fmt: skip
    assert set(errors_of(excinfo)) == {"description", "owner", "due_date"}
    assert Action.objects.count() == 0

    action = services.action_create(
        referral=record, created_by=personas["kcc.caseworker"], description="Return interview",
        owner=personas["kent-police.caseworker"], due_date=timezone.localdate(),
    )  # fmt: skip
    assert (action.owner_agency.code, action.agency.code, action.status) == ("kent-police", "kcc", "open")


def test_an_action_is_completed_by_its_owner_or_the_case_team_once(referral_at, personas):
    record = referral_at("accepted")
    share(record, personas, "full")
    health = personas["health.practitioner"]
    for_health = services.action_create(
        referral=record, created_by=personas["kcc.caseworker"], description="Sexual health review", owner=health,
        due_date=timezone.localdate(),
    )  # fmt: skip
    for_kcc = services.action_create(
        referral=record, created_by=personas["kcc.caseworker"], description="Home visit",
        owner=personas["kcc.caseworker"], due_date=timezone.localdate(),
    )  # fmt: skip

    with pytest.raises(StepNotAllowed) as excinfo:
        services.action_complete(action=for_kcc, completed_by=health)
    assert excinfo.value.reason == "role"

    done = services.action_complete(action=for_health, completed_by=health)
    assert (done.status, done.completed_by) == ("done", health)
    services.action_complete(action=for_kcc, completed_by=personas["kcc.supervisor"])

    with pytest.raises(StepNotAllowed) as excinfo:
        services.action_complete(action=for_health, completed_by=health)
    assert excinfo.value.reason == "status"


def test_a_missing_episode_is_recorded_and_updated(referral_at, personas):
    record = referral_at("accepted")
    reported = timezone.now() - datetime.timedelta(days=3)

    episode = services.missing_episode_record(
        referral=record, recorded_by=personas["kcc.caseworker"], reported_missing_at=reported, missing_from="home"
    )
    episode = services.missing_episode_update(
        episode=episode, changed_by=personas["kent-police.caseworker"],
        found_at=reported + datetime.timedelta(hours=20), found_location="Hotel, Rochester",
        return_interview_done_at=reported + datetime.timedelta(hours=60), interview_findings="Named a driver",
    )  # fmt: skip

    episode.refresh_from_db()
    assert (episode.found_location, episode.return_interview_in_time) == ("Hotel, Rochester", True)


@pytest.mark.parametrize(
    ("hours", "field"),
    [
        ({"found_at": -1}, "found_at"),
        ({"return_interview_done_at": 5}, "return_interview_done_at"),
        ({"found_at": 10, "return_interview_done_at": 5}, "return_interview_done_at"),
        ({"found_at": 24 * 5}, "found_at"),
        ({"return_interview_offered_at": 24 * 5}, "return_interview_offered_at"),
    ],
    ids=["found-before-reported", "interview-before-found", "interview-before-found-time", "future-found",
         "future-offer"],
)  # fmt: skip
def test_a_missing_episode_refuses_impossible_times(referral_at, personas, hours, field):
    record = referral_at("accepted")
    reported = timezone.now() - datetime.timedelta(days=3)
    times = {name: reported + datetime.timedelta(hours=offset) for name, offset in hours.items()}

    with pytest.raises(ValidationError) as excinfo:
        services.missing_episode_record(
            referral=record, recorded_by=personas["kcc.caseworker"], reported_missing_at=reported,
            missing_from="care_placement", **times,
        )  # fmt: skip

    assert field in errors_of(excinfo)
    assert MissingEpisode.objects.count() == 0


# --- a referral the user cannot see -------------------------------------------------------


@pytest.fixture
def hidden_case(referral_at, personas):
    """A KCC case about a Maidstone child with an assessment, an action and a
    missing episode: Medway and Health (no share) cannot see any of it."""
    record = referral_at("accepted")
    assessment = submitted(record, personas)
    action = services.action_create(
        referral=record, created_by=personas["kcc.caseworker"], description="Visit",
        owner=personas["kcc.caseworker"], due_date=timezone.localdate(),
    )  # fmt: skip
    episode = services.missing_episode_record(
        referral=record, recorded_by=personas["kcc.caseworker"],
        reported_missing_at=timezone.now() - datetime.timedelta(days=1), missing_from="home",
    )  # fmt: skip
    return stored(record), assessment, action, episode


SERVICES_ON_A_CASE = {
    "update": lambda r, a, act, ep, u: services.referral_update(
        referral=r, changed_by=u, expected_version=r.version, referrer_name="X"
    ),
    "triage": lambda r, a, act, ep, u: services.referral_triage(referral=r, triaged_by=u, note="X"),
    "decide": lambda r, a, act, ep, u: services.referral_decide(referral=r, decided_by=u, outcome="signposted"),
    "accept": lambda r, a, act, ep, u: services.referral_accept(referral=r, accepted_by=u),
    "assign": lambda r, a, act, ep, u: services.referral_assign(referral=r, assigned_by=u, lead_professional=u),
    "open": lambda r, a, act, ep, u: services.referral_open(referral=r, opened_by=u),
    "close": lambda r, a, act, ep, u: services.referral_close(referral=r, closed_by=u, reason="duplicate"),
    "assessment_submit": lambda r, a, act, ep, u: services.assessment_submit(
        referral=r, assessed_by=u, instrument=seraf(), responses={}, professional_level="low"
    ),
    "assessment_approve": lambda r, a, act, ep, u: services.assessment_approve(assessment=a, approved_by=u),
    "assessment_return": lambda r, a, act, ep, u: services.assessment_return(assessment=a, returned_by=u, reason="X"),
    "chronology_add": lambda r, a, act, ep, u: services.chronology_add(
        referral=r, recorded_by=u, occurred_at=timezone.now(), kind="note", summary="X"
    ),
    "action_create": lambda r, a, act, ep, u: services.action_create(
        referral=r, created_by=u, description="X", owner=u, due_date=timezone.localdate()
    ),
    "action_complete": lambda r, a, act, ep, u: services.action_complete(action=act, completed_by=u),
    "missing_episode_record": lambda r, a, act, ep, u: services.missing_episode_record(
        referral=r, recorded_by=u, reported_missing_at=timezone.now(), missing_from="home"
    ),
    "missing_episode_update": lambda r, a, act, ep, u: services.missing_episode_update(
        episode=ep, changed_by=u, found_location="X"
    ),
}


@pytest.mark.parametrize("user", ["medway.supervisor", "health.practitioner"])
@pytest.mark.parametrize("name", list(SERVICES_ON_A_CASE))
def test_every_service_is_404_to_a_user_who_cannot_see_the_referral(hidden_case, personas, name, user):
    before = snapshot(hidden_case[0])

    with pytest.raises(Http404):
        SERVICES_ON_A_CASE[name](*hidden_case, personas[user])

    assert snapshot(hidden_case[0]) == before


# --- found in review -------------------------------------------------------------------


def test_a_child_seen_only_in_summary_cannot_be_linked_and_flags_a_new_referral(personas, referral):
    """Linking would open the child's full record to the referrer."""
    theirs = referral(by="kcc.caseworker", new_child={"first_name": "Philippa", "last_name": "Quenby"})
    share_record(
        shared_by=personas["kcc.caseworker"],
        record=theirs,
        recipient_agency=Agency.objects.get(code="health"),
        level="summary",
        purpose="Nurse involved",
        lawful_basis=LawfulBasis.objects.get(code="gdpr-public-task-safeguarding"),
    )
    with pytest.raises(ValidationError) as refused:
        referral(by="health.practitioner", child=theirs.child)
    assert "child" in refused.value.message_dict
    flagged = referral(
        by="health.practitioner",
        new_child={"first_name": "Philippa", "last_name": "Quenby", "date_of_birth": theirs.child.date_of_birth},
    )
    assert flagged.needs_linking is True and flagged.child_id != theirs.child_id


def test_a_new_child_without_a_district_is_a_field_error_not_a_crash(personas, referral):
    with pytest.raises(ValidationError) as refused:
        referral(new_child={"district": None})
    assert "district" in refused.value.message_dict
    assert not Referral.objects.exists()


def test_an_assessment_of_a_closed_case_can_no_longer_be_approved(personas, referral_at, instrument, responses):
    record = referral_at("accepted")
    seraf = instrument("seraf")
    submitted = services.assessment_submit(
        referral=record,
        assessed_by=personas["kcc.caseworker"],
        instrument=seraf,
        responses=responses(seraf, {"cars": ("yes", "current")}),
        professional_level="low",
    )
    services.referral_close(referral=record, closed_by=personas["kcc.supervisor"], reason="moved_out_of_area")
    with pytest.raises(StepNotAllowed) as refused:
        services.assessment_approve(assessment=submitted, approved_by=personas["kcc.supervisor"])
    assert refused.value.reason == "status"
    record.refresh_from_db()
    assert record.risk_level == "" and record.status == "closed"


def test_approving_an_older_assessment_after_a_newer_one_keeps_the_newer_level(
    personas, referral_at, instrument, responses
):
    record = referral_at("accepted")
    seraf = instrument("seraf")

    def submit(level, answers):
        return services.assessment_submit(
            referral=record,
            assessed_by=personas["kcc.caseworker"],
            instrument=seraf,
            responses=responses(seraf, answers),
            professional_level=level,
        )

    older = submit("low", {"cars": ("yes", "past")})
    newer = submit("high", {"cars": ("yes", "both"), "older-partner": ("yes", "both"), "injuries": ("yes", "current")})
    services.assessment_approve(assessment=newer, approved_by=personas["kcc.supervisor"])
    services.assessment_approve(assessment=older, approved_by=personas["kcc.supervisor"])
    record.refresh_from_db()
    assert record.risk_level == "high"


def test_only_cse_team_caseworkers_and_supervisors_link_a_referral_to_a_known_child(personas, referral):
    known = referral(by="medway.caseworker", district="medway")
    flagged = referral(by="kent-police.caseworker")
    for username in ("kent-police.analyst", "kcc.supervisor"):
        with pytest.raises((StepNotAllowed, Http404)):
            services.referral_link_child(referral=flagged, child=known.child, linked_by=personas[username])
    linked = services.referral_link_child(
        referral=flagged, child=known.child, linked_by=personas["kent-police.supervisor"]
    )
    assert linked.child_id == known.child_id
    assert AccessEvent.objects.filter(action="change", details__linked_child__1=known.child_id).exists()
