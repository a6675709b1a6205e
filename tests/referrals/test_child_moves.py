"""Moving a child between children's services authorities (KCC and Medway):
the move gives the new authority every referral about the child, so only the
CSE team or a supervisor of the authority responsible now may make it, and it
is recorded as a disclosure (finding 8 of issue #8)."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from audit.models import AccessEvent
from referrals import services
from referrals.models import ChronologyEntry
from referrals.services import StepNotAllowed
from tests.referrals.test_referral_views import child_edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def medway_child(referral, personas):
    """A child living in Medway with a KCC referral (KCC holds it at change)
    and a Medway referral (which KCC may not see)."""
    kcc_referral = referral(by="kcc.caseworker", district="medway")
    medway_referral = referral(by="medway.caseworker", child=kcc_referral.child)
    return kcc_referral, medway_referral


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_a_caseworker_cannot_move_a_child_to_another_authority_through_the_api(personas, medway_child):
    """Finding 8: a KCC caseworker patched the child's district to Maidstone and
    then read Medway's referral about the same child in full."""
    kcc_referral, medway_referral = medway_child
    caseworker = api_as(personas["kcc.caseworker"])
    assert caseworker.get(f"/api/referrals/{medway_referral.pk}/").status_code == 404

    response = caseworker.patch(
        f"/api/children/{kcc_referral.child_id}/",
        {"version": 1, "referral": kcc_referral.pk, "district": "maidstone", "school": "Oakwood"},
        format="json",
    )

    assert response.status_code == 403
    assert "supervisor of Medway Council" in response.json()["detail"]
    kcc_referral.child.refresh_from_db()
    assert (kcc_referral.child.district.code, kcc_referral.child.school, kcc_referral.child.version) == (
        "medway",
        "",
        1,
    )
    assert caseworker.get(f"/api/referrals/{medway_referral.pk}/").status_code == 404
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.SHARE).exists()


def test_the_child_page_refuses_the_move_next_to_the_district_field(client, personas, medway_child, district):
    kcc_referral, medway_referral = medway_child
    client.force_login(personas["kcc.caseworker"])
    response = client.post(
        reverse("referrals:child_edit", args=[kcc_referral.pk]),
        child_edit_data(kcc_referral.child, district=district("maidstone").pk),
    )
    assert response.status_code == 403
    [message] = response.context["form"].errors["district"]
    assert "only a member of the CSE team or a supervisor of Medway Council" in message
    assert escape(message) in response.content.decode()
    kcc_referral.child.refresh_from_db()
    assert kcc_referral.child.district.code == "medway"
    assert client.get(reverse("referrals:referral_detail", args=[medway_referral.pk])).status_code == 404


def test_a_supervisor_of_another_authority_cannot_move_the_child_either(personas, medway_child, district):
    kcc_referral, _ = medway_child
    with pytest.raises(StepNotAllowed) as refused:
        services.child_update(
            child=kcc_referral.child,
            referral=kcc_referral,
            changed_by=personas["kcc.supervisor"],
            expected_version=1,
            district=district("canterbury"),
        )
    assert refused.value.reason == "role" and refused.value.field == "district"


@pytest.mark.parametrize("mover", ["medway.supervisor", "kent-police.caseworker"])
def test_the_responsible_supervisor_or_the_cse_team_moves_the_child_and_the_move_is_a_recorded_disclosure(
    client, personas, medway_child, district, mover
):
    kcc_referral, medway_referral = medway_child
    referral = medway_referral if mover.startswith("medway") else kcc_referral
    services.child_update(
        child=referral.child,
        referral=referral,
        changed_by=personas[mover],
        expected_version=1,
        district=district("maidstone"),
    )

    event = AccessEvent.objects.get(action=AccessEvent.Action.SHARE)
    assert event.user == personas[mover]
    assert (event.record_kind, sorted(event.record_ids)) == (
        "referrals.referral",
        sorted([str(kcc_referral.pk), str(medway_referral.pk)]),
    )
    assert (event.details["moved_from"], event.details["moved_to"]) == ("medway", "maidstone")
    assert (event.details["from_authority"], event.details["to_authority"]) == ("medway", "kcc")
    for record in (kcc_referral, medway_referral):
        [entry] = ChronologyEntry.objects.filter(referral=record)
        assert "Moved from Medway to Maidstone" in entry.summary and entry.recorded_by == personas[mover]

    # The move is on the referral page's timeline, for those who now read it.
    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("referrals:referral_detail", args=[medway_referral.pk]))
    assert page.status_code == 200
    assert "Moved from Medway to Maidstone" in page.content.decode()


def test_a_move_inside_one_authority_is_a_normal_edit(personas, referral, district):
    record = referral(by="kcc.caseworker", district="maidstone")
    child = services.child_update(
        child=record.child,
        referral=record,
        changed_by=personas["kcc.caseworker"],
        expected_version=1,
        district=district("canterbury"),
    )
    assert child.district.code == "canterbury"
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.SHARE).exists()
    assert not ChronologyEntry.objects.filter(referral=record).exists()
