"""Fixtures for the intelligence tests.

- `protocol`: the default ISP agreed, with the "Intelligence records" change.
- `unit`: the intelligence officer persona.
- `child(district)`: a child seen through a KCC referral in that district.
"""

import pytest
from django.utils import timezone

from referrals import services as referral_services
from sharing.default_protocol import create_default_protocol
from tests.referrals.conftest import new_child_fields


@pytest.fixture
def protocol(personas):
    return create_default_protocol(agreed_by=personas["admin"])


@pytest.fixture
def unit(personas):
    return personas["kent-police.intelligence-officer"]


@pytest.fixture
def child(personas, protocol):
    """child("maidstone", last_name="Okoro") -> a child of a KCC caseworker's referral."""

    def make(district="maidstone", **names):
        referral = referral_services.referral_create(
            created_by=personas["kcc.caseworker"],
            new_child=new_child_fields(district, **names),
            received_at=timezone.now(),
            channel="phone",
            referrer_name="Test referrer",
            concern_summary="Test concern",
            consent_outcome="given",
        )
        return referral.child

    return make
