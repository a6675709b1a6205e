"""The intelligence pages as people use them: a partner submits, the unit
triages, grades, sanitises and links, and the partner sees what came back."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from intelligence.models import Association, IntelligenceReport, PersonOfConcern, Submission
from sharing import services as sharing_services
from sharing.models import LawfulBasis
from tests.intelligence.factories import IntelligenceReportFactory, PersonFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def grade_form(**overrides):
    return {
        "title": "Girl seen with an older man at a takeaway",
        "district": "",
        "original_text": "Nurse saw Jade with 'Daz' at Kebab Palace",
        "sanitised_text": "A girl was seen with an older man at a takeaway",
        "scheme": "3x5x2",
        "source_evaluation": "2",
        "intelligence_assessment": "C",
        "handling_code": "C",
        "handling_conditions": "Not to be disclosed to the family",
        "source_type": "partner",
        "source_reference": "",
        **overrides,
    }


def test_a_partner_submits_sees_the_outcome_and_never_the_grading(client, personas, protocol, unit, child):
    nurse = personas["health.practitioner"]
    client.force_login(nurse)
    page = client.get(reverse("intelligence:submission_new"))
    assert page.status_code == 200
    refused = client.post(reverse("intelligence:submission_new"), {"what_happened": "", "how_known": ""})
    assert refused.status_code == 200 and "Describe what happened" in refused.content.decode()
    assert not Submission.objects.exists()
    response = client.post(
        reverse("intelligence:submission_new"),
        {"what_happened": "Girl got into a silver taxi", "how_known": "saw", "where": "Station"},
    )
    submission = Submission.objects.get(submitted_by=nurse)
    # A KCC caseworker links a child from a referral they can see.
    jade = child("maidstone")
    client.force_login(personas["kcc.caseworker"])
    assert f'value="{jade.pk}"' in client.get(reverse("intelligence:submission_new")).content.decode()
    linked = client.post(
        reverse("intelligence:submission_new"),
        {"what_happened": "Seen at the park", "how_known": "child", "children": [jade.pk]},
    )
    assert linked.status_code == 302
    assert list(Submission.objects.get(what_happened="Seen at the park").children.all()) == [jade]
    client.force_login(nurse)
    assert response.status_code == 302 and response["Location"] == submission.get_absolute_url()
    listed = client.get(reverse("intelligence:submission_list")).content.decode()
    assert submission.reference in listed

    # The unit's triage queue shows it with its age; partners may not open the queue.
    assert client.get(reverse("intelligence:triage")).status_code == 403
    client.force_login(unit)
    Submission.objects.filter(pk=submission.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=3))
    queue = client.get(reverse("intelligence:triage")).content.decode()
    assert submission.reference in queue and "3\xa0days" in queue
    refused = client.post(reverse("intelligence:submission_grade", args=[submission.pk]),
                          grade_form(handling_conditions=""))  # fmt: skip
    assert refused.status_code == 200 and "Handling code C needs the conditions" in refused.content.decode()
    response = client.post(reverse("intelligence:submission_grade", args=[submission.pk]), grade_form())
    report = IntelligenceReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    page = client.get(report.get_absolute_url()).content.decode()
    assert "2-C-C" in page and "Nurse saw Jade" in page and "A girl was seen" in page
    assert submission.reference not in client.get(reverse("intelligence:triage")).content.decode()

    # The nurse sees the outcome, and once shared back, the sanitised report with its conditions.
    client.force_login(nurse)
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "Sanitised intelligence log created" in page
    assert client.get(report.get_absolute_url()).status_code == 404
    sharing_services.share_record(
        shared_by=unit, record=report, recipient_agency=nurse.agency, level="full", purpose="Safeguarding",
        lawful_basis=LawfulBasis.objects.get(code="dpa3-sch8-para4"), conditions="Do not tell the family",
    )  # fmt: skip
    page = client.get(report.get_absolute_url()).content.decode()
    assert (
        "A girl was seen" in page and "Not to be disclosed to the family" in page and "Do not tell the family" in page
    )
    assert "Nurse saw Jade" not in page and "2-C-C" not in page
    assert submission.reference in client.get(submission.get_absolute_url()).content.decode()


def test_linking_offers_matches_then_links_the_chosen_one(client, personas, protocol, unit, child):
    report = IntelligenceReportFactory(sanitised_by=unit)
    known = PersonFactory(first_name="Darren", last_name="Smythe", search_names="darren smythe")
    IntelligenceReportFactory(sanitised_by=unit).persons.add(known)
    client.force_login(unit)
    url = reverse("intelligence:entity_link", args=[report.pk, "person"])
    offered = client.post(url, {"first_name": "Daren", "last_name": "Smyth", "status": "suspect"})
    assert offered.status_code == 200 and "Is it one of these?" in offered.content.decode()
    assert "Darren" in offered.content.decode()
    linked = client.post(url, {"first_name": "Daren", "last_name": "Smyth", "status": "suspect", "existing": known.pk})
    assert linked.status_code == 302
    assert list(report.persons.all()) == [known] and PersonOfConcern.objects.count() == 1
    client.post(url, {"first_name": "Daren", "last_name": "Smyth", "status": "suspect", "existing": "new"})
    assert PersonOfConcern.objects.count() == 2
    bad = client.post(reverse("intelligence:entity_link", args=[report.pk, "vehicle"]), {"registration": "!"})
    assert bad.status_code == 200 and "Enter the registration" in bad.content.decode()

    jade = child("maidstone")
    response = client.post(
        reverse("intelligence:association_new", args=[report.pk]),
        {"a": f"person:{known.pk}", "b": f"child:{jade.pk}", "type": "older_boyfriend", "first_seen": "2026-01-02"},
    )
    assert response.status_code == 302
    assert Association.objects.get().b_child == jade
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Older boyfriend" in page and jade.first_name in page
    entity = client.get(reverse("intelligence:entity_detail", args=["person", known.pk])).content.decode()
    assert "Older boyfriend" in entity
    found = client.get(reverse("intelligence:entity_list", args=["person"]), {"q": "Daren Smyth"}).content.decode()
    assert "Darren" in found


def test_unit_pages_are_not_for_partners(client, personas, protocol, unit):
    submission = SubmissionFactory(submitted_by=personas["health.practitioner"])
    report = IntelligenceReportFactory(sanitised_by=unit)
    client.force_login(personas["kcc.supervisor"])
    assert client.get(reverse("intelligence:report_new")).status_code == 403
    for url in (
        reverse("intelligence:submission_grade", args=[submission.pk]),
        reverse("intelligence:submission_outcome", args=[submission.pk]),
        reverse("intelligence:submission_detail", args=[submission.pk]),
        reverse("intelligence:report_detail", args=[report.pk]),
        reverse("intelligence:report_sanitise", args=[report.pk]),
        reverse("intelligence:entity_link", args=[report.pk, "person"]),
        reverse("intelligence:association_new", args=[report.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_report_list_searches_and_every_list_page_answers(client, personas, protocol, unit):
    report = IntelligenceReportFactory(sanitised_by=unit, title="Hotel in Swanley")
    client.force_login(unit)
    assert report.reference in client.get(reverse("intelligence:report_list"), {"q": "swanley"}).content.decode()
    assert report.reference not in client.get(reverse("intelligence:report_list"), {"q": "nowhere"}).content.decode()
    for kind in ("person", "location", "vehicle"):
        assert client.get(reverse("intelligence:entity_list", args=[kind])).status_code == 200
    assert client.get(reverse("intelligence:entity_list", args=["spaceship"])).status_code == 404


def test_oversight_pages_and_a_protocol_preview_work_for_intelligence_kinds(client, personas, protocol, unit):
    """The audience page and a draft's preview evaluate the rules for a stand-in
    of each agency (no roles): the unit's condition must cope, and a legacy
    code 4 report is never shown as reaching a partner."""
    from sharing.audience import preview_protocol
    from sharing.models import Protocol

    report = IntelligenceReportFactory(sanitised_by=unit, handling_code="4")
    submission = SubmissionFactory(submitted_by=personas["health.practitioner"])
    client.force_login(personas["dpo"])
    for label, pk in (("intelligence.intelligencereport", report.pk), ("intelligence.submission", submission.pk),
                      ("intelligence.reportoriginal", report.original.pk)):  # fmt: skip
        page = client.get(reverse("sharing:record_audience", args=[label, pk]))
        assert page.status_code == 200, label
    page = client.get(reverse("sharing:record_audience", args=["intelligence.intelligencereport", report.pk]))
    assert "legacy handling code" in page.content.decode()
    draft = Protocol.objects.create(version=99, title="Draft", purpose="Test")
    draft.participants.set(protocol.participants.all())
    rows, _ = preview_protocol(draft)
    assert any(row.record_kind == "intelligence report" for row in rows)
