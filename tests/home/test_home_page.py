"""The home page by role: each persona sees the queues of their work, counted
from what they may see, each linking to the list filtered to the same rows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cse_team.home import capped_counts
from referrals import services
from referrals.models import Instrument, Referral, Status
from sharing.services import revoke_share
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


def test_shared_with_me_counts_each_record_once_by_name_or_agency_and_not_after_revocation(client, personas, referral):
    """The count walks shares (sharing.querysets.shares_received): a record
    shared twice is one record, a share to the nurse by name counts as one to
    her agency does, and an ended share counts for nothing."""
    twice, by_name, revoked = (referral(by="kcc.caseworker") for _ in range(3))
    share_with_health(personas, twice)
    share_with_health(personas, twice, user=True)
    share_with_health(personas, by_name, user=True)
    revoke_share(
        share=share_with_health(personas, revoked), revoked_by=personas["kcc.caseworker"], reason="Sent in error"
    )
    nurse = personas["health.practitioner"]
    queues = home(client, nurse)
    assert queues["Shared with me"][0] == "2"
    assert listed(client, queues["Shared with me"][1]) == 2
    client.get(reverse("referrals:referral_detail", args=[by_name.pk]))
    queues = home(client, nurse)
    assert queues["New to me"][0] == "1"
    assert listed(client, queues["New to me"][1]) == 1


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


def lead(record_or_records, user, status=Status.OPEN, **fields):
    """Set-up only: the referrals led by `user` at `status` (the workflow to an
    open case is tested in tests/referrals; walking it per row would be slow)."""
    records = record_or_records if isinstance(record_or_records, list) else [record_or_records]
    Referral.objects.filter(pk__in=[record.pk for record in records]).update(
        lead_professional=user, status=status, **fields
    )


def caseload_on(page: str) -> list[tuple[str, str]]:
    table = page.split('data-testid="breakdown"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td class="govuk-table__cell">([^<]+)</td><td[^>]*>([^<]+)</td>', table)


@pytest.mark.parametrize("username", ["kcc.supervisor", "kcc.caseworker", "health.practitioner", "dpo"])
def test_the_home_page_makes_the_same_queries_whatever_the_queue_sizes(
    client, personas, referral, referral_at, username
):
    """For each role: the queue counts and the supervisor's team caseload grow,
    the number of queries does not."""
    user = personas[username]
    caseworker, colleague = personas["kcc.caseworker"], personas["kcc.supervisor"]
    referral_at("triaged", by="kcc.caseworker")
    lead(referral(by="kcc.caseworker"), caseworker)
    client.force_login(user)
    client.get(reverse("home"))  # warm the per-process permission ids
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    for _ in range(4):
        referral_at("triaged", by="kcc.caseworker")
        referral(by="kcc.caseworker", immediate_risk=True)
        share_with_health(personas, referral(by="kcc.caseworker"))
    lead([referral(by="kcc.caseworker") for _ in range(3)], caseworker)
    lead([referral(by="kcc.caseworker") for _ in range(2)], colleague, Status.ACCEPTED)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("home"))
    page = response.content.decode()
    if username == "kcc.supervisor":
        assert queues_on(page)["Referrals awaiting acceptance"][0] == "5"
        assert caseload_on(page) == [(caseworker.get_full_name(), "4"), (colleague.get_full_name(), "2")]
    elif username == "kcc.caseworker":
        assert queues_on(page)["My cases"][0] == "4"
    elif username == "health.practitioner":
        assert queues_on(page)["Shared with me"][0] == "4"
    else:
        assert queues_on(page)["Shares made this week"][0] == "4"
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_team_caseload_counts_each_persons_open_cases_up_to_the_cap(client, personas, referral, monkeypatch):
    """Open cases only, the supervisor's agency only, each person's count capped
    as the queues are ("2+" here), largest first."""
    monkeypatch.setattr("cse_team.home.QUEUE_COUNT_CAP", 2)
    caseworker, supervisor = personas["kcc.caseworker"], personas["kcc.supervisor"]
    lead([referral(by="kcc.caseworker") for _ in range(3)], caseworker)
    lead(referral(by="kcc.caseworker"), supervisor, Status.RISK_ASSESSED)
    lead(referral(by="kcc.caseworker"), supervisor, Status.CLOSED, closure_reason="no_cse_concern")
    lead(referral(by="medway.caseworker"), personas["medway.caseworker"])
    client.force_login(supervisor)
    page = client.get(reverse("home")).content.decode()
    assert caseload_on(page) == [(caseworker.get_full_name(), "2+"), (supervisor.get_full_name(), "1")]
    # Someone who has left still leads their cases: the supervisor must see them to hand them over.
    User.objects.filter(pk=caseworker.pk).update(is_active=False)
    assert caseload_on(client.get(reverse("home")).content.decode())[0] == (caseworker.get_full_name(), "2+")


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
