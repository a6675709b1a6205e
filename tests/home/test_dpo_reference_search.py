"""The DPO finds a case in the access log by the reference people quote, and
reads record kinds by name (audit/filters.py)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_dpo_finds_views_of_a_referral_by_its_reference(client, personas, referral):
    wanted, other = referral(by="kcc.caseworker"), referral(by="kcc.caseworker")
    client.force_login(personas["kcc.supervisor"])
    client.get(reverse("referrals:referral_detail", args=[wanted.pk]))
    client.get(reverse("referrals:referral_detail", args=[other.pk]))

    client.force_login(personas["dpo"])
    url = reverse("audit:accessevent_list")

    def rows(params) -> int:
        found = client.get(url, params).content.decode().count('<tr class="govuk-table__row">')
        return max(found - 1, 0)  # less the header row; no table at all when nothing matches

    by_reference = client.get(url, {"record_id": wanted.reference.lower(), "action": "view"}).content.decode()
    assert "Referrals: referral" in by_reference and "referrals.referral\n" not in by_reference
    assert rows({"record_id": wanted.reference, "action": "view"}) == rows({"record_id": wanted.pk, "action": "view"})
    assert rows({"record_id": wanted.reference, "action": "view"}) == 1
    assert rows({"action": "view"}) == 2
    assert rows({"record_id": "CSE-1999-999999"}) == 0
