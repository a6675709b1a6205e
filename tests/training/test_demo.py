"""The demo training `make run` loads: a year across the districts with gaps, loaded once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import District
from training.coverage import coverage, default_period
from training.models import (
    Attendee,
    Campaign,
    CommunitySafetyPlan,
    Event,
    Feedback,
    Organisation,
    PlanPriority,
    Session,
)

pytestmark = pytest.mark.django_db

MODELS = (Session, Attendee, Feedback, Organisation, Event, CommunitySafetyPlan, PlanPriority, Campaign)


def load():
    output = StringIO()
    call_command("load_demo_users", stdout=output)
    call_command("load_demo_training", stdout=output)
    return output.getvalue()


def test_the_demo_loads_once_with_gaps_campaigns_and_a_road_show():
    assert "fictional demo training sessions" in load()
    matrix = coverage(*default_period(timezone.localdate()))
    assert all(any(cell.sessions for cell in row.cells) for row in matrix.rows), "every district has training"
    assert all(row.gaps for row in matrix.rows), "every district has a gap to close"
    assert set(Campaign.objects.values_list("code", flat=True)) == {"say-something", "operation-willow"}
    assert Event.objects.filter(kind="road-show").exists() and Event.objects.filter(kind="campaign-launch").exists()
    assert Session.objects.upcoming().filter(trainer__username="kent-police.trainer").exists()
    assert CommunitySafetyPlan.objects.filter(districts__code="dartford").get().districts.count() == 2
    assert all(name.startswith("Fictional") for name in Organisation.objects.values_list("name", flat=True))
    assert Session.objects.filter(status=Session.Status.CANCELLED).exclude(cancellation_reason="").exists()
    assert Attendee.objects.exists() and Feedback.objects.exclude(comment="").exists()
    assert District.objects.current().count() == len(matrix.rows)
    before = {model.__name__: model.objects.count() for model in MODELS}
    assert "nothing added" in load()
    assert {model.__name__: model.objects.count() for model in MODELS} == before


def test_the_demo_needs_the_demo_users():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="load_demo_users"):
        call_command("load_demo_training", stdout=StringIO())
