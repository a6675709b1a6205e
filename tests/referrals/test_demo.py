"""The demo data `make run` loads: fictional, spread over every district,
status and instrument, valid, and loaded once."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import District
from referrals.models import (
    Action,
    Child,
    ChronologyEntry,
    Instrument,
    MissingEpisode,
    Referral,
    RiskAssessment,
    Status,
    StatusChange,
)

pytestmark = pytest.mark.django_db


def load_demo():
    output = StringIO()
    call_command("load_demo_users", stdout=output)
    call_command("load_demo_protocol", stdout=output)
    call_command("load_demo_referrals", stdout=output)
    return output.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Child, Referral, StatusChange, RiskAssessment, ChronologyEntry, Action, MissingEpisode)
    }


def test_demo_referrals_load_once_fictional_valid_and_spread():
    """One test, as loading the demo takes a good part of its 30 s budget."""
    assert "Loaded 300 fictional demo referrals" in load_demo()
    check_spread()
    check_fictional_and_consistent()
    before = counts()
    assert "nothing added" in load_demo()
    assert counts() == before


def check_spread():
    assert Referral.objects.count() == 300
    assert 250 <= Child.objects.count() < 300  # some children are referred twice
    assert set(Referral.objects.values_list("district", flat=True)) == set(
        District.objects.current().values_list("pk", flat=True)
    )
    assert set(Referral.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Referral.objects.values_list("owning_agency__code", flat=True)) == {
        "kcc", "medway", "kent-police", "health", "early-help",
    }  # fmt: skip
    assert set(Referral.objects.exclude(risk_level="").values_list("risk_level", flat=True)) == {
        "low",
        "medium",
        "high",
    }
    assert set(RiskAssessment.objects.values_list("instrument__code", flat=True)) == set(
        Instrument.objects.values_list("code", flat=True)
    )
    assert set(RiskAssessment.objects.values_list("status", flat=True)) == {"submitted", "approved", "returned"}
    approved = RiskAssessment.objects.filter(status="approved")
    assert any(assessment.overridden for assessment in approved)
    assert any(not assessment.overridden for assessment in approved)
    assert Action.objects.overdue().exists()
    assert Action.objects.filter(status="done").exists()
    assert Action.objects.outstanding().exclude(pk__in=Action.objects.overdue()).exists()
    episodes = list(MissingEpisode.objects.all())
    assert {episode.return_interview_in_time for episode in episodes} == {True, False, None}
    assert ChronologyEntry.objects.count() > 300


def check_fictional_and_consistent():
    assert not Referral.objects.exclude(concern_summary__startswith="FICTIONAL DEMO:").exists()
    assert not Child.objects.exclude(external_references__demo=True).exists()
    for referral in Referral.objects.prefetch_related("status_changes"):
        changes = sorted(referral.status_changes.all(), key=lambda change: change.pk)
        # The workflow as the services recorded it, moved into the past in order.
        assert changes[0].to_status == Status.RECEIVED
        assert changes[-1].to_status == referral.status
        assert [change.changed_at for change in changes] == sorted(change.changed_at for change in changes)
        assert referral.received_at <= referral.created_at <= changes[-1].changed_at
        assert (referral.first_action_at is None) == (referral.status == Status.RECEIVED)
