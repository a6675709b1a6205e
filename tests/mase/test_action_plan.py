"""The strategic CSE action plan: work streams, actions with owners and RAG
status, dated updates; kept by the CSE team and the MASE chairs."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mase import services
from mase.models import WorkStream
from sharing.refusals import StepNotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_action(personas, protocol):
    stream = WorkStream.objects.create(name='The "Say Something" campaign')
    return services.plan_action_add(
        work_stream=stream,
        added_by=personas["mase.chair"],
        description="Launch in every secondary school",
        owner=personas["kent-police.manager"],
        due_date=timezone.localdate() + datetime.timedelta(days=60),
    )


def test_the_plan_is_kept_by_the_cse_team_and_chairs(plan_action, personas):
    assert plan_action.owner_agency.code == "kent-police" and plan_action.rag == "amber"
    with pytest.raises(StepNotAllowed):
        services.plan_action_add(
            work_stream=plan_action.work_stream,
            added_by=personas["kcc.caseworker"],
            description="x",
            owner=personas["kcc.caseworker"],
            due_date=timezone.localdate(),
        )


def test_a_dated_update_sets_the_rag_status(plan_action, personas):
    with pytest.raises(ValidationError) as refused:
        services.plan_update_record(action=plan_action, recorded_by=personas["kent-police.manager"], note="", rag="")
    assert set(refused.value.message_dict) == {"note", "rag"}
    services.plan_update_record(action=plan_action, recorded_by=personas["kent-police.manager"], note="Late", rag="red")
    plan_action.refresh_from_db()
    assert plan_action.rag == "red" and plan_action.updates.get().recorded_by.username == "kent-police.manager"
    with pytest.raises(StepNotAllowed):
        services.plan_update_record(
            action=plan_action, recorded_by=personas["medway.caseworker"], note="x", rag="green"
        )


def test_the_plan_page_shows_streams_actions_and_rag(client, plan_action, personas):
    client.force_login(personas["health.practitioner"])
    page = client.get(reverse("mase:action_plan")).content.decode()
    assert "Say Something" in page and "Launch in every secondary school" in page and "Amber" in page
    client.force_login(personas["kent-police.manager"])
    url = reverse("mase:plan_update", args=[plan_action.pk])
    bad = client.post(url, {"note": "", "rag": ""})
    assert bad.status_code == 200 and "Choose red, amber or green" in bad.content.decode()
    assert client.post(url, {"note": "Launched", "rag": "green", "completed": "on"}).status_code == 302
    plan_action.refresh_from_db()
    assert plan_action.completed and plan_action.rag == "green"
