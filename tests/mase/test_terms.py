"""Terms of reference pages: the chair drafts a version and finalises it,
each member agency's member (or deputy) signs, and it is signed off once
every agency on the panel has."""

import pytest
from django.urls import reverse

from mase.models import TermsOfReference

pytestmark = pytest.mark.django_db


@pytest.fixture
def terms_panel(make_panel, personas):
    panel = make_panel(name="Medway strategic MASE", agencies=("kcc", "health"), kind="strategic")
    panel.members.filter(agency__code="kcc").update(member=personas["kcc.supervisor"])
    panel.members.filter(agency__code="health").update(member=personas["health.practitioner"])
    return panel


def test_a_version_is_drafted_finalised_and_signed_off_by_every_member_agency(client, personas, chair, terms_panel):
    client.force_login(chair)
    url = reverse("mase:terms_list", args=[terms_panel.pk])
    empty = client.post(url, {"text": ""})
    assert empty.status_code == 200 and "Write the terms of reference" in empty.content.decode()
    assert not TermsOfReference.objects.exists()
    response = client.post(url, {"text": "Purpose: oversight of high-risk cases.\nQuorum: three agencies."})
    terms = TermsOfReference.objects.get()
    assert response["Location"] == reverse("mase:terms_detail", args=[terms.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Draft" in page and "Quorum: three agencies." in page and "Finalise this version" in page

    # A member cannot sign a draft: no button, and the step is refused.
    client.force_login(personas["kcc.supervisor"])
    assert "Sign for your agency" not in client.get(response["Location"]).content.decode()
    client.post(reverse("mase:terms_step", args=[terms.pk, "sign"]))
    assert not terms.signatures.exists()

    client.force_login(chair)
    client.post(reverse("mase:terms_step", args=[terms.pk, "finalise"]))
    terms.refresh_from_db()
    assert terms.status == "final"

    client.force_login(personas["kcc.caseworker"])  # KCC, but not its member on the panel
    page = client.get(reverse("mase:terms_detail", args=[terms.pk])).content.decode()
    assert "Sign for your agency" not in page
    refused = client.post(reverse("mase:terms_step", args=[terms.pk, "sign"]), follow=True).content.decode()
    assert "Only your agency&#x27;s member or deputy" in refused
    for username in ("kcc.supervisor", "health.practitioner"):
        client.force_login(personas[username])
        assert "Sign for your agency" in client.get(reverse("mase:terms_detail", args=[terms.pk])).content.decode()
        client.post(reverse("mase:terms_step", args=[terms.pk, "sign"]))
    terms.refresh_from_db()
    assert terms.status == "signed_off" and terms.signed_off_at
    listing = client.get(url).content.decode()
    assert "Signed off" in listing and "Version 1" in listing


def test_terms_are_read_by_casework_roles_only(client, personas, chair, terms_panel):
    from mase import services

    terms = services.terms_draft(panel=terms_panel, drafted_by=chair, text="Purpose")
    for username, status in (("early-help.practitioner", 200), ("kent-police.caseworker", 200), ("dpo", 404),
                             ("kent-police.trainer", 404)):  # fmt: skip
        client.force_login(personas[username])
        assert client.get(reverse("mase:terms_detail", args=[terms.pk])).status_code == status, username
        page = client.get(reverse("mase:terms_list", args=[terms_panel.pk]))
        assert page.status_code == status, username
        if status == 200:
            assert "Draft a new version" not in page.content.decode()  # only the chair drafts
    client.force_login(personas["kcc.supervisor"])
    client.post(reverse("mase:terms_list", args=[terms_panel.pk]), {"text": "Changed by a member"})
    assert terms_panel.terms_of_reference.count() == 1
    assert (
        client.get(reverse("mase:meeting_list"))
        .content.decode()
        .count(reverse("mase:terms_list", args=[terms_panel.pk]))
        == 1
    )
