"""Persons of concern, places, vehicles and problem profiles' themes on the
agenda (mase.topics): the chair finds them with the intelligence app's own
entity search, among those they see; every agency on the panel reads the
item as its kind and number, and only those who see the person or place
read the name, on pages and in packs."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Agency
from mase import services
from mase.models import AgendaItem
from sharing import services as sharing_services
from sharing.models import LawfulBasis
from tests.intelligence.factories import IntelligenceReportFactory, LocationFactory, PersonFactory, VehicleFactory
from tests.mase.documents import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen_by_kcc(personas, protocol):
    """A person, a hotel and a car in a report shared with KCC; another person
    of the same name in a report kept by the unit."""
    unit = personas["kent-police.intelligence-officer"]
    person, hotel, unseen = (
        PersonFactory(first_name="Vexley"),
        LocationFactory(name="Harbour View Hotel"),
        PersonFactory(first_name="Vexley"),
    )
    shared = IntelligenceReportFactory(sanitised_by=unit)
    shared.persons.add(person)
    shared.locations.add(hotel)
    shared.vehicles.add(VehicleFactory(registration="GX19ABC"))
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
    assert "Vexley" not in builder and 'name="subject"' not in builder  # no list: a search
    found = client.get(url, {"find_kind": "person", "find": "Vexly"}).content.decode()  # misspelt
    assert f'value="person:{person.pk}"' in found and "Person of concern: Vexley" in found
    assert f'value="person:{unseen.pk}"' not in found  # the same name, not seen by the chair
    places = client.get(url, {"find_kind": "location", "find": "harbour view"}).content.decode()
    assert f'value="location:{hotel.pk}"' in places
    cars = client.get(url, {"find_kind": "vehicle", "find": "gx19 abc"}).content.decode()
    assert "Vehicle: GX19ABC" in cars
    assert (
        "No place you can see matches" in client.get(url, {"find_kind": "location", "find": "Nowhere"}).content.decode()
    )

    forged = client.post(url, {"subject": f"person:{unseen.pk}", "title": "", "why": ""})
    assert forged.status_code == 200 and "Choose a person, place or vehicle you can see" in forged.content.decode()
    assert not AgendaItem.objects.exists()
    with pytest.raises(ValidationError, match="Choose a person, place or vehicle you can see"):
        services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", subject=f"person:{unseen.pk}")
    empty = client.post(url, {"subject": "", "title": "", "why": ""})
    assert "Choose a search result, or name the theme" in empty.content.decode()

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


def test_the_chair_searches_the_themes_of_problem_profiles_they_read_in_full(
    client, personas, chair, staffed_panel, make_meeting
):
    import datetime

    from intelligence.models import ProblemProfile

    unit = personas["kent-police.intelligence-officer"]

    def profile(reference, themes):
        return ProblemProfile.objects.create(
            reference=reference, owning_agency=unit.agency, title="Maidstone CSE problem profile",
            period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 6, 30), status="approved",
            snapshot={"themes": [{"theme": theme, "count": 3} for theme in themes]}, author=unit,
        )  # fmt: skip

    shared, kept = profile("PP-2026-0001", ["Hotels", "Taxi ranks"]), profile("PP-2026-0002", ["Hotel bars"])
    sharing_services.share_record(
        shared_by=unit, record=shared, recipient_agency=Agency.objects.get(code="kcc"), level="full",
        purpose="MASE preparation", lawful_basis=LawfulBasis.objects.get(code="dpa3-sch8-para4"),
    )  # fmt: skip
    meeting = make_meeting(staffed_panel)
    client.force_login(chair)
    url = reverse("mase:agenda_builder", args=[meeting.pk])
    found = client.get(url, {"find_kind": "theme", "find": "hotel"}).content.decode()
    assert f'value="theme:{shared.pk}:0"' in found and "Hotels (problem profile PP-2026-0001" in found
    assert "Taxi ranks" not in found and "Hotel bars" not in found and f"theme:{kept.pk}" not in found

    forged = client.post(url, {"subject": f"theme:{kept.pk}:0", "title": "", "why": ""})
    assert "Choose a theme of a problem profile you can see" in forged.content.decode()
    assert client.post(url, {"subject": f"theme:{shared.pk}:0", "title": "", "why": ""}).status_code == 302
    item = AgendaItem.objects.get()
    assert item.title == "Hotels" and item.subject_kind == "" and item.why == "A theme from a problem profile"


def test_searching_themes_reads_the_profiles_areas_in_the_same_query(personas, protocol):
    """Each theme's label names its profile's area (the district): read with
    the profiles, not one query per profile (before: 1 + one per profile)."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import District
    from intelligence.models import ProblemProfile
    from mase import topics

    unit = personas["kent-police.intelligence-officer"]
    districts = list(District.objects.order_by("code")[:6])

    def profiles(numbers):
        for number in numbers:
            ProblemProfile.objects.create(
                reference=f"PP-2026-{ProblemProfile.objects.count() + 1:04d}", owning_agency=unit.agency,
                title="District profile", district=districts[number], period_start=datetime.date(2026, 1, 1),
                period_end=datetime.date(2026, 6, 30), status="approved", author=unit,
                snapshot={"themes": [{"theme": "Hotels", "count": 3}]},
            )  # fmt: skip

    def queries():
        with CaptureQueriesContext(connection) as captured:
            found = topics.profile_themes(unit, "hotel")
        return len(captured), found

    profiles([0])
    queries()  # the first reads the permission ids the visibility query keeps
    one, found = queries()
    assert len(found) == 1 and districts[0].name in found[0][1]
    profiles(range(1, 6))
    six, found = queries()
    assert len(found) == 6 and all(any(district.name in label for _, label in found) for district in districts)
    assert six == one


def test_adding_a_search_result_does_not_search_again_unless_the_form_is_shown_again(
    client, chair, staffed_panel, make_meeting, seen_by_kcc, monkeypatch
):
    """The add form carries the search (to show its results again with an
    error); a successful add needs no search, the service checks the value."""
    from mase import topics

    person, _hotel, unseen = seen_by_kcc
    searches = []
    search = topics.search
    monkeypatch.setattr(topics, "search", lambda *args: searches.append(args) or search(*args))
    meeting = make_meeting(staffed_panel)
    client.force_login(chair)
    url = reverse("mase:agenda_builder", args=[meeting.pk])
    carried = {"find_kind": "person", "find": "Vexley", "title": "", "why": ""}

    forged = client.post(url, {**carried, "subject": f"person:{unseen.pk}"})
    page = forged.content.decode()
    assert "Choose a person, place or vehicle you can see" in page and f'value="person:{person.pk}"' in page
    assert len(searches) == 1
    added = client.post(url, {**carried, "subject": f"person:{person.pk}"})
    assert added.status_code == 302 and AgendaItem.objects.get().subject_id == person.pk
    assert len(searches) == 1, "the add searched again"
