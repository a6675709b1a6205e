"""The intelligence services: what each allows, what it refuses (next to the
field, nothing saved), and what the people involved then see."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.models import Agency
from intelligence import services
from intelligence.models import (
    Association,
    IntelligenceReport,
    PersonOfConcern,
    ReportOriginal,
    Submission,
    Vehicle,
)
from sharing import access
from sharing import services as sharing_services
from sharing.models import LawfulBasis, Share
from sharing.refusals import StepNotAllowed
from tests.intelligence.factories import IntelligenceReportFactory, PersonFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

GRADING = {
    "scheme": "3x5x2",
    "source_evaluation": "1",
    "intelligence_assessment": "B",
    "handling_code": "P",
    "source_type": "partner",
}


def make_report(unit, **overrides):
    arguments = {
        "created_by": unit,
        "title": "Girl seen with older man at a takeaway",
        "sanitised_text": "A girl was seen with an older man at a takeaway in Maidstone.",
        "original_text": "Nurse saw Jade (14) with 'Daz', a man of about 30, at Kebab Palace, 22:00 Friday.",
        **GRADING,
        **overrides,
    }
    return services.report_create(**arguments)


def share_with(report, unit, agency_code, **overrides):
    arguments = {
        "shared_by": unit,
        "record": report,
        "recipient_agency": Agency.objects.get(code=agency_code),
        "level": "full",
        "purpose": "Safeguarding the child",
        "lawful_basis": LawfulBasis.objects.get(code="dpa3-sch8-para4"),
        **overrides,
    }
    return sharing_services.share_record(**arguments)


# --- submissions -----------------------------------------------------------------------


def test_a_partner_submits_and_the_unit_is_told(
    personas, protocol, unit, mailoutbox, django_capture_on_commit_callbacks
):
    nurse = personas["health.practitioner"]
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submission_create(
            submitted_by=nurse, what_happened="  Saw a girl get into a taxi  ", how_known="saw", where="Station"
        )
    assert submission.reference.startswith("SUB-")
    assert submission.owning_agency.code == "health"
    assert submission.status == Submission.Status.RECEIVED
    assert submission.what_happened == "Saw a girl get into a taxi"
    # The unit is e-mailed the reference and a link, never the content.
    assert mail.outbox and all(submission.reference in message.subject for message in mail.outbox)
    assert all("taxi" not in message.body for message in mail.outbox)
    assert unit.email in {address for message in mail.outbox for address in message.to}


def test_a_submission_is_seen_by_its_submitter_and_the_unit_only(personas, protocol, unit):
    nurse = personas["health.practitioner"]
    submission = services.submission_create(submitted_by=nurse, what_happened="Saw it", how_known="saw")
    levels = {name: access.access_level(user, submission) for name, user in personas.items()}
    assert levels["health.practitioner"] == "full"
    assert levels["kent-police.intelligence-officer"] == "change"
    assert levels["kent-police.analyst"] == "change"
    for name in ("kcc.caseworker", "kcc.supervisor", "medway.caseworker", "early-help.practitioner", "mase.chair",
                 "dpo", "admin", "kent-police.trainer"):  # fmt: skip
        assert levels[name] is None, name


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"what_happened": " ", "how_known": "saw"}, "what_happened"),
        ({"what_happened": "x", "how_known": "telepathy"}, "how_known"),
        ({"what_happened": "x", "how_known": "saw", "occurred_on": datetime.date(2999, 1, 1)}, "occurred_on"),
    ],
)
def test_bad_submissions_are_refused_next_to_the_field(personas, protocol, fields, field):
    with pytest.raises(ValidationError) as refused:
        services.submission_create(submitted_by=personas["kcc.caseworker"], **fields)
    assert field in refused.value.message_dict
    assert not Submission.objects.exists()


def test_a_submission_links_only_children_the_submitter_sees(personas, protocol, child):
    kcc_child = child("maidstone")
    with pytest.raises(ValidationError) as refused:
        services.submission_create(
            submitted_by=personas["health.practitioner"], what_happened="x", how_known="saw", children=[kcc_child]
        )
    assert refused.value.message_dict == {"children": ["Choose children from referrals you can see"]}
    made = services.submission_create(
        submitted_by=personas["kcc.caseworker"], what_happened="x", how_known="saw", children=[kcc_child]
    )
    assert list(made.children.all()) == [kcc_child]


def test_the_outcome_is_the_units_and_the_submitter_sees_it(personas, protocol, unit):
    nurse = personas["health.practitioner"]
    submission = services.submission_create(submitted_by=nurse, what_happened="x", how_known="saw")
    with pytest.raises(Http404):
        services.submission_record_outcome(
            submission=submission, decided_by=personas["kcc.supervisor"], outcome="no_action"
        )
    with pytest.raises(ValidationError):
        services.submission_record_outcome(submission=submission, decided_by=unit, outcome="sanitised_log")
    services.submission_record_outcome(submission=submission, decided_by=unit, outcome="crime_desk")
    seen = Submission.objects.visible_to(nurse).get(pk=submission.pk)
    assert (seen.outcome, seen.status) == ("crime_desk", "closed")


# --- reports and grading ---------------------------------------------------------------


def test_grading_a_submission_makes_a_report_and_its_original_apart(personas, protocol, unit):
    nurse = personas["health.practitioner"]
    submission = services.submission_create(submitted_by=nurse, what_happened="x", how_known="saw")
    report = make_report(unit, submission=submission, handling_code="C", handling_conditions="Not to the family")
    original = ReportOriginal.objects.get(report=report)
    assert original.grading == "1-B-C"
    assert (original.graded_by, report.sanitised_by) == (unit, unit)
    assert report.reference.startswith("INT-") and report.owning_agency.code == "kent-police"
    submission.refresh_from_db()
    assert (submission.status, submission.outcome) == ("graded", "sanitised_log")
    with pytest.raises(StepNotAllowed):
        make_report(unit, submission=submission)


def test_a_legacy_grading_is_stored_and_written_in_its_own_scheme(protocol, unit):
    report = make_report(unit, scheme="5x5x5", source_evaluation="B", intelligence_assessment="2", handling_code="3")
    assert report.original.scheme == "5x5x5"
    assert report.original.grading == "B-2-3"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"scheme": "3x5x2", "source_evaluation": "B"}, "source_evaluation"),  # a legacy grade in the current scheme
        ({"scheme": "5x5x5", "source_evaluation": "B", "intelligence_assessment": "2", "handling_code": "P"},
         "handling_code"),
        ({"handling_code": "C", "handling_conditions": " "}, "handling_conditions"),
        ({"original_text": ""}, "original_text"),
        ({"sanitised_text": ""}, "sanitised_text"),
        ({"source_type": "informant Bob"}, "source_type"),
    ],
)  # fmt: skip
def test_bad_gradings_are_refused_and_nothing_is_saved(protocol, unit, overrides, field):
    with pytest.raises(ValidationError) as refused:
        make_report(unit, **overrides)
    assert field in refused.value.message_dict
    assert not IntelligenceReport.objects.exists() and not ReportOriginal.objects.exists()


def test_only_the_unit_makes_reports(personas, protocol):
    for name in ("kcc.supervisor", "health.practitioner", "kent-police.trainer"):
        with pytest.raises(StepNotAllowed):
            make_report(personas[name])


def test_resanitising_records_who_and_when(personas, protocol, unit):
    report = make_report(unit)
    analyst = personas["kent-police.analyst"]
    updated = services.report_resanitise(report=report, sanitised_by=analyst, sanitised_text="Shorter")
    assert (updated.sanitised_text, updated.sanitised_by) == ("Shorter", analyst)
    assert updated.sanitised_at > report.sanitised_at


# --- sharing reports -------------------------------------------------------------------


def test_a_report_reaches_a_partner_only_by_a_share_and_its_original_never(personas, protocol, unit):
    report = make_report(unit)
    health = personas["health.practitioner"]
    assert access.access_level(health, report) is None
    share_with(report, unit, "health")
    assert access.access_level(health, report) == "full"
    assert not ReportOriginal.objects.visible_to(health).exists()
    # The original has no share rule: it cannot be shared at all.
    with pytest.raises(ValidationError):
        share_with(report.original, unit, "health")


def test_handling_code_c_goes_only_with_conditions_on_the_share(personas, protocol, unit):
    report = make_report(unit, handling_code="C", handling_conditions="Not to be disclosed to the family")
    with pytest.raises(ValidationError) as refused:
        share_with(report, unit, "kcc")
    assert "conditions" in refused.value.message_dict
    assert not Share.objects.exists()
    share = share_with(report, unit, "kcc", conditions="Not to be disclosed to the family")
    assert share.conditions == "Not to be disclosed to the family"


@pytest.mark.parametrize("code", ["4", "5"])
def test_legacy_handling_codes_4_and_5_never_reach_partners(personas, protocol, unit, code):
    report = make_report(unit, scheme="5x5x5", source_evaluation="B", intelligence_assessment="2", handling_code=code)
    with pytest.raises(ValidationError) as refused:
        share_with(report, unit, "kcc")
    assert "legacy handling code" in str(refused.value)
    # Even a share made while it was shareable gives nothing once it is a 4.
    other = make_report(unit, scheme="5x5x5", source_evaluation="B", intelligence_assessment="2", handling_code="2")
    share_with(other, unit, "kcc")
    IntelligenceReport.objects.filter(pk=other.pk).update(handling_code=code)
    kcc = type(personas["kcc.caseworker"]).objects.get(pk=personas["kcc.caseworker"].pk)
    assert access.access_level(kcc, other) is None
    assert access.access_level(unit, other) == "change"


# --- entities and matching ---------------------------------------------------------------


def test_phone_numbers_and_registrations_are_normalised():
    assert services.normalise_phone("07700 900123") == "+447700900123"
    assert services.normalise_phone("+44 (0)7700-900123") == "+447700900123"
    with pytest.raises(ValueError, match="not a phone number"):
        services.normalise_phone("call me")
    assert services.normalise_registration(" ab12 cde ") == "AB12CDE"


def test_linking_offers_likely_matches_the_user_sees(personas, protocol, unit):
    report = make_report(unit)
    darren = services.person_link(
        report=report, linked_by=unit, first_name="Darren", last_name="Smythe", phone_numbers=["07700 900123"],
        date_of_birth=datetime.date(1990, 5, 1),
    )  # fmt: skip
    assert darren.phone_numbers == ["+447700900123"]
    # By phone written another way, by misspelt name and date of birth, by handle.
    assert list(services.person_matches(unit, phone_numbers=["+44 7700 900123"])) == [darren]
    assert list(
        services.person_matches(unit, first_name="Daren", last_name="Smyth", date_of_birth=datetime.date(1990, 5, 1))
    ) == [darren]
    assert list(services.person_matches(unit, first_name="Completely", last_name="Different")) == []
    vehicle = services.vehicle_link(report=report, linked_by=unit, registration="gx15 abc", make="Toyota")
    assert vehicle.registration == "GX15ABC"
    assert list(services.vehicle_matches(unit, registration="GX15  ABC")) == [vehicle]


def test_matching_never_offers_an_entity_the_user_may_not_see(personas, protocol, unit):
    hidden = IntelligenceReportFactory(sanitised_by=unit)
    person = PersonFactory(first_name="Darren", last_name="Smythe", phone_numbers=["+447700900123"])
    hidden.persons.add(person)
    kcc = personas["kcc.caseworker"]
    assert list(services.person_matches(kcc, phone_numbers=["07700900123"])) == []
    assert list(services.person_matches(kcc, first_name="Darren", last_name="Smythe", loose=True)) == []
    assert list(services.person_matches(unit, phone_numbers=["07700900123"])) == [person]


def test_linking_an_existing_entity_needs_one_the_user_sees(personas, protocol, unit):
    report = make_report(unit)
    other = make_report(unit)
    person = services.person_link(report=other, linked_by=unit, first_name="Lee", last_name="Known")
    again = services.person_link(report=report, linked_by=unit, existing=person.pk)
    assert again == person and PersonOfConcern.objects.count() == 1
    with pytest.raises(Http404):
        services.person_link(report=report, linked_by=unit, existing=PersonOfConcern.objects.order_by("-pk")[0].pk + 99)


def test_bad_entities_are_refused_next_to_the_field(protocol, unit):
    report = make_report(unit)
    with pytest.raises(ValidationError) as refused:
        services.person_link(report=report, linked_by=unit, first_name="Lee", phone_numbers=["not a number"])
    assert "phone_numbers" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.vehicle_link(report=report, linked_by=unit, registration="!")
    with pytest.raises(ValidationError):
        services.location_link(report=report, linked_by=unit, name="", kind="hotel")
    assert not PersonOfConcern.objects.exists() and not Vehicle.objects.exists()


def test_an_association_links_entities_of_its_report_or_children_seen(personas, protocol, unit, child):
    report = make_report(unit)
    person = services.person_link(report=report, linked_by=unit, first_name="Lee", last_name="Known")
    stranger = services.person_link(report=make_report(unit), linked_by=unit, first_name="Not", last_name="Here")
    jade = child("maidstone")
    link = services.association_create(
        report=report, created_by=unit, a=("person", person), b=("child", jade), type="older_boyfriend",
        first_seen=datetime.date(2026, 1, 1), last_seen=datetime.date(2026, 2, 1),
    )  # fmt: skip
    assert (link.a_person, link.b_child) == (person, jade)
    with pytest.raises(ValidationError) as refused:
        services.association_create(report=report, created_by=unit, a=("person", stranger), b=("child", jade),
                                    type="seen_with")  # fmt: skip
    assert "a" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.association_create(report=report, created_by=unit, a=("person", person), b=("person", person),
                                    type="seen_with")  # fmt: skip
    assert "b" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.association_create(
            report=report, created_by=unit, a=("person", person), b=("child", jade), type="seen_with",
            first_seen=datetime.date(2026, 2, 1), last_seen=datetime.date(2026, 1, 1),
        )  # fmt: skip
    assert "last_seen" in refused.value.message_dict
    assert Association.objects.count() == 1


def test_persons_newly_associated_with_a_child_for_mase(personas, protocol, unit, child):
    report = make_report(unit)
    jade = child("maidstone")
    old = services.person_link(report=report, linked_by=unit, first_name="Old", last_name="Link")
    new = services.person_link(report=report, linked_by=unit, first_name="New", last_name="Link")
    first = services.association_create(report=report, created_by=unit, a=("person", old), b=("child", jade),
                                        type="seen_with")  # fmt: skip
    Association.objects.filter(pk=first.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    services.association_create(report=report, created_by=unit, a=("child", jade), b=("person", new), type="seen_with")
    since = timezone.localdate() - datetime.timedelta(days=7)
    assert list(PersonOfConcern.objects.newly_associated_with_child(jade, since, unit)) == [new]
    # KCC sees the child but not the report: no person, no link.
    assert list(PersonOfConcern.objects.newly_associated_with_child(jade, since, personas["kcc.caseworker"])) == []
    share_with(report, unit, "kcc")
    kcc = type(personas["kcc.caseworker"]).objects.get(pk=personas["kcc.caseworker"].pk)
    assert list(PersonOfConcern.objects.newly_associated_with_child(jade, since, kcc)) == [new]


def test_an_association_is_seen_only_with_its_report_in_full_and_both_ends(personas, protocol, unit, child):
    report = make_report(unit)
    person = services.person_link(report=report, linked_by=unit, first_name="Lee", last_name="Known")
    jade = child("maidstone")  # a KCC referral: Health does not see the child
    link = services.association_create(report=report, created_by=unit, a=("person", person), b=("child", jade),
                                       type="seen_with")  # fmt: skip
    health = personas["health.practitioner"]
    share_with(report, unit, "health")
    assert PersonOfConcern.objects.visible_to(health).filter(pk=person.pk).exists()
    assert not Association.objects.visible_to(health).exists()  # the child is not Health's to see
    kcc = personas["kcc.caseworker"]
    assert not Association.objects.visible_to(kcc).exists()  # KCC sees the child, not the report
    share_with(report, unit, "kcc", level="summary")
    kcc = type(kcc).objects.get(pk=kcc.pk)
    assert not Association.objects.visible_to(kcc).exists()  # a summary of the report is not enough
    share_with(report, unit, "kcc")
    kcc = type(kcc).objects.get(pk=kcc.pk)
    assert list(Association.objects.visible_to(kcc)) == [link]


def test_a_submission_factory_row_is_owned_by_its_submitters_agency(personas, protocol):
    submission = SubmissionFactory(submitted_by=personas["medway.caseworker"])
    assert submission.owning_agency.code == "medway"
