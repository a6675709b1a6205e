"""Fixtures for the referrals tests, for any module that needs a referral.

- `protocol`: the default ISP (version 1) agreed, so scope rules are in force.
- `district("maidstone")`: a District by code.
- `instrument("seraf")`: version 1 of an instrument, as migration 0002 loads it.
- `responses(instrument, {"older-partner": ("yes", "current")})`: the answers a
  service takes (indicator id -> scoring.Response), by indicator code.
- `referral(by="kcc.caseworker", district="maidstone", **overrides)`: a referral
  recorded through services.referral_create by that persona, about a new
  14-year-old child (distinct name and date of birth each time) living in the
  district. `new_child={...}` overrides the child's fields; `child=<Child>` uses
  an existing child instead; other keywords override referral_create's arguments.
- `referral_at("accepted", by="kcc.caseworker", **overrides)`: such a referral
  walked through the workflow by the persona and their agency's supervisor to
  the status: received, triaged, no_further_action, signposted, front_door,
  accepted, risk_assessed, open or closed.

Personas come from tests/conftest.py (`personas`, keyed by username).
"""

import datetime
import itertools

import pytest
from django.utils import timezone

from accounts.models import District
from referrals import services
from referrals.models import Instrument, Referral, Status
from referrals.scoring import Response
from sharing.default_protocol import create_default_protocol
from tests.referrals.factories import FIRST_NAMES, LAST_NAMES, date_of_birth_for_age

_children = itertools.count()


@pytest.fixture
def protocol(personas):
    return create_default_protocol(agreed_by=personas["admin"])


@pytest.fixture
def district(db):
    return lambda code: District.objects.get(code=code)


@pytest.fixture
def instrument(db):
    return lambda code="seraf", version=1: Instrument.objects.get(code=code, version=version)


def responses_by_code(instrument: Instrument, answers: dict) -> dict:
    """{"older-partner": ("yes", "current"), "isolation": "no"} -> {indicator id: Response}."""
    indicators = {}
    for section in instrument.sections.prefetch_related("indicators"):
        for indicator in section.indicators.all():
            assert indicator.code not in indicators, f"{indicator.code} is ambiguous in {instrument}"
            indicators[indicator.code] = indicator.pk
    result = {}
    for code, answer in answers.items():
        answer, timeframe = (answer, "") if isinstance(answer, str) else answer
        result[indicators[code]] = Response(answer, timeframe)
    return result


@pytest.fixture
def responses(db):
    return responses_by_code


def new_child_fields(district_code: str, **overrides) -> dict:
    n = next(_children)
    fields = {
        "first_name": FIRST_NAMES[n % len(FIRST_NAMES)],
        "last_name": LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)],
        "date_of_birth": date_of_birth_for_age(14, n),
        "district": District.objects.get(code=district_code),
    }
    return fields | overrides


@pytest.fixture
def referral(personas, protocol):
    def make(*, by: str = "kcc.caseworker", district: str = "maidstone", child=None, new_child=None, **overrides):
        arguments = {
            "created_by": personas[by],
            "received_at": timezone.now() - datetime.timedelta(hours=2),
            "channel": "phone",
            "referrer_name": "Head of year",
            "referrer_role": "Designated safeguarding lead",
            "referrer_agency": "Maidstone Grammar",
            "concern_summary": "Seen getting into cars with older men after school",
            "consent_outcome": "given",
        }
        if child is not None:
            arguments["child"] = child
        else:
            arguments["new_child"] = new_child_fields(district, **(new_child or {}))
        return services.referral_create(**(arguments | overrides))

    return make


def supervisor_for(username: str) -> str:
    return username.split(".")[0] + ".supervisor"


@pytest.fixture
def referral_at(referral, personas, responses):
    def make(status: str, *, by: str = "kcc.caseworker", **overrides) -> Referral:
        record = referral(by=by, **overrides)
        caseworker, supervisor = personas[by], personas[supervisor_for(by)]
        if status == Status.RECEIVED:
            return record
        record = services.referral_triage(referral=record, triaged_by=caseworker, note="Spoke to the school")
        if status in services.TRIAGE_OUTCOMES:
            return services.referral_decide(referral=record, decided_by=caseworker, outcome=status)
        if status == Status.TRIAGED:
            return record
        record = services.referral_accept(referral=record, accepted_by=supervisor)
        if status == Status.ACCEPTED:
            return record
        if status == Status.CLOSED:
            return services.referral_close(referral=record, closed_by=supervisor, reason="no_cse_concern")
        seraf = Instrument.objects.get(code="seraf", version=1)
        assessment = services.assessment_submit(
            referral=record,
            assessed_by=caseworker,
            instrument=seraf,
            responses=responses(seraf, {"older-partner": ("yes", "current")}),
            professional_level="low",
        )
        services.assessment_approve(assessment=assessment, approved_by=supervisor)
        record.refresh_from_db()
        if status == Status.RISK_ASSESSED:
            return record
        record = services.referral_assign(referral=record, assigned_by=supervisor, lead_professional=caseworker)
        record = services.referral_open(referral=record, opened_by=caseworker)
        assert status == Status.OPEN, f"referral_at does not know the status {status!r}"
        return record

    return make
