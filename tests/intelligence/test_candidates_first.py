"""The link chart and entity search take candidates first and ask who may see
them afterwards (benchmarks/RESULTS.md, "Intelligence: performance"): what
a user gets must not depend on how many candidates are read at a time, and
the trigram threshold set for a search must not outlive it."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from intelligence import network as network_module
from intelligence import services
from intelligence.network import network
from sharing import services as sharing_services
from tests.intelligence.factories import (
    AssociationFactory,
    IntelligenceReportFactory,
    PersonFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db


def share(report, agency, unit):
    """A full share of `report` with `agency`, as the sharing services record it."""
    from sharing.models import LawfulBasis

    sharing_services.share_record(
        record=report, shared_by=unit, recipient_agency=agency, level="full", purpose="Safeguarding",
        lawful_basis=LawfulBasis.objects.get(code="dpa3-sch8-para4"),
    )  # fmt: skip


def test_the_network_finds_the_visible_links_behind_newer_hidden_ones(personas, protocol, unit, monkeypatch):
    """Candidates are read two at a time here: the newest four links are on
    a report KCC does not see, the two oldest on one it does."""
    monkeypatch.setattr(network_module, "CANDIDATE_BATCH", 2)
    kcc = personas["kcc.caseworker"]
    seen, hidden = IntelligenceReportFactory(sanitised_by=unit), IntelligenceReportFactory(sanitised_by=unit)
    share(seen, kcc.agency, unit)
    start = PersonFactory(first_name="Hub")
    seen.persons.add(start)
    shown = []
    for _ in range(2):
        other = PersonFactory()
        seen.persons.add(other)
        shown.append(AssociationFactory(report=seen, created_by=unit, a_person=start, b_person=other))
    for _ in range(4):
        other = PersonFactory()
        hidden.persons.add(other)
        AssociationFactory(report=hidden, created_by=unit, a_person=start, b_person=other)
    chart = network(kcc, "person", start.pk, hops=2)
    assert {edge["data"]["id"] for edge in chart["edges"]} == {f"association:{a.pk}" for a in shown}
    assert len(chart["nodes"]) == 3
    assert len(network(unit, "person", start.pk, hops=1)["edges"]) == 6
    # At most MAX_EDGES, the newest.
    monkeypatch.setattr(network_module, "MAX_EDGES", 3)
    assert len(network(unit, "person", start.pk, hops=1)["edges"]) == 3


def test_search_shows_the_closest_names_first(client, personas, protocol, unit):
    """Word similarity to "daren smyth": Darren Smythe 0.71, Daren Smith 0.67
    (both close), Darren Smith 0.5 (found only by the looser threshold)."""
    report = IntelligenceReportFactory(sanitised_by=unit)
    loose = PersonFactory(first_name="Darren", last_name="Smith")
    close = PersonFactory(first_name="Daren", last_name="Smith")
    closest = PersonFactory(first_name="Darren", last_name="Smythe")
    report.persons.add(loose, close, closest)
    found = services.person_matches(unit, first_name="Daren", last_name="Smyth", loose=True)
    assert found == [closest, close, loose]
    assert services.person_matches(unit, first_name="Daren", last_name="Smyth") == [closest, close]
    client.force_login(unit)
    body = client.get(reverse("intelligence:entity_list", args=["person"]), {"q": "Daren Smyth"}).content.decode()
    assert body.index("Darren Smythe") < body.index("Daren Smith") < body.index("Darren Smith")


def test_the_loose_pass_asks_only_about_the_names_it_adds(personas, protocol, unit, monkeypatch):
    """The close pass found fewer than ten seen names, so the loose pass
    runs: it asks who sees the names the looser threshold adds, not the close
    pass's again (before, every close id was asked twice); the matches are
    the same, closest first."""
    from intelligence.services import core

    report = IntelligenceReportFactory(sanitised_by=unit)
    loose = PersonFactory(first_name="Darren", last_name="Smith")
    close = PersonFactory(first_name="Daren", last_name="Smith")
    closest = PersonFactory(first_name="Darren", last_name="Smythe")
    report.persons.add(loose, close, closest)
    asked = []
    first_seen = core._first_seen

    def asking(model, user, ranked, *args, **kwargs):
        asked.append(list(ranked))
        return first_seen(model, user, ranked, *args, **kwargs)

    monkeypatch.setattr(core, "_first_seen", asking)
    assert services.person_matches(unit, first_name="Daren", last_name="Smyth", loose=True) == [closest, close, loose]
    assert asked == [[closest.pk, close.pk], [loose.pk]]


def test_a_search_leaves_the_connections_trigram_threshold_as_it_was(personas, protocol, unit):
    def threshold():
        with connection.cursor() as cursor:
            cursor.execute("SHOW pg_trgm.word_similarity_threshold")
            return cursor.fetchone()[0]

    before = threshold()
    with transaction.atomic():
        services.person_matches(unit, first_name="Daren", last_name="Smyth")
        # Children's matching (referrals) relies on the connection's setting in the same transaction.
        assert threshold() == before
    assert threshold() == before


def test_the_triage_queue_pages_without_counting_the_whole_queue(client, personas, protocol, unit):
    """52 waiting: pages of 25, oldest first; page 3 holds the last two and no next page."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    partner = personas["health.practitioner"]
    waiting = [SubmissionFactory(submitted_by=partner) for _ in range(52)]
    client.force_login(unit)
    pages = {}
    for number in (1, 2, 3):
        with CaptureQueriesContext(db) as captured:
            body = client.get(reverse("intelligence:triage"), {"page": number}).content.decode()
        pages[number] = body
        counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
        # One row past the page (the paginator reads one more than its cap).
        assert counts and all(f"LIMIT {25 * number + 2}" in sql for sql in counts), counts
    assert waiting[0].reference in pages[1] and 'rel="next"' in pages[1]
    assert waiting[25].reference in pages[2] and 'rel="next"' in pages[2] and 'rel="prev"' in pages[2]
    assert waiting[51].reference in pages[3] and 'rel="next"' not in pages[3]
    assert client.get(reverse("intelligence:triage"), {"page": 4}).status_code == 404
