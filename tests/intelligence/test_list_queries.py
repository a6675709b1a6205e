"""The second session's list pages cost the same number of queries whatever
their length (the disruption tracker, the review queue, problem profiles,
and the disruptions API list)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import District
from intelligence import services
from intelligence.models import IntelligenceReport
from tests.intelligence.factories import DisruptionFactory, IntelligenceReportFactory, PersonFactory

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def add(unit, number: int, person):
    today = timezone.localdate()
    for _ in range(number):
        disruption = DisruptionFactory(officer=unit)
        disruption.persons.add(person)
        report = IntelligenceReportFactory(sanitised_by=unit)
        IntelligenceReport.objects.filter(pk=report.pk).update(review_due=today - datetime.timedelta(days=1))
        services.profile_create(author=unit, title="Profile", period_start=today - datetime.timedelta(days=30),
                                period_end=today, district=District.objects.get(code="maidstone"))  # fmt: skip


def test_list_pages_make_the_same_queries_for_2_rows_as_for_12(client, unit, protocol):
    person = PersonFactory()
    client.force_login(unit)
    urls = [
        reverse("intelligence:disruption_list"), reverse("intelligence:review_queue"),
        reverse("intelligence:profile_list"), "/api/intelligence/disruptions/", "/api/intelligence/profiles/",
    ]  # fmt: skip
    add(unit, 2, person)
    few = [queries(client, url) for url in urls]
    add(unit, 10, person)
    many = [queries(client, url) for url in urls]
    assert many == few
