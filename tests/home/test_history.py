"""A record's history (sharing/history.py) reads as people speak: labels, not
codes; names, not ids; no row that says only "Changed"."""

import pytest
from django.urls import reverse

from referrals import services
from sharing.history import record_history

pytestmark = pytest.mark.django_db


def test_history_shows_labels_and_names_and_no_empty_change_rows(client, personas, referral_at):
    record = referral_at("risk_assessed", by="kcc.caseworker")
    services.referral_assign(
        referral=record, assigned_by=personas["kcc.supervisor"], lead_professional=personas["kcc.caseworker"]
    )
    history = record_history(record)
    changes = [change for entry in history for change in entry.changes]
    statuses = [(before, after) for label, before, after in changes if label == "Status"]
    assert ("Triaged", "Accepted") in statuses  # not ("triaged", "accepted")
    leads = [after for label, _, after in changes if label == "Lead professional"]
    assert personas["kcc.caseworker"].display_name in leads
    assert all(entry.changes for entry in history if entry.action == "Changed")

    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("referrals:referral_detail", args=[record.pk])).content.decode()
    assert "Triaged → Accepted" in page
    assert "triaged → accepted" not in page
