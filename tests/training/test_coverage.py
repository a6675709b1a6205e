"""The coverage and gaps matrix."""

import csv
import datetime
import html
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import District
from tests.training.factories import DeliveredSessionFactory, OrganisationFactory, PlanFactory, SessionFactory
from training.coverage import coverage, rebuild_coverage
from training.models import Session

pytestmark = pytest.mark.django_db


def period():
    today = timezone.localdate()
    return today - datetime.timedelta(days=60), today


def test_periods_are_whole_months():
    matrix = coverage(datetime.date(2026, 2, 10), datetime.date(2026, 4, 3))
    assert (matrix.start, matrix.end) == (datetime.date(2026, 2, 1), datetime.date(2026, 4, 30))


def test_delivering_a_session_updates_the_matrix_through_the_outbox(personas, django_capture_on_commit_callbacks):
    from training import services

    PlanFactory(priority_audiences=["hotel-staff"])
    session = SessionFactory(audience="hotel-staff")
    assert coverage(*period()).cell("maidstone", "hotel-staff").gap
    with django_capture_on_commit_callbacks(execute=True):
        services.session_deliver(session=session, recorded_by=personas["kent-police.trainer"], attendee_count=11)
    cell = coverage(*period()).cell("maidstone", "hotel-staff")
    assert (cell.sessions, cell.attendees, cell.gap) == (1, 11, False)
    operator = OrganisationFactory(licence_number="PL-1")
    with django_capture_on_commit_callbacks(execute=True):
        services.register_import(
            session=session, imported_by=personas["kent-police.trainer"],
            rows=[{"name": "Ann Example", "licence_number": "PL-1"}],
        )  # fmt: skip
    assert coverage(*period()).cell("maidstone", "hotel-staff").organisations == 1
    assert operator.sessions.get() == session


def test_priority_audiences_without_sessions_are_gaps():
    PlanFactory(districts=["maidstone"], priority_audiences=["taxi-drivers", "hotel-staff"])
    reached = DeliveredSessionFactory(audience="taxi-drivers", attendee_count=20)
    reached.organisations.add(OrganisationFactory(), OrganisationFactory())
    DeliveredSessionFactory(audience="taxi-drivers", attendee_count=5)
    SessionFactory(audience="hotel-staff")  # planned: not reached
    DeliveredSessionFactory(audience="hotel-staff", status=Session.Status.CANCELLED, cancellation_reason="x")
    rebuild_coverage()
    matrix = coverage(*period())
    taxi = matrix.cell("maidstone", "taxi-drivers")
    assert (taxi.sessions, taxi.attendees, taxi.organisations, taxi.priority, taxi.gap) == (2, 25, 2, True, False)
    hotels = matrix.cell("maidstone", "hotel-staff")
    assert hotels.priority and hotels.gap
    assert not matrix.cell("maidstone", "schools").gap  # not a priority
    assert not matrix.cell("dover", "hotel-staff").priority  # Dover has no plan
    assert matrix.gaps == 1
    assert len(matrix.rows) == District.objects.current().count() == 13


def test_a_shared_plan_sets_priorities_in_both_districts():
    PlanFactory(districts=["dartford", "gravesham"], priority_audiences=["schools"])
    rebuild_coverage()
    matrix = coverage(*period())
    assert matrix.cell("dartford", "schools").gap and matrix.cell("gravesham", "schools").gap


def test_sessions_outside_the_period_do_not_count():
    PlanFactory(priority_audiences=["taxi-drivers"])
    DeliveredSessionFactory(starts_at=timezone.now() - datetime.timedelta(days=400))
    rebuild_coverage()
    assert coverage(*period()).cell("maidstone", "taxi-drivers").gap


def test_the_matrix_page_highlights_gaps_and_drills_down(client, personas, django_assert_max_num_queries):
    PlanFactory(priority_audiences=["taxi-drivers", "hotel-staff"])
    DeliveredSessionFactory(audience="taxi-drivers", venue="Fictional Rank Office")
    DeliveredSessionFactory.create_batch(10, audience="schools")
    rebuild_coverage()
    client.force_login(personas["medway.caseworker"])
    url = reverse("training:coverage")
    client.get(url)
    with django_assert_max_num_queries(8):
        page = client.get(url).content.decode()
    assert 'data-testid="cell-maidstone-hotel-staff"><strong class="govuk-tag govuk-tag--red">Gap' in page
    link = re.search(r'data-testid="cell-maidstone-taxi-drivers"><a class="govuk-link" href="([^"]+)"', page)
    drill = client.get(html.unescape(link.group(1)))
    assert "Fictional Rank Office" in drill.content.decode()


def test_the_csv_has_a_line_per_district_and_audience(client, personas):
    PlanFactory(priority_audiences=["hotel-staff"])
    DeliveredSessionFactory(audience="taxi-drivers", attendee_count=7)
    rebuild_coverage()
    client.force_login(personas["kcc.supervisor"])
    response = client.get(reverse("training:coverage_csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 13 * 12
    taxi = next(row for row in rows if row["District"] == "Maidstone" and row["Audience"] == "Taxi drivers")
    assert (taxi["Sessions"], taxi["Attendees"], taxi["Gap"]) == ("1", "7", "no")
    hotels = next(row for row in rows if row["District"] == "Maidstone" and row["Audience"] == "Hotel staff")
    assert (hotels["Priority audience"], hotels["Gap"]) == ("yes", "yes")


def test_a_backwards_period_is_refused_next_to_the_field(client, personas):
    client.force_login(personas["kcc.supervisor"])
    response = client.get(reverse("training:coverage"), {"start": "2026-05-01", "end": "2026-01-01"})
    assert response.status_code == 200 and "The period must end after it starts" in response.content.decode()


def test_refreshing_each_cell_agrees_with_a_rebuild():
    from training.coverage import refresh_for_session
    from training.models import CoverageMonth

    sessions = [
        DeliveredSessionFactory(
            audience=audience, attendee_count=count, starts_at=timezone.now() - datetime.timedelta(days=days)
        )
        for audience, count, days in (("schools", 10, 3), ("schools", 5, 4), ("health", 7, 40), ("schools", 9, 70))
    ]
    sessions[0].organisations.add(OrganisationFactory(), OrganisationFactory())
    sessions[1].organisations.add(*sessions[0].organisations.all())
    SessionFactory(audience="schools")  # planned: never counted
    for session in sessions:
        refresh_for_session(session_id=session.pk)

    def cells():
        return sorted(
            CoverageMonth.objects.values_list(
                "month", "district_id", "audience", "sessions", "attendees", "organisation_ids"
            )
        )

    refreshed = cells()
    rebuild_coverage()
    assert cells() == refreshed
    assert sum(row[3] for row in refreshed) == 4
