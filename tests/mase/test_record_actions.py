"""'Request a MASE listing' on the referral's page, offered through the
record-page actions seam (cse_team.record_actions): to those who may request
a listing and see the case in full."""

import pytest
from django.urls import reverse

from accounts.models import Agency
from cse_team.record_actions import record_actions
from sharing import services as sharing_services
from sharing.models import LawfulBasis

pytestmark = pytest.mark.django_db


def test_mase_offers_its_action_on_referral_pages_only():
    assert [action.label for action in record_actions("referrals.referral")] == ["Request a MASE listing"]
    assert record_actions("mase.meeting") == []


def test_the_referral_page_links_to_a_listing_request_for_those_who_may_make_one(client, personas, assessed_case):
    case = assessed_case()
    sharing_services.share_record(
        shared_by=personas["kcc.caseworker"], record=case, recipient_agency=Agency.objects.get(code="health"),
        level="summary", purpose="Health attends the panel",
        lawful_basis=LawfulBasis.objects.get(code="gdpr-public-task-safeguarding"),
    )  # fmt: skip
    url, link = reverse("referrals:referral_detail", args=[case.pk]), reverse("mase:listingrequest_new", args=[case.pk])
    for username, offered in (
        ("kcc.caseworker", True),  # owner, full, a caseworker
        ("kcc.supervisor", True),
        ("health.practitioner", False),  # sees the case at summary only
        ("mase.chair", False),  # sees it in full, but chairs rather than requests
    ):
        client.force_login(personas[username])
        page = client.get(url)
        assert page.status_code == 200, username
        assert (link in page.content.decode()) is offered, username
        if offered:
            assert client.get(link).status_code == 200
