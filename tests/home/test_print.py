"""Printing a case summary: at the reader's level, a 404 for a record they do
not see, and recorded in the access log as a print."""

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from sharing import access
from tests.home.helpers import share_with_health

pytestmark = pytest.mark.django_db


def test_the_case_summary_prints_at_each_personas_level_and_is_logged(client, personas, referral):
    record = referral(by="kcc.caseworker", concern_summary="Canary concern seen only in full")
    share_with_health(personas, record, level="summary")
    url = reverse("referrals:referral_print", args=[record.pk])
    for username, user in personas.items():
        level = access.access_level(user, record)
        client.force_login(user)
        response = client.get(url)
        if level is None:
            assert response.status_code == 404, username
            continue
        page = response.content.decode()
        assert response.status_code == 200 and record.reference in page, username
        assert ("Canary concern seen only in full" in page) == (level != "summary"), username
        assert 'data-testid="print-notice"' in page
        event = AccessEvent.objects.filter(user=user, record_kind="referrals.referral").latest("occurred_at")
        assert event.action == AccessEvent.Action.PRINT and event.record_ids == [str(record.pk)], username


def test_the_referral_page_offers_the_print(client, personas, referral):
    record = referral(by="kcc.caseworker")
    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("referrals:referral_detail", args=[record.pk])).content.decode()
    assert reverse("referrals:referral_print", args=[record.pk]) in page
