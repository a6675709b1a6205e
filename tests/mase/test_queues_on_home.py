"""MASE's queues on the home page (cse_team/home.py): an action's owner sees
it counted on their home page, and it links to their actions."""

import pytest
from django.urls import reverse

from cse_team.home import queues_for

pytestmark = pytest.mark.django_db


def test_mase_registers_its_queues_for_owners_and_chairs(personas):
    caseworker = {queue.title for queue in queues_for(personas["medway.caseworker"])}
    chair = {queue.title for queue in queues_for(personas["mase.chair"])}
    assert "My MASE actions" in caseworker and "Listing requests to decide" not in caseworker
    assert "Listing requests to decide" in chair


def test_the_home_page_counts_the_owners_mase_actions(client, personas):
    client.force_login(personas["medway.caseworker"])
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "My MASE actions" in page.content.decode()
    assert reverse("mase:action_list") + "?show=mine" in page.content.decode()
