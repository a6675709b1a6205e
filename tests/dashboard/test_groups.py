"""MASE, training and risk movement figures, each computed by hand on a small
fixed data set, with the small-cell rule applying."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import District
from dashboard import indicators
from referrals.models import Instrument, RiskAssessment
from referrals.models.referrals import ClosureReason, Status
from sharing.default_protocol import create_default_protocol
from tests.dashboard.helpers import ago, referral, scope_for, shown
from tests.training.factories import DeliveredSessionFactory, PlanFactory, SessionFactory
from training.coverage import rebuild_coverage
from training.models import Audience

pytestmark = pytest.mark.django_db
KCC = "Kent County Council Children's Services"
MEDWAY = "Medway Council Children's Services"


# --- MASE ----------------------------------------------------------------------------


def test_meetings_held_count_only_meetings_held_in_the_period(personas, mase_year):
    kcc = personas["kcc.supervisor"]  # KCC owns the meetings: sees every one
    assert shown(indicators.get("mase.meetings_held").table(scope_for(kcc))) == {
        "MASE operational": "2", "Total": "2",
    }  # fmt: skip
    # The CSE team's manager may not open these meetings (KCC's, no members).
    hidden = indicators.get("mase.meetings_held").table(scope_for(personas["kent-police.manager"]))
    assert shown(hidden) == {"MASE operational": "fewer than 5", "Total": "fewer than 5"}


def test_children_listed_count_each_child_once(personas, mase_year):
    table = indicators.get("mase.children_listed").table(scope_for(personas["kcc.supervisor"]))
    assert shown(table) == {"Children listed": "2", "Children discussed": "1"}
    medway = indicators.get("mase.children_listed").table(scope_for(personas["medway.supervisor"]))
    assert shown(medway) == {"Children listed": "fewer than 5", "Children discussed": "fewer than 5"}


def test_actions_open_overdue_and_completed_by_agency(personas, mase_year):
    kcc = scope_for(personas["kcc.supervisor"])
    assert shown(indicators.get("mase.actions_open").table(kcc)) == {KCC: "2", "Total": "2"}
    assert shown(indicators.get("mase.actions_overdue").table(kcc)) == {KCC: "1", "Total": "1"}
    # Medway's completed action is not KCC's to see: its single count is hidden.
    completed = indicators.get("mase.actions_completed").table(kcc)
    assert shown(completed) == {MEDWAY: "fewer than 5", "Total": "fewer than 5"}
    medway = indicators.get("mase.actions_completed").table(scope_for(personas["medway.supervisor"]))
    assert shown(medway) == {MEDWAY: "1", "Total": "1"}


def test_time_to_mase_listing_from_the_first_item(personas, mase_year):
    table = indicators.get("mase.time_to_mase_listing").table(scope_for(personas["kent-police.manager"]))
    # A: 30 - 25 = 5 days (its first item); B: 40 - 12 = 28 days. Median 16.5;
    # the 90th percentile lies 0.9 of the way from 5 to 28: 25.7.
    assert shown(table) == {"Median": "16.5", "90th percentile": "25.7"}
    medway = indicators.get("mase.time_to_mase_listing").table(scope_for(personas["medway.supervisor"]))
    assert set(shown(medway).values()) == {"fewer than 5"}


def test_mase_filters_narrow_the_figures(personas, mase_year):
    kcc = personas["kcc.supervisor"]
    thanet = scope_for(kcc, district="thanet")
    assert shown(indicators.get("mase.meetings_held").table(thanet)) == {"Total": "0"}
    assert shown(indicators.get("mase.children_listed").table(thanet)) == {
        "Children listed": "0", "Children discussed": "0",
    }  # fmt: skip
    medway_actions = scope_for(kcc, agency="medway")
    assert shown(indicators.get("mase.actions_open").table(medway_actions)) == {"Total": "0"}


def test_mase_monthly_trend_counts_meetings_held_per_month(personas, mase_year):
    trend = indicators.get("mase.meetings_held").monthly(scope_for(personas["kcc.supervisor"]))
    assert len(trend.rows) == 12
    assert sum(row.value for row in trend.rows) == 2
    assert trend.rows[-1].label == timezone.localdate().strftime("%b %Y")


# --- Training ------------------------------------------------------------------------


@pytest.fixture
def training_year(db):
    """Delivered in the period: two taxi-driver sessions in Maidstone (10 and 5
    attendees), one schools session in Thanet (20). Not counted: a planned
    session, one delivered 400 days ago. Maidstone's plan makes taxi drivers
    and hotel staff priority audiences: hotel staff had no session, a gap."""
    maidstone, thanet = District.objects.get(code="maidstone"), District.objects.get(code="thanet")
    DeliveredSessionFactory(district=maidstone, audience=Audience.TAXI_DRIVERS, attendee_count=10)
    DeliveredSessionFactory(district=maidstone, audience=Audience.TAXI_DRIVERS, attendee_count=5)
    DeliveredSessionFactory(district=thanet, audience=Audience.SCHOOLS, attendee_count=20)
    SessionFactory(district=maidstone, audience=Audience.SCHOOLS)
    old = ago(400)
    DeliveredSessionFactory(district=maidstone, audience=Audience.HOTEL_STAFF, attendee_count=9, starts_at=old,
                            starts_on=timezone.localtime(old).date())  # fmt: skip
    PlanFactory(districts=("maidstone",))
    rebuild_coverage()


def test_training_sessions_and_people_trained(personas, training_year):
    # Training is no one's personal data: nothing is suppressed, even for Medway.
    scope = scope_for(personas["medway.supervisor"])
    assert shown(indicators.get("training.sessions_delivered").table(scope)) == {
        "Taxi drivers": "2", "Schools": "1", "Total": "3",
    }  # fmt: skip
    by_audience = indicators.get("training.people_trained_by_audience").table(scope)
    assert [(row.label, row.shown) for row in by_audience.rows] == [("Schools", "20"), ("Taxi drivers", "15"),
                                                                    ("Total", "35")]  # fmt: skip
    by_district = indicators.get("training.people_trained_by_district").table(scope)
    assert shown(by_district) == {"Thanet": "20", "Maidstone": "15", "Total": "35"}


def test_coverage_gaps_against_the_plan(personas, training_year):
    table = indicators.get("training.coverage_gaps").table(scope_for(personas["kent-police.manager"]))
    assert shown(table) == {"Maidstone": "1", "Total": "1"}  # hotel staff: a priority with no session


def test_training_says_when_a_filter_does_not_apply(personas, training_year):
    table = indicators.get("training.sessions_delivered").table(scope_for(personas["kent-police.manager"],
                                                                          district="thanet", agency="kcc"))  # fmt: skip
    assert shown(table) == {"Schools": "1", "Total": "1"}
    assert "not recorded by agency" in table.note


# --- Risk movement -------------------------------------------------------------------


@pytest.fixture
def assessed(personas):
    """Five KCC referrals with approved assessments: low 400 days ago then high
    10 days ago (up); high then medium (down); medium 400 days ago only (the
    same); low 10 days ago only (first assessed); medium 400 days ago but
    closed 380 days ago (not counted). And one with a draft only (not counted)."""
    create_default_protocol(agreed_by=personas["admin"])
    instrument = Instrument.objects.get(code="seraf", version=1)
    caseworker = personas["kcc.caseworker"]

    def assess(case, level, days, status=RiskAssessment.Status.APPROVED):
        RiskAssessment.objects.create(
            referral=case, instrument=instrument, status=status, computed_level=level, professional_level=level,
            assessed_by=caseworker, agency=caseworker.agency, decided_at=ago(days),
        )  # fmt: skip

    cases = [referral(personas, received_days_ago=500, status=Status.OPEN) for _ in range(4)]
    for case, history in zip(cases, [[("low", 400), ("high", 10)], [("high", 400), ("medium", 10)],
                                     [("medium", 400)], [("low", 10)]], strict=True):  # fmt: skip
        for level, days in history:
            assess(case, level, days)
    closed = referral(personas, received_days_ago=500, status=Status.CLOSED, closed_at=ago(380),
                      closure_reason=ClosureReason.choices[0][0])  # fmt: skip
    assess(closed, "medium", 400)
    assess(referral(personas, received_days_ago=20, status=Status.OPEN), "high", 5, RiskAssessment.Status.DRAFT)


def test_risk_movement_compares_the_level_at_the_start_and_the_end(personas, assessed):
    table = indicators.get("referrals.risk_movement").table(scope_for(personas["kent-police.manager"]))
    assert shown(table) == {
        "Risk increased": "1", "Risk reduced": "1", "No change": "1", "First assessed in the period": "1",
        "Total": "4",
    }  # fmt: skip
    medway = indicators.get("referrals.risk_movement").table(scope_for(personas["medway.supervisor"]))
    assert set(shown(medway).values()) == {"fewer than 5"}


def test_risk_movement_of_an_earlier_period(personas, assessed):
    today = timezone.localdate()
    earlier = indicators.Scope(user=personas["kent-police.manager"], start=today - datetime.timedelta(days=450),
                               end=today - datetime.timedelta(days=300))  # fmt: skip
    # Every one was first assessed 400 days ago, in that period (one closed later in it).
    assert shown(indicators.get("referrals.risk_movement").table(earlier)) == {
        "First assessed in the period": "4", "Total": "4",
    }  # fmt: skip


def test_every_indicator_is_in_the_api_list(personas):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(personas["kent-police.manager"])
    keys = {item["key"] for item in api.get("/api/indicators/").json()}
    assert {"mase.meetings_held", "mase.time_to_mase_listing", "training.coverage_gaps", "referrals.risk_movement",
            "mase.actions_overdue", "training.people_trained_by_district"} <= keys  # fmt: skip
