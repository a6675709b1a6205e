"""Persons of concern and places on the agenda (mase.topics): the chair
picks from those they see; every agency on the panel reads the item as its
kind and number, and only those who see the person or place read the name,
on pages and in packs."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Agency
from mase import services
from mase.models import AgendaItem
from sharing import services as sharing_services
from sharing.models import LawfulBasis
from tests.intelligence.factories import IntelligenceReportFactory, LocationFactory, PersonFactory
from tests.mase.documents import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen_by_kcc(personas, protocol):
    """A person and a hotel in a report shared with KCC; another person in a report kept by the unit."""
    unit = personas["kent-police.intelligence-officer"]
    person, hotel, unseen = (
        PersonFactory(first_name="Vexley"),
        LocationFactory(name="Harbour View Hotel"),
        PersonFactory(),
    )
    shared = IntelligenceReportFactory(sanitised_by=unit)
    shared.persons.add(person)
    shared.locations.add(hotel)
    IntelligenceReportFactory(sanitised_by=unit).persons.add(unseen)
    sharing_services.share_record(
        shared_by=unit, record=shared, recipient_agency=Agency.objects.get(code="kcc"), level="full",
        purpose="MASE preparation", lawful_basis=LawfulBasis.objects.get(code="dpa3-sch8-para4"),
    )  # fmt: skip
    return person, hotel, unseen


def test_the_chair_lists_a_person_they_see_and_each_reader_sees_the_name_only_if_they_see_the_person(
    client,
    personas,
    chair,
    staffed_panel,
    make_meeting,
    seen_by_kcc,
    django_capture_on_commit_callbacks,
):
    person, hotel, unseen = seen_by_kcc
    meeting = make_meeting(staffed_panel)
    client.force_login(chair)
    url = reverse("mase:agenda_builder", args=[meeting.pk])
    builder = client.get(url).content.decode()
    assert f'value="person:{person.pk}"' in builder and f'value="location:{hotel.pk}"' in builder
    assert f'value="person:{unseen.pk}"' not in builder

    forged = client.post(url, {"subject": f"person:{unseen.pk}", "title": "", "why": ""})
    assert forged.status_code == 200 and "Select a valid choice" in forged.content.decode()
    assert not AgendaItem.objects.exists()
    with pytest.raises(ValidationError, match="Choose a person or place you can see"):
        services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", subject=f"person:{unseen.pk}")
    empty = client.post(url, {"subject": "", "title": "", "why": ""})
    assert "Choose a person or place, or name the theme" in empty.content.decode()

    assert (
        client.post(url, {"subject": f"person:{person.pk}", "title": "", "why": "Seen at the hotel"}).status_code == 302
    )
    item = AgendaItem.objects.get()
    assert item.title == f"Person of concern {person.pk}" and item.referral is None

    client.force_login(personas["kcc.supervisor"])
    page = client.get(reverse("mase:meeting_detail", args=[meeting.pk])).content.decode()
    assert item.title in page and "Vexley" in page
    client.force_login(personas["health.practitioner"])
    page = client.get(reverse("mase:meeting_detail", args=[meeting.pk])).content.decode()
    assert item.title in page and "Vexley" not in page
    assert "Vexley" not in client.get(reverse("mase:agendaitem_detail", args=[item.pk])).content.decode()

    basis = LawfulBasis.objects.get(code="gdpr-public-task-safeguarding")
    with django_capture_on_commit_callbacks(execute=True):
        packs = {p.agency.code: p for p in services.packs_issue(meeting=meeting, issued_by=chair, lawful_basis=basis)}
    kcc, health = pdf_text(packs["kcc"]), pdf_text(packs["health"])
    assert item.title in kcc and "Vexley" in kcc
    assert item.title in health and "Vexley" not in health and "Vexley" not in packs["health"].html
