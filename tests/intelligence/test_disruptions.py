"""The disruption tracker: CAWNs checked against the child's age and
looked-after status, their workflow and its refusals, expiry reminders
through the outbox, other disruptions, and the pages and API over them."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from intelligence import services
from intelligence.models.disruptions import Disruption, DisruptionKind, DisruptionStatus
from intelligence.services.disruptions import CAWN_STEPS, cawns_queue_expiry_reminders
from outbox.models import Message
from referrals.models import Child
from sharing.refusals import StepNotAllowed
from tests.intelligence.factories import IntelligenceReportFactory, LocationFactory, PersonFactory
from tests.referrals.conftest import date_of_birth_for_age

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def person(unit):
    report = IntelligenceReportFactory(sanitised_by=unit)
    person = PersonFactory(first_name="Dale", last_name="Fictional")
    report.persons.add(person)
    return person


@pytest.fixture
def aged_child(child):
    """aged_child(15, looked_after=True): a child of that age (a KCC referral)."""

    def make(age, *, looked_after=False):
        made = child("maidstone", date_of_birth=date_of_birth_for_age(age, 3))
        Child.objects.filter(pk=made.pk).update(looked_after=looked_after)
        made.refresh_from_db()
        return made

    return make


def draft(unit, child, person, section="s2", **overrides):
    arguments = {"recorded_by": unit, "kind": DisruptionKind.CAWN, "occurred_on": TODAY, "cawn_section": section,
                 "children": [child], "persons": [person], "details": "Seen collecting her from school"}  # fmt: skip
    return services.disruption_record(**{**arguments, **overrides})


def test_a_section_2_notice_is_for_a_child_under_16(unit, aged_child, person):
    notice = draft(unit, aged_child(15), person)
    assert (notice.status, notice.reference[:5]) == (DisruptionStatus.DRAFTED, "CAWN-")
    with pytest.raises(ValidationError) as refused:
        draft(unit, aged_child(16), person)
    assert "under 16" in refused.value.message_dict["cawn_section"][0]


def test_a_section_49_notice_is_for_a_looked_after_child_under_18(unit, aged_child, person):
    assert draft(unit, aged_child(17, looked_after=True), person, "s49").cawn_section == "s49"
    with pytest.raises(ValidationError) as refused:
        draft(unit, aged_child(16, looked_after=False), person, "s49")
    assert "not recorded as looked after" in refused.value.message_dict["cawn_section"][0]
    count = Disruption.objects.count()
    with pytest.raises(ValidationError):
        draft(unit, aged_child(15, looked_after=True), person, "")  # no section chosen
    assert Disruption.objects.count() == count, "nothing saved"


def test_a_notice_names_one_child_the_recorder_sees_and_a_person(unit, aged_child, person, personas):
    with pytest.raises(ValidationError) as refused:
        draft(unit, aged_child(14), person, persons=[])
    assert "persons" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        draft(unit, aged_child(14), person, children=[aged_child(13), aged_child(12)])
    assert "one child" in refused.value.message_dict["children"][0]
    # A person of concern the recorder cannot see is refused like an unknown one.
    hidden = PersonFactory()
    with pytest.raises(ValidationError) as refused:
        draft(unit, aged_child(14), person, persons=[hidden.pk])
    assert "persons" in refused.value.message_dict


def test_only_the_intelligence_unit_records_disruptions(personas, aged_child, person):
    with pytest.raises(StepNotAllowed):
        draft(personas["kcc.caseworker"], aged_child(14), person)


def walk(notice, personas, unit, **serve):
    notice = services.cawn_authorise(disruption=notice, authorised_by=personas["kent-police.supervisor"])
    notice = services.cawn_serve(disruption=notice, served_by=unit, served_on=serve.get("served_on", TODAY),
                                 expires_on=serve.get("expires_on", TODAY + datetime.timedelta(days=180)))  # fmt: skip
    return services.cawn_activate(disruption=notice, activated_by=unit)


def test_a_notice_goes_drafted_authorised_served_active_then_breached(unit, personas, aged_child, person):
    notice = draft(unit, aged_child(14), person)
    with pytest.raises(StepNotAllowed) as refused:
        services.cawn_authorise(disruption=notice, authorised_by=unit)
    assert refused.value.reason == "role", "an intelligence officer does not authorise"
    with pytest.raises(StepNotAllowed) as refused:
        services.cawn_serve(disruption=notice, served_by=unit, served_on=TODAY, expires_on=TODAY)
    assert refused.value.reason == "status", "not served before it is authorised"
    notice = walk(notice, personas, unit)
    assert notice.status == DisruptionStatus.ACTIVE
    assert notice.authorised_by == personas["kent-police.supervisor"]
    with pytest.raises(ValidationError) as refused:
        services.cawn_breach(disruption=notice, recorded_by=unit, breached_on=TODAY, breach_details=" ")
    assert "breach_details" in refused.value.message_dict
    notice = services.cawn_breach(
        disruption=notice, recorded_by=unit, breached_on=TODAY, breach_details="Seen with her"
    )
    assert notice.status == DisruptionStatus.BREACHED
    with pytest.raises(StepNotAllowed):
        services.cawn_withdraw(disruption=notice, withdrawn_by=unit, withdrawal_reason="Too late")


def test_a_notice_cannot_run_past_the_childs_age_limit(unit, personas, aged_child, person):
    child = aged_child(15)
    notice = draft(unit, child, person)
    notice = services.cawn_authorise(disruption=notice, authorised_by=personas["kent-police.supervisor"])
    sixteenth = child.date_of_birth.replace(year=child.date_of_birth.year + 16)
    with pytest.raises(ValidationError) as refused:
        services.cawn_serve(disruption=notice, served_by=unit, served_on=TODAY, expires_on=sixteenth)
    assert "turns 16" in refused.value.message_dict["expires_on"][0]
    with pytest.raises(ValidationError) as refused:
        services.cawn_serve(disruption=notice, served_by=unit, served_on=TODAY, expires_on=TODAY)
    assert "after the date served" in refused.value.message_dict["expires_on"][0]
    served = services.cawn_serve(disruption=notice, served_by=unit, served_on=TODAY,
                                 expires_on=sixteenth - datetime.timedelta(days=1))  # fmt: skip
    assert served.status == DisruptionStatus.SERVED


def test_a_draft_can_be_withdrawn_with_a_reason(unit, aged_child, person):
    notice = draft(unit, aged_child(14), person)
    with pytest.raises(ValidationError):
        services.cawn_withdraw(disruption=notice, withdrawn_by=unit, withdrawal_reason="")
    notice = services.cawn_withdraw(disruption=notice, withdrawn_by=unit, withdrawal_reason="Family moved away")
    assert (notice.status, notice.withdrawn_on) == (DisruptionStatus.WITHDRAWN, TODAY)


def test_expiry_reminders_go_once_to_the_officer_and_expired_notices_close(
    unit, personas, aged_child, person, settings, django_capture_on_commit_callbacks
):
    settings.INTELLIGENCE_CAWN_REMINDER_DAYS = 10
    soon = walk(draft(unit, aged_child(14), person), personas, unit, expires_on=TODAY + datetime.timedelta(days=5))
    later = walk(draft(unit, aged_child(14), person), personas, unit, expires_on=TODAY + datetime.timedelta(days=60))
    month_ago = TODAY - datetime.timedelta(days=30)
    lapsed = walk(draft(unit, aged_child(14), person, occurred_on=month_ago), personas, unit,
                  served_on=month_ago, expires_on=TODAY + datetime.timedelta(days=1))  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert cawns_queue_expiry_reminders(today=TODAY) == 2  # soon and lapsed
    assert {m.subject.split()[4] for m in mail.outbox} == {soon.reference, lapsed.reference}
    assert all(m.to == [unit.email] for m in mail.outbox)
    assert "Dale" not in mail.outbox[0].body and "Fictional" not in mail.outbox[0].body
    assert cawns_queue_expiry_reminders(today=TODAY) == 0, "once per notice"
    assert cawns_queue_expiry_reminders(today=TODAY + datetime.timedelta(days=2)) == 0
    lapsed.refresh_from_db()
    later.refresh_from_db()
    assert (lapsed.status, later.status) == (DisruptionStatus.EXPIRED, DisruptionStatus.ACTIVE)
    assert Message.objects.filter(handler="intelligence.cawn_expiry_reminder").count() == 2


def test_the_reminder_handler_sends_nothing_for_a_notice_no_longer_in_force(unit, personas, aged_child, person):
    from intelligence.tasks import cawn_expiry_reminder

    notice = walk(draft(unit, aged_child(14), person), personas, unit)
    assert cawn_expiry_reminder(disruption_id=notice.pk) == 1
    services.cawn_withdraw(disruption=notice, withdrawn_by=unit, withdrawal_reason="Moved away")
    assert cawn_expiry_reminder(disruption_id=notice.pk) == 0
    assert cawn_expiry_reminder(disruption_id=10**9) == 0


def test_other_disruptions_link_persons_locations_and_children(unit, aged_child, person):
    location = LocationFactory()
    IntelligenceReportFactory(sanitised_by=unit).locations.add(location)
    child = aged_child(17)
    arrest = services.disruption_record(recorded_by=unit, kind=DisruptionKind.ARREST, occurred_on=TODAY,
                                        persons=[person], locations=[location], children=[child])  # fmt: skip
    assert (arrest.status, arrest.reference[:4], arrest.cawn_section) == ("recorded", "DIS-", "")
    assert list(arrest.persons.all()) == [person] and list(arrest.locations.all()) == [location]
    with pytest.raises(ValidationError) as refused:
        services.disruption_record(recorded_by=unit, kind=DisruptionKind.WARNING_LETTER, occurred_on=TODAY)
    assert "persons" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.disruption_record(recorded_by=unit, kind="raid", occurred_on=TODAY + datetime.timedelta(days=1),
                                   persons=[person])  # fmt: skip
    assert set(refused.value.message_dict) == {"kind", "occurred_on"}


# --- pages and API -------------------------------------------------------------------


def test_the_unit_drafts_and_authorises_a_notice_through_the_pages(client, unit, personas, aged_child, person):
    child = aged_child(14)
    client.force_login(unit)
    form = client.get(reverse("intelligence:disruption_new"))
    assert form.status_code == 200 and "Dale Fictional" in form.content.decode()
    missing_section = {"kind": "cawn", "occurred_on": TODAY.isoformat(), "children": [child.pk], "persons": [person.pk]}
    bad = client.post(reverse("intelligence:disruption_new"), missing_section)
    assert bad.status_code == 200 and "Choose the section" in bad.content.decode()
    response = client.post(reverse("intelligence:disruption_new"), {
        "kind": "cawn", "cawn_section": "s2", "occurred_on": TODAY.isoformat(), "children": [child.pk],
        "persons": [person.pk], "details": "Collected her from school twice"})  # fmt: skip
    notice = Disruption.objects.get()
    assert response.status_code == 302 and response.url == notice.get_absolute_url()
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "Collected her from school twice" in page and "Dale Fictional" in page
    assert reverse("intelligence:disruption_step", args=[notice.pk, "withdraw"]) in page
    assert reverse("intelligence:disruption_step", args=[notice.pk, "authorise"]) not in page
    client.force_login(personas["kent-police.supervisor"])
    assert client.post(reverse("intelligence:disruption_step", args=[notice.pk, "authorise"])).status_code == 302
    notice.refresh_from_db()
    assert notice.status == DisruptionStatus.AUTHORISED
    step = reverse("intelligence:disruption_step", args=[notice.pk, "serve"])
    answer = client.post(step, {"served_on": TODAY.isoformat(), "expires_on": ""})
    assert answer.status_code == 200 and "Enter the date the notice expires" in answer.content.decode()
    assert client.get(reverse("intelligence:disruption_step", args=[notice.pk, "nonsense"])).status_code == 404


def test_partners_and_trainers_cannot_record_disruptions(client, personas):
    for name in ("kcc.caseworker", "health.practitioner", "kent-police.trainer"):
        client.force_login(personas[name])
        assert client.get(reverse("intelligence:disruption_new")).status_code == 403


def test_the_list_filters_by_kind_and_status(client, unit, aged_child, person):
    notice = draft(unit, aged_child(14), person)
    visit = services.disruption_record(recorded_by=unit, kind="business_visit", occurred_on=TODAY, persons=[person])
    client.force_login(unit)
    url = reverse("intelligence:disruption_list")
    listed = client.get(url, {"kind": "cawn"}).content.decode()
    assert notice.reference in listed and visit.reference not in listed
    listed = client.get(url, {"status": "recorded"}).content.decode()
    assert notice.reference not in listed and visit.reference in listed


def test_the_api_records_a_notice_and_takes_its_steps(client, unit, personas, aged_child, person):
    child = aged_child(15)
    client.force_login(unit)
    answer = client.post("/api/intelligence/disruptions/", {"kind": "cawn", "cawn_section": "s49",
                         "occurred_on": TODAY.isoformat(), "children": [child.pk], "persons": [person.pk]},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 400 and "looked after" in answer.json()["cawn_section"][0]
    answer = client.post("/api/intelligence/disruptions/", {"kind": "cawn", "cawn_section": "s2",
                         "occurred_on": TODAY.isoformat(), "children": [child.pk], "persons": [person.pk]},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 201 and answer.json()["status"] == "drafted"
    pk = answer.json()["id"]
    steps = f"/api/intelligence/disruptions/{pk}/workflow"
    refused = client.post(f"{steps}/authorise/", {}, content_type="application/json")
    assert refused.status_code == 403
    client.force_login(personas["kent-police.supervisor"])
    done = client.post(f"/api/intelligence/disruptions/{pk}/workflow/authorise/", {}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "authorised"
    early = client.post(f"/api/intelligence/disruptions/{pk}/workflow/activate/", {}, content_type="application/json")
    assert early.status_code == 409
    expiry = (TODAY + datetime.timedelta(days=30)).isoformat()
    served = client.post(f"{steps}/serve/", {"served_on": TODAY.isoformat(), "expires_on": expiry},
                         content_type="application/json")  # fmt: skip
    assert served.status_code == 200 and served.json()["status"] == "served"
    client.force_login(personas["kcc.caseworker"])
    assert client.get(f"/api/intelligence/disruptions/{pk}/").status_code == 404


def test_every_step_has_a_form_and_an_api_argument_list():
    from intelligence.api.serializers import STEP_ARGUMENTS
    from intelligence.forms import CAWN_STEP_FORMS

    assert set(CAWN_STEPS) == set(CAWN_STEP_FORMS) == set(STEP_ARGUMENTS)
