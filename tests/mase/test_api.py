"""The MASE API: reads at the reader's level, writes through the services with
their refusals as HTTP answers."""

import datetime

import pytest
from django.utils import timezone

from mase.models import ActionStatus, ListingRequest
from tests.mase.factories import MaseActionFactory

pytestmark = pytest.mark.django_db


def test_an_owner_works_an_action_through_the_api(client, personas, protocol):
    action = MaseActionFactory()
    client.force_login(personas["medway.caseworker"])
    url = f"/api/mase-actions/{action.pk}/steps/"
    assert client.post(url + "start/", {}, content_type="application/json").json()["status"] == "in_progress"
    refused = client.post(url + "complete/", {"outcome_note": ""}, content_type="application/json")
    assert refused.status_code == 400 and "outcome_note" in refused.json()
    done = client.post(url + "complete/", {"outcome_note": "Visited"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == ActionStatus.COMPLETED
    again = client.post(url + "cancel/", {"outcome_note": "x"}, content_type="application/json")
    assert again.status_code == 409


def test_another_agency_cannot_work_or_see_an_action(client, personas, protocol):
    action = MaseActionFactory()
    client.force_login(personas["kcc.caseworker"])
    assert client.get(f"/api/mase-actions/{action.pk}/").status_code == 404
    url = f"/api/mase-actions/{action.pk}/steps/start/"
    assert client.post(url, {}, content_type="application/json").status_code == 404


def test_the_chair_may_work_the_action_and_overdue_is_derived(client, personas, protocol):
    action = MaseActionFactory(due_date=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(personas["mase.chair"])
    row = client.get(f"/api/mase-actions/{action.pk}/").json()
    assert row["overdue"] is True and row["access_level"] == "change"


def test_a_listing_request_through_the_api_is_refused_with_why(client, personas, panel, referral_at, assessed_case):
    client.force_login(personas["kcc.caseworker"])
    unassessed = referral_at("accepted")
    body = {"referral": unassessed.pk, "panel": panel.pk, "reason": "high_risk", "detail": "Cars"}
    refused = client.post("/api/mase-listing-requests/", body, content_type="application/json")
    assert refused.status_code == 409 and "no approved risk assessment" in refused.json()["detail"]
    case = assessed_case()
    made = client.post("/api/mase-listing-requests/", body | {"referral": case.pk}, content_type="application/json")
    assert made.status_code == 201 and made.json()["status"] == "proposed"
    assert ListingRequest.objects.get().referral == case


def test_a_listing_request_for_an_unseen_case_is_answered_as_one_that_does_not_exist(
    client, personas, panel, assessed_case
):
    """It was a 404 for an unseen case and a 400 "Invalid pk" for a missing one,
    which told a caller which referral ids exist."""
    case = assessed_case()
    client.force_login(personas["medway.caseworker"])
    answers = [
        client.post(
            "/api/mase-listing-requests/",
            {"referral": pk, "panel": panel.pk, "reason": "review", "detail": "x"},
            content_type="application/json",
        )
        for pk in (case.pk, 10**9)
    ]
    assert [answer.status_code for answer in answers] == [400, 400]
    assert answers[0].json() == {"referral": [f"No referral you can see has id {case.pk}."]}
    assert answers[1].json() == {"referral": [f"No referral you can see has id {10**9}."]}
    assert not ListingRequest.objects.exists()
