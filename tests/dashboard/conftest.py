"""Shared data for the dashboard tests."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import District
from mase.models import ActionStatus, MeetingStatus
from sharing.default_protocol import create_default_protocol
from tests.dashboard.helpers import ago, referral
from tests.mase.factories import AgendaItemFactory, MaseActionFactory, MeetingFactory, PanelFactory
from tests.referrals.factories import ChildFactory, ReferralFactory


@pytest.fixture
def casework(personas):
    """Maidstone: 6 KCC referrals; Thanet: 3 KCC; Dover: 2 Health referrals;
    one Maidstone referral received before the period. Medway's supervisor may
    open none of them; the CSE team (the police manager) may open all."""
    create_default_protocol(agreed_by=personas["admin"])
    now = timezone.now()

    def referrals(count, district, by, **fields):
        place = District.objects.get(code=district)
        return [
            ReferralFactory(
                child=ChildFactory(district=place),
                created_by=personas[by],
                received_at=now - datetime.timedelta(days=10),
                **fields,
            )
            for _ in range(count)
        ]

    made = {
        "maidstone": referrals(6, "maidstone", "kcc.caseworker"),
        "thanet": referrals(3, "thanet", "kcc.caseworker"),
        "dover": referrals(2, "dover", "health.practitioner"),
        "old": referrals(1, "maidstone", "kcc.caseworker"),
    }
    for old in made["old"]:
        old.received_at = now - datetime.timedelta(days=400)
        old.save()
    return made


@pytest.fixture
def mase_year(personas):
    """A KCC-owned Maidstone panel (no member agencies): two meetings held in
    the period (20 and 10 days ago), one held 400 days ago, one to come. Child
    A's referral (received 30 days ago) is on both meetings, first added 25
    days ago, discussed at the first; child B's (received 40 days ago) on the
    second, added 12 days ago, not discussed. Actions agreed at the first
    meeting: two KCC ones open (one overdue), one Medway one completed 2 days
    ago, one Medway one cancelled."""
    create_default_protocol(agreed_by=personas["admin"])
    panel = PanelFactory()
    panel.districts.set([District.objects.get(code="maidstone")])
    held = {"status": MeetingStatus.CIRCULATED}
    first = MeetingFactory(panel=panel, starts_at=ago(20), held_at=ago(20), **held)
    second = MeetingFactory(panel=panel, starts_at=ago(10), held_at=ago(10), **held)
    MeetingFactory(panel=panel, starts_at=ago(400), held_at=ago(400), **held)
    MeetingFactory(panel=panel)  # scheduled, in a week
    child_a = referral(personas, received_days_ago=30)
    child_b = referral(personas, received_days_ago=40)
    AgendaItemFactory(meeting=first, referral=child_a, created_at=ago(25), discussed_at=ago(20))
    AgendaItemFactory(meeting=second, referral=child_a, created_at=ago(12))
    AgendaItemFactory(meeting=second, referral=child_b, created_at=ago(12))
    today = timezone.localdate()
    kcc, medway = personas["kcc.caseworker"], personas["medway.caseworker"]
    MaseActionFactory(meeting=first, owner=kcc, due_date=today + datetime.timedelta(days=5), created_at=ago(20))
    MaseActionFactory(meeting=first, owner=kcc, due_date=today - datetime.timedelta(days=3), created_at=ago(20))
    MaseActionFactory(meeting=first, owner=medway, status=ActionStatus.COMPLETED, closed_at=ago(2), created_at=ago(20),
                      outcome_note="Done")  # fmt: skip
    MaseActionFactory(meeting=first, owner=medway, status=ActionStatus.CANCELLED, closed_at=ago(2), created_at=ago(20),
                      outcome_note="No longer needed")  # fmt: skip
    return {"panel": panel, "first": first}
