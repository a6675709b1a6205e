"""The MASE demo `make run` loads: through the services, loaded once, and
each user group finds its work on first sign-in."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from mase import queues
from mase.models import (
    ActionStatus,
    AgendaItem,
    ListingRequest,
    ListingStatus,
    MaseAction,
    Meeting,
    MeetingPack,
    MeetingStatus,
    Panel,
    PlanAction,
    TermsOfReference,
    WorkStream,
)

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Panel, Meeting, AgendaItem, MaseAction, ListingRequest, WorkStream, PlanAction)
    }


def test_the_mase_demo_loads_once_and_shows_each_user_their_work():
    output = StringIO()
    call_command("load_demo_users", stdout=output)
    call_command("load_demo_protocol", stdout=output)
    call_command("load_demo_referrals", "--count", "120", stdout=output)
    call_command("load_demo_mase", stdout=output)
    assert "Loaded 5 fictional MASE panels" in output.getvalue()
    loaded = counts()
    call_command("load_demo_mase", stdout=output)
    assert "already loaded; nothing added" in output.getvalue()
    assert counts() == loaded

    assert set(MaseAction.objects.values_list("status", flat=True)) == set(ActionStatus.values)
    assert set(Meeting.objects.values_list("status", flat=True)) >= {
        MeetingStatus.SCHEDULED, MeetingStatus.HELD, MeetingStatus.CIRCULATED
    }  # fmt: skip
    assert set(ListingRequest.objects.values_list("status", flat=True)) == {
        ListingStatus.PROPOSED, ListingStatus.ACCEPTED
    }  # fmt: skip
    assert all("FICTIONAL DEMO" in action.description for action in MaseAction.objects.all())
    assert sorted(TermsOfReference.objects.values_list("version", "status")) == [(1, "signed_off"), (2, "draft")]
    # The circulated meeting's copies, one per agency, built by the outbox once the load commits.
    assert MeetingPack.objects.filter(kind="minutes").count() == 5
    assert WorkStream.objects.count() == 7 and set(PlanAction.objects.values_list("rag", flat=True)) == {
        "red", "amber", "green"
    }  # fmt: skip

    chair = User.objects.get(username="mase.chair")
    medway = User.objects.get(username="medway.caseworker")
    assert queues.listing_requests_awaiting_me(chair).count() == 2
    mine = list(queues.my_mase_actions(medway))
    assert len(mine) == 2 and any(action.overdue for action in mine)
