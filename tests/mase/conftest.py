"""Fixtures for the MASE tests. The referrals fixtures (`protocol`, `referral`,
`referral_at`, ...) come from tests/referrals/conftest.py.

- `panel`: the Maidstone operational panel (chair: mase.chair, KCC), every
  agency a member.
- `meeting`: a meeting of it in a week, listings open for five more days.
- `staffed_panel`: the West Kent panel (Maidstone) with KCC, Health and
  Medway seats, each naming a member (STAFFED_MEMBERS), who receive packs.
- `assessed_case(by=..., district=...)`: an open referral with an approved
  risk assessment (so it may be listed).
"""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Agency, District
from mase import services
from tests.referrals import conftest as referral_fixtures

# The referrals fixtures this package uses.
protocol = referral_fixtures.protocol
referral = referral_fixtures.referral
referral_at = referral_fixtures.referral_at
responses = referral_fixtures.responses
district = referral_fixtures.district
instrument = referral_fixtures.instrument


@pytest.fixture
def chair(personas):
    return personas["mase.chair"]


@pytest.fixture
def make_panel(personas, protocol):
    def make(name="Maidstone operational MASE", districts=("maidstone",), agencies=None, **overrides):
        chosen = Agency.objects.all() if agencies is None else Agency.objects.filter(code__in=agencies)
        members = dict.fromkeys(chosen, (None, None))
        return services.panel_create(
            created_by=personas["admin"],
            name=name,
            kind=overrides.pop("kind", "operational"),
            chair=overrides.pop("chair", personas["mase.chair"]),
            districts=District.objects.filter(code__in=districts),
            members=members,
            **overrides,
        )

    return make


@pytest.fixture
def panel(make_panel):
    return make_panel()


@pytest.fixture
def make_meeting(chair):
    def make(panel, *, days=7, deadline_days=5):
        return services.meeting_schedule(
            panel=panel,
            scheduled_by=chair,
            starts_at=timezone.now() + datetime.timedelta(days=days),
            listing_deadline=timezone.localdate() + datetime.timedelta(days=deadline_days),
            venue="Maidstone police station",
        )

    return make


@pytest.fixture
def meeting(panel, make_meeting):
    return make_meeting(panel)


@pytest.fixture
def assessed_case(referral_at):
    def make(*, by="kcc.caseworker", district="maidstone", **overrides):
        return referral_at("open", by=by, district=district, **overrides)

    return make


STAFFED_MEMBERS = {"kcc": "kcc.supervisor", "health": "health.practitioner", "medway": "medway.supervisor"}


@pytest.fixture
def staffed_panel(personas, protocol, chair):
    return services.panel_create(
        created_by=personas["admin"],
        name="West Kent operational MASE",
        kind="operational",
        chair=chair,
        districts=District.objects.filter(code="maidstone"),
        members={
            Agency.objects.get(code=code): (personas[username], None) for code, username in STAFFED_MEMBERS.items()
        },
    )
