"""`make run`'s demo: each user group finds its work on the home page and its
notifications on first run, and loading twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from notifications.models import Notification
from tests.home.helpers import queues_on

pytestmark = pytest.mark.django_db


def load_demo():
    output = StringIO()
    for command in ("load_demo_users", "load_demo_protocol"):
        call_command(command, stdout=output)
    call_command("load_demo_referrals", count=60, stdout=output)
    call_command("load_demo_notifications", stdout=output)
    return output.getvalue()


def test_each_group_finds_its_work_and_the_demo_loads_once(client):
    load_demo()
    notifications = Notification.objects.count()
    assert notifications > 0
    assert "up to date" in load_demo().splitlines()[-1]
    assert Notification.objects.count() == notifications

    expected = {
        "kcc.caseworker": "My cases",
        "kcc.supervisor": "Referrals awaiting acceptance",
        "health.practitioner": "Shared with me",
        "dpo": "Shares made this week",
    }
    for username, queue in expected.items():
        client.force_login(User.objects.get(username=username))
        queues = queues_on(client.get(reverse("home")).content.decode())
        assert queue in queues, username
    assert queues_on_count(client, "health.practitioner", "Shared with me") > 0
    assert Notification.objects.filter(recipient__username="health.practitioner").exists()
    assert Notification.objects.filter(recipient__username="kcc.supervisor").exists()


def queues_on_count(client, username, title) -> int:
    client.force_login(User.objects.get(username=username))
    label = queues_on(client.get(reverse("home")).content.decode())[title][0]
    return int(label.rstrip("+"))
