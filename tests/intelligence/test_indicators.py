"""Intelligence's dashboard figures, each against numbers worked out by hand
from a few records, and their small cells hidden from a viewer who cannot
see the records behind them."""

import datetime

import pytest
from django.utils import timezone

from dashboard.indicators import Scope, get
from intelligence.models import Submission
from intelligence.models.disruptions import DisruptionKind, DisruptionStatus
from tests.intelligence.factories import DisruptionFactory, IntelligenceReportFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 3, 31)


def scope(user, **filters):
    return Scope(user=user, start=START, end=END, **filters)


def rows(key, user, **filters):
    return {row.label: row for row in get(key).table(scope(user, **filters)).rows}


def cawn(unit, status, served_on=None, expires_on=None, **fields):
    return DisruptionFactory(officer=unit, kind=DisruptionKind.CAWN, cawn_section="s2", status=status,
                             served_on=served_on, expires_on=expires_on, **fields)  # fmt: skip


def test_cawns_served_in_force_and_breached(unit, personas, protocol):
    d = datetime.date
    cawn(unit, DisruptionStatus.ACTIVE, d(2026, 2, 1), d(2026, 8, 1))  # served in, in force at the end
    cawn(unit, DisruptionStatus.ACTIVE, d(2025, 12, 1), d(2026, 6, 1))  # served before, in force at the end
    cawn(unit, DisruptionStatus.EXPIRED, d(2025, 6, 1), d(2026, 2, 1))  # expired within the period
    cawn(unit, DisruptionStatus.BREACHED, d(2026, 1, 10), d(2026, 9, 1), breached_on=d(2026, 3, 1))  # served, breached
    cawn(unit, DisruptionStatus.BREACHED, d(2026, 1, 10), d(2026, 9, 1), breached_on=d(2026, 4, 2))  # breached after
    cawn(unit, DisruptionStatus.DRAFTED)  # never served
    cawn(unit, DisruptionStatus.WITHDRAWN, d(2026, 3, 1), d(2026, 9, 1), withdrawn_on=d(2026, 3, 20))
    found = rows("intelligence.cawns", unit)
    # Served: 1 Feb, 10 Jan, 10 Jan, 1 Mar = 4. In force on 31 March: the two active, and the one
    # breached on 2 April. Breached in the period: the one breached on 1 March.
    assert (found["Served"].value, found["In force at the end of the period"].value, found["Breached"].value) == (
        4, 3, 1,
    )  # fmt: skip
    assert all(row.seen == row.records for row in found.values()), "the unit sees them all"


def test_a_manager_outside_the_unit_sees_small_cawn_cells_suppressed(unit, personas, protocol):
    cawn(unit, DisruptionStatus.ACTIVE, datetime.date(2026, 2, 1), datetime.date(2026, 8, 1))
    found = rows("intelligence.cawns", personas["kcc.supervisor"])
    assert found["Served"].shown == "fewer than 5"
    assert found["Breached"].shown == "0"


def test_other_disruptions_by_kind_in_the_period(unit, protocol):
    for kind, day in [("arrest", datetime.date(2026, 1, 5)), ("arrest", datetime.date(2026, 3, 31)),
                      ("charge", datetime.date(2026, 2, 2)), ("arrest", datetime.date(2025, 12, 31)),
                      ("business_visit", datetime.date(2026, 4, 1))]:  # fmt: skip
        DisruptionFactory(officer=unit, kind=kind, occurred_on=day)
    cawn(unit, DisruptionStatus.DRAFTED, occurred_on=datetime.date(2026, 2, 2))
    found = rows("intelligence.disruptions_by_kind", unit)
    assert {label: row.value for label, row in found.items()} == {"Arrest": 2, "Charge": 1, "Total": 3}


def submitted(user, day_time, **fields):
    return SubmissionFactory(submitted_by=user, submitted_at=day_time, **fields)


def at(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_submissions_by_agency_and_outcome(unit, personas, protocol):
    health, kcc = personas["health.practitioner"], personas["kcc.caseworker"]
    submitted(health, at(datetime.date(2026, 1, 2)), outcome=Submission.Outcome.NO_ACTION)
    submitted(health, at(datetime.date(2026, 2, 2)), outcome=Submission.Outcome.CRIME_DESK)
    submitted(kcc, at(datetime.date(2026, 3, 2)))
    submitted(kcc, at(datetime.date(2025, 12, 2)))  # before the period
    agencies = rows("intelligence.submissions_by_agency", unit)
    kcc_name = "Kent County Council Children's Services"
    assert {label: row.value for label, row in agencies.items()} == {"Health": 2, kcc_name: 1, "Total": 3}
    outcomes = rows("intelligence.submissions_by_outcome", unit)
    assert {label: row.value for label, row in outcomes.items()} == {
        "No action": 1, "Passed to the crime desk": 1, "Not decided yet": 1, "Total": 3,
    }  # fmt: skip
    # Health's own practitioner is no dashboard viewer, but a KCC supervisor sees no submission in full.
    hidden = rows("intelligence.submissions_by_agency", personas["kcc.supervisor"])
    assert hidden["Health"].shown == "fewer than 5"


def test_time_from_submission_to_grading_median_and_90th_percentile(unit, personas, protocol):
    health = personas["health.practitioner"]
    # Graded after 1, 2, 3 and 10 days: median 2.5; p90 = 3 + 0.7 x (10 - 3) = 7.9 (linear interpolation).
    for number, days in enumerate((1, 2, 3, 10)):
        submission = submitted(health, at(datetime.date(2026, 1, 10 + number)))
        IntelligenceReportFactory(sanitised_by=unit, submission=submission,
                                  created_at=submission.submitted_at + datetime.timedelta(days=days))  # fmt: skip
    submitted(health, at(datetime.date(2026, 1, 20)))  # not graded yet: not counted
    found = rows("intelligence.time_to_grading", unit)
    assert (found["Median"].value, found["90th percentile"].value) == (2.5, 7.9)
    assert found["Median"].records == 4


def test_submissions_still_ungraded_after_seven_days(unit, personas, protocol):
    health, kcc = personas["health.practitioner"], personas["kcc.caseworker"]
    submitted(health, at(datetime.date(2026, 3, 1)))  # ungraded, 30 days before the period's end
    submitted(health, at(datetime.date(2026, 3, 20)))  # ungraded, 11 days before
    submitted(kcc, at(datetime.date(2026, 3, 28)))  # ungraded, but only 3 days before: not yet late
    submitted(kcc, at(datetime.date(2026, 2, 1)), status=Submission.Status.GRADED)
    submitted(kcc, at(datetime.date(2025, 12, 1)))  # before the period
    found = rows("intelligence.ungraded_submissions", unit)
    assert {label: row.value for label, row in found.items()} == {"Health": 2, "Total": 2}
    assert rows("intelligence.ungraded_submissions", personas["kcc.supervisor"])["Health"].shown == "fewer than 5"
