"""The home page by role: each persona sees the queues of their work, counted
from what they may see, each linking to the list filtered to the same rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cse_team.home import capped_counts
from referrals import services
from referrals.models import Instrument, Referral
from tests.home.helpers import queues_on, share_with_health

pytestmark = pytest.mark.django_db


def home(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return queues_on(response.content.decode())


def listed(client, url) -> int:
    return client.get(url).content.decode().count("data-reference=")


def test_a_caseworker_sees_their_cases_and_actions_not_a_supervisors_queues(client, personas, referral_at, referral):
    caseworker = personas["kcc.caseworker"]
    led = referral_at("open", by="kcc.caseworker")
    services.action_create(
        referral=led, created_by=caseworker, description="Visit school", owner=caseworker,
        due_date=timezone.localdate() + datetime.timedelta(days=3),
    )  # fmt: skip
    referral(by="kcc.caseworker")  # recorded, awaiting triage
    referral(by="medway.caseworker")  # someone else's

    queues = home(client, caseworker)
    assert queues["My cases"][0] == "1"
    assert queues["My actions due or overdue"][0] == "1"
    assert queues["My referrals awaiting triage"][0] == "1"
    assert "Referrals awaiting acceptance" not in queues
    assert "Shares made this week" not in queues
    # Each queue's link lists the rows it counted.
    assert listed(client, queues["My cases"][1]) == 1
    assert listed(client, queues["My actions due or overdue"][1]) == 1
    assert led.reference in client.get(queues["My cases"][1]).content.decode()


def test_a_supervisor_sees_what_awaits_acceptance_and_approval(client, personas, referral_at, referral, responses):
    triaged = referral_at("triaged", by="kcc.caseworker")
    accepted = referral_at("accepted", by="kcc.caseworker")
    seraf = Instrument.objects.get(code="seraf", version=1)
    services.assessment_submit(
        referral=accepted, assessed_by=personas["kcc.caseworker"], instrument=seraf,
        responses=responses(seraf, {"older-partner": ("yes", "current")}), professional_level="low",
    )  # fmt: skip
    urgent = referral(by="kcc.caseworker", immediate_risk=True)

    queues = home(client, personas["kcc.supervisor"])
    assert queues["Referrals awaiting acceptance"][0] == "1"
    assert queues["Assessments awaiting approval"][0] == "1"
    assert queues["Immediate-risk alerts"][0] == "1"
    assert "My cases" not in queues
    page = client.get(queues["Referrals awaiting acceptance"][1]).content.decode()
    assert triaged.reference in page and accepted.reference not in page
    assert accepted.reference in client.get(queues["Assessments awaiting approval"][1]).content.decode()
    assert urgent.reference in client.get(queues["Immediate-risk alerts"][1]).content.decode()
    assert "Team caseload" in client.get(reverse("home")).content.decode()


def test_a_returned_assessment_waits_for_its_assessor_until_resubmitted(client, personas, referral_at, responses):
    accepted = referral_at("accepted", by="kcc.caseworker")
    seraf = Instrument.objects.get(code="seraf", version=1)
    answers = responses(seraf, {"older-partner": ("yes", "current")})
    caseworker = personas["kcc.caseworker"]
    first = services.assessment_submit(
        referral=accepted, assessed_by=caseworker, instrument=seraf, responses=answers, professional_level="low"
    )
    services.assessment_return(assessment=first, returned_by=personas["kcc.supervisor"], reason="Evidence missing")
    queues = home(client, caseworker)
    assert queues["Returned assessments"][0] == "1"
    assert accepted.reference in client.get(queues["Returned assessments"][1]).content.decode()

    services.assessment_submit(
        referral=accepted, assessed_by=caseworker, instrument=seraf, responses=answers, professional_level="low"
    )
    assert home(client, caseworker)["Returned assessments"][0] == "0"


def test_health_counts_only_what_is_shared_with_it_and_what_it_has_not_opened(client, personas, referral):
    record = referral(by="kcc.caseworker")
    referral(by="kcc.caseworker")  # never shared with Health: never counted
    nurse = personas["health.practitioner"]
    assert home(client, nurse)["Shared with me"][0] == "0"

    share_with_health(personas, record)
    queues = home(client, nurse)
    assert queues["Shared with me"][0] == "1"
    assert queues["New to me"][0] == "1"
    assert listed(client, queues["New to me"][1]) == 1

    client.get(reverse("referrals:referral_detail", args=[record.pk]))
    queues = home(client, nurse)
    assert queues["Shared with me"][0] == "1"
    assert queues["New to me"][0] == "0"
    assert listed(client, queues["New to me"][1]) == 0


def test_the_dpo_sees_oversight_items_and_no_casework(client, personas, referral):
    record = referral(by="kcc.caseworker")
    share_with_health(personas, record)
    queues = home(client, personas["dpo"])
    assert queues["Shares made this week"][0] == "1"
    assert "My cases" not in queues and "Shared with me" not in queues
    response = client.get(queues["Shares made this week"][1])
    assert response.status_code == 200


def test_someone_with_no_queue_is_told_so(client, personas):
    client.force_login(personas["kent-police.trainer"])
    assert "Nothing is waiting for you" in client.get(reverse("home")).content.decode()


def test_the_home_page_makes_the_same_queries_whatever_the_queue_sizes(client, personas, referral, referral_at):
    supervisor = personas["kcc.supervisor"]
    referral_at("triaged", by="kcc.caseworker")
    client.force_login(supervisor)
    client.get(reverse("home"))  # warm the per-process permission ids
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    for _ in range(4):
        referral_at("triaged", by="kcc.caseworker")
        referral(by="kcc.caseworker", immediate_risk=True)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("home"))
    assert queues_on(response.content.decode())["Referrals awaiting acceptance"][0] == "5"
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_count_past_the_cap_says_so(client, personas, referral, monkeypatch):
    assert capped_counts([Referral.objects.none()]) == [0]
    monkeypatch.setattr("cse_team.home.QUEUE_COUNT_CAP", 2)
    for _ in range(4):
        referral(by="kcc.caseworker")
    everything = Referral.objects.visible_to(personas["kcc.caseworker"])
    assert capped_counts([everything, everything.filter(pk=-1)]) == [3, 0]
    assert home(client, personas["kcc.caseworker"])["My referrals awaiting triage"][0] == "2+"


def test_a_supervisors_queues_hold_what_awaits_them_not_all_they_could_act_on(client, personas, referral_at, responses):
    """The CSE team's police supervisor holds KCC's referrals at change, but KCC's
    triaged referrals and its caseworkers' assessments await KCC's supervisor
    (docs/home.md, "Supervisor queues")."""
    seraf = Instrument.objects.get(code="seraf", version=1)
    kcc_triaged = referral_at("triaged", by="kcc.caseworker")
    police_triaged = referral_at("triaged", by="kent-police.caseworker")
    kcc_accepted = referral_at("accepted", by="kcc.caseworker")
    police_accepted = referral_at("accepted", by="kent-police.caseworker")
    for record, by in ((kcc_accepted, "kcc.caseworker"), (police_accepted, "kent-police.caseworker")):
        services.assessment_submit(
            referral=record, assessed_by=personas[by], instrument=seraf,
            responses=responses(seraf, {"older-partner": ("yes", "current")}), professional_level="low",
        )  # fmt: skip

    police = home(client, personas["kent-police.supervisor"])
    assert police["Referrals awaiting acceptance"][0] == "1"
    assert police["Assessments awaiting approval"][0] == "1"
    accept_page = client.get(police["Referrals awaiting acceptance"][1]).content.decode()
    assert police_triaged.reference in accept_page and kcc_triaged.reference not in accept_page
    approve_page = client.get(police["Assessments awaiting approval"][1]).content.decode()
    assert police_accepted.reference in approve_page and kcc_accepted.reference not in approve_page
    # They may still act on KCC's, covering: the services did not change.
    services.referral_accept(referral=kcc_triaged, accepted_by=personas["kent-police.supervisor"])

    kcc = home(client, personas["kcc.supervisor"])
    assert kcc["Referrals awaiting acceptance"][0] == "0"
    assert kcc["Assessments awaiting approval"][0] == "1"
    assert kcc_accepted.reference in client.get(kcc["Assessments awaiting approval"][1]).content.decode()
