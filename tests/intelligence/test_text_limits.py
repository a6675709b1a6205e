"""Text longer than its column is refused next to the field (issue #14): a
person of concern's 101-character first name, or a 201-character alias, was
a server error from the database, not a message."""

import pytest
from django.urls import reverse

from intelligence.models import PersonOfConcern
from tests.intelligence.factories import IntelligenceReportFactory

pytestmark = pytest.mark.django_db


def test_a_name_or_alias_longer_than_its_column_is_refused_next_to_the_field(client, personas, protocol, unit):
    report = IntelligenceReportFactory(sanitised_by=unit)
    client.force_login(unit)
    url = reverse("intelligence:entity_link", args=[report.pk, "person"])

    long_name = client.post(url, {"first_name": "D" * 101, "last_name": "Smyth", "status": "suspect"})
    assert long_name.status_code == 200
    assert "Ensure this value has at most 100 characters (it has 101)." in long_name.content.decode()

    long_alias = client.post(
        url, {"first_name": "Daren", "last_name": "Smyth", "aliases": f"Daz, {'x' * 201}", "status": "suspect"}
    )
    assert long_alias.status_code == 200
    assert "Each alias must be 200 characters or fewer" in long_alias.content.decode()
    assert not PersonOfConcern.objects.exists()

    fits = client.post(url, {"first_name": "D" * 100, "last_name": "Smyth", "aliases": "x" * 200, "status": "suspect"})
    assert fits.status_code == 302 and PersonOfConcern.objects.get().first_name == "D" * 100
