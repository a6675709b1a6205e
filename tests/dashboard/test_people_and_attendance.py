"""Referrals by the child's gender, looked-after status, age and exploitation
model, and MASE attendance by agency: each computed by hand on a few records,
with the small-cell rule applying."""

import datetime

import pytest

from accounts.models import Agency, District
from dashboard import indicators
from mase.models import Attendance, Meeting
from referrals.models import ExploitationModel
from sharing.default_protocol import create_default_protocol
from tests.dashboard.helpers import ago, referral, scope_for, shown
from tests.referrals.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(personas):
    """Six KCC referrals received in the period and one before it: their
    children's gender, looked-after status, age when referred and the
    exploitation models recorded, as the docstrings of the tests list them."""
    create_default_protocol(agreed_by=personas["admin"])
    today = datetime.date.today()

    def born(years_before_referral: int, days_ago: int) -> datetime.date:
        referred = today - datetime.timedelta(days=days_ago)
        return referred.replace(year=referred.year - years_before_referral) - datetime.timedelta(days=1)

    def made(days_ago, *, years=None, estimated=None, models=(), **child):
        child_fields = {"date_of_birth": born(years, days_ago) if years is not None else None,
                        "estimated_age": estimated, **child}  # fmt: skip
        kid = ChildFactory(district=District.objects.get(code="maidstone"), **child_fields)
        return referral(personas, received_days_ago=days_ago, child=kid, exploitation_models=list(models))

    group, online = ExploitationModel.GROUP, ExploitationModel.ONLINE
    made(10, years=9, gender="female", looked_after=True, models=[group, online])
    made(11, years=12, gender="female", looked_after=True, models=[online])
    made(12, years=13, gender="female", looked_after=False, models=[online])
    made(13, years=15, gender="male", looked_after=False)
    made(14, estimated=16, gender="female", looked_after=False, models=[group])
    made(15, years=18, gender="not_known", looked_after=False, models=[online])
    made(400, years=14, gender="male", looked_after=True, models=[online])  # before the period


def test_referrals_by_gender_and_looked_after_status(personas, children):
    manager = personas["kent-police.manager"]
    assert shown(indicators.get("referrals.referrals_by_gender").table(scope_for(manager))) == {
        "Female": "4", "Male": "1", "Not known": "1", "Total": "6",
    }  # fmt: skip
    assert shown(indicators.get("referrals.referrals_by_looked_after").table(scope_for(manager))) == {
        "Not looked after": "4", "Looked after": "2", "Total": "6",
    }  # fmt: skip
    # Medway's supervisor may open none of these KCC referrals: every cell under 5 is hidden.
    hidden = shown(indicators.get("referrals.referrals_by_gender").table(scope_for(personas["medway.supervisor"])))
    assert hidden == {"Female": "fewer than 5", "Male": "fewer than 5", "Not known": "fewer than 5", "Total": "6"}


def test_referrals_by_age_when_referred_in_band_order(personas, children):
    table = indicators.get("referrals.referrals_by_age_band").table(scope_for(personas["kent-police.manager"]))
    # 9 -> under 10; 12 -> 10 to 12; 13 and 15 -> 13 to 15; estimated 16 -> 16 to 17; 18 -> 18 and over.
    assert [(row.label, row.shown) for row in table.rows] == [
        ("Under 10", "1"), ("10 to 12", "1"), ("13 to 15", "2"), ("16 to 17", "1"), ("18 and over", "1"),
        ("Total", "6"),
    ]  # fmt: skip


def test_referrals_by_exploitation_model_count_each_model_a_referral_records(personas, children):
    table = indicators.get("referrals.referrals_by_exploitation_model").table(
        scope_for(personas["kent-police.manager"])
    )
    # Online on four referrals, group on two (one has both), one with none.
    assert shown(table) == {"Online": "4", "Group or organised": "2", "None recorded": "1"}


def test_mase_attendance_by_agency(personas, mase_year):
    kcc, health = Agency.objects.get(code="kcc"), Agency.objects.get(code="health")
    first = mase_year["first"]
    meetings = Meeting.objects.filter(panel=first.panel)
    second = meetings.exclude(pk=first.pk).filter(held_at__gte=ago(15)).get()
    old = meetings.get(held_at__lt=ago(300))
    for meeting in (first, second, old):
        Attendance.objects.create(meeting=meeting, agency=kcc, status=Attendance.Status.ATTENDED)
    Attendance.objects.create(meeting=first, agency=health, status=Attendance.Status.ATTENDED)
    Attendance.objects.create(meeting=second, agency=health, status=Attendance.Status.APOLOGIES)
    table = indicators.get("mase.attendance_by_agency").table(scope_for(personas["kcc.supervisor"]))
    kcc_name = "Kent County Council Children's Services"
    assert shown(table) == {f"{kcc_name}: attended": "2", "Health: attended": "1", "Health: apologies": "1"}
    # The CSE team's manager may not open KCC's meetings (no member agencies): small cells hidden.
    hidden = indicators.get("mase.attendance_by_agency").table(scope_for(personas["kent-police.manager"]))
    assert set(shown(hidden).values()) == {"fewer than 5"}
