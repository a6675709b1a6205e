"""The drawn link chart: the page loads Cytoscape.js over the same JSON and
keeps the table; a PNG export is recorded as a disclosure before the browser
makes the image, and only for a network the user may see."""

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from intelligence import services
from tests.intelligence.test_services import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(unit, child):
    jade = child(first_name="Jade", last_name="Charttest")
    report = make_report(unit)
    person = services.person_link(report=report, linked_by=unit, first_name="Daz", last_name="Fictional")
    association = services.association_create(report=report, created_by=unit, a=("person", person),
                                              b=("child", jade), type="older_boyfriend")  # fmt: skip
    return jade, person, association


def test_the_network_page_draws_the_chart_and_keeps_the_table(client, unit, network):
    jade, _, _ = network
    client.force_login(unit)
    page = client.get(reverse("intelligence:network", args=["child", jade.pk])).content.decode()
    assert 'data-link-chart="/intelligence/entities/child/' in page and "build/cytoscape.min.js" in page
    assert "build/cytoscape-fcose.js" in page and "intelligence/link-chart.js" in page
    assert 'data-testid="network-table"' in page and "Daz Fictional" in page
    assert reverse("intelligence:network_export", args=["child", jade.pk]) in page


def test_a_png_export_is_recorded_with_the_associations_it_shows(client, unit, network):
    jade, _, association = network
    client.force_login(unit)
    url = reverse("intelligence:network_export", args=["child", jade.pk])
    assert client.get(url).status_code == 405
    answer = client.post(f"{url}?hops=2", HTTP_ACCEPT="application/json")
    assert answer.status_code == 200 and answer.json()["filename"].startswith(f"link-chart-child-{jade.pk}-")
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT, user=unit)
    assert event.record_kind == "referrals.child" and event.record_ids == [str(jade.pk)]
    assert event.details == {"format": "png", "network_hops": 2, "associations": [f"association:{association.pk}"]}
    # Without JavaScript: recorded, and told that the image needs it.
    page = client.post(url, HTTP_ACCEPT="text/html", follow=True)
    assert "needs JavaScript" in page.content.decode()


def test_no_export_of_a_network_the_user_may_not_see(client, personas, network):
    jade, person, _ = network
    client.force_login(personas["medway.caseworker"])
    for kind, pk in (("child", jade.pk), ("person", person.pk), ("nothing", 1)):
        assert client.post(reverse("intelligence:network_export", args=[kind, pk])).status_code == 404
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT).exists()
