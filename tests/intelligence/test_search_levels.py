"""Entity search and matching never answer a question about a field above the
reader's level: a person's phone numbers and handles and a location's
postcode are not in their summaries, so a reader who sees the record only in
summary is not offered it for a search by them (they would learn whose phone
number it is). A search by name, a summary field, still finds it."""

import pytest
from django.urls import reverse

from accounts.models import Agency
from intelligence.services import core as services
from sharing import services as sharing_services
from sharing.levels import AccessLevel
from sharing.models import LawfulBasis
from tests.intelligence.factories import IntelligenceReportFactory, LocationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen_in_summary(personas, protocol, unit):
    """A person and a place on a report shared with KCC at summary level."""
    report = IntelligenceReportFactory(sanitised_by=unit)
    person = PersonFactory(
        first_name="Darren", last_name="Quillfeather", search_names="darren quillfeather",
        phone_numbers=["+447700900123"], online_handles=["daz_kent"],
    )  # fmt: skip
    place = LocationFactory(name="Quillfeather Lodge", postcode="ME141XX")
    report.persons.add(person)
    report.locations.add(place)
    sharing_services.share_record(
        shared_by=unit, record=report, level=AccessLevel.SUMMARY, purpose="Test",
        lawful_basis=LawfulBasis.objects.get(code="dpa3-sch8-para4"), recipient_agency=Agency.objects.get(code="kcc"),
    )  # fmt: skip
    return person, place


def test_a_summary_reader_is_not_offered_a_record_for_a_field_above_its_summary(personas, unit, seen_in_summary):
    person, place = seen_in_summary
    kcc = personas["kcc.caseworker"]
    by_name = services.person_matches(kcc, first_name="Darren", last_name="Quillfeather")
    assert [(found, found.access_level) for found in by_name] == [(person, AccessLevel.SUMMARY)]
    assert services.person_matches(kcc, phone_numbers=["07700 900123"]) == []
    assert services.person_matches(kcc, online_handles=["daz_kent"]) == []
    assert services.location_matches(kcc, postcode="ME14 1XX") == []
    assert [found.pk for found in services.location_matches(kcc, name="Quillfeather Lodge")] == [place.pk]
    # The unit sees them in full: found by every field.
    assert [found.pk for found in services.person_matches(unit, phone_numbers=["07700 900123"])] == [person.pk]
    assert [found.pk for found in services.location_matches(unit, postcode="ME14 1XX")] == [place.pk]


def test_the_entity_search_page_answers_a_phone_number_only_to_those_who_see_it(
    client, personas, unit, seen_in_summary
):
    url = reverse("intelligence:entity_list", args=["person"])
    client.force_login(personas["kcc.caseworker"])
    assert "Quillfeather" not in client.get(url, {"q": "07700900123"}).content.decode()
    assert "Quillfeather" in client.get(url, {"q": "Darren Quillfeather"}).content.decode()
    client.force_login(unit)
    assert "Quillfeather" in client.get(url, {"q": "07700900123"}).content.decode()
