"""Shared data for the dashboard tests."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import District
from sharing.default_protocol import create_default_protocol
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
    for referral in made["old"]:
        referral.received_at = now - datetime.timedelta(days=400)
        referral.save()
    return made
