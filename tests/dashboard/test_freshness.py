"""Freshness after a sharing change (issue #13): a share made or ended, or a
protocol agreed, recomputes the affected viewers' snapshots through the
outbox at once, instead of within the hour."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency
from dashboard import snapshots
from dashboard.models import DashboardSnapshot
from outbox.models import Message
from sharing.models import LawfulBasis, Protocol
from sharing.services import revoke_share, share_record
from tests.dashboard.helpers import shown

pytestmark = pytest.mark.django_db

BY_DISTRICT = "referrals.referrals_by_district"


def dover_on_the_page(user) -> str:
    snapshot = DashboardSnapshot.objects.get(user=user, filters="")
    return shown(snapshots.table_from(snapshot.figures["indicators"][BY_DISTRICT]["current"]))["Dover"]


def share_with_medway(personas, referral):
    return share_record(
        shared_by=personas["health.practitioner"], record=referral, recipient_agency=Agency.objects.get(code="medway"),
        level="full", purpose="The child is moving to Medway",
        lawful_basis=LawfulBasis.objects.get(code="gdpr-public-task-safeguarding"),
    )  # fmt: skip


def test_a_share_made_and_revoked_recomputes_the_recipients_snapshot(
    client, personas, casework, django_capture_on_commit_callbacks
):
    supervisor = personas["medway.supervisor"]
    client.force_login(supervisor)
    client.get(reverse("dashboard:dashboard"))
    assert dover_on_the_page(supervisor) == "fewer than 5"  # Health's two Dover referrals
    # The manager of another agency keeps theirs.
    client.force_login(personas["kent-police.manager"])
    client.get(reverse("dashboard:dashboard"))
    untouched = DashboardSnapshot.objects.get(user=personas["kent-police.manager"]).computed_at

    with django_capture_on_commit_callbacks(execute=True):
        shares = [share_with_medway(personas, referral) for referral in casework["dover"]]
    assert Message.objects.filter(handler="dashboard.sharing_changed").exists()
    # Medway now sees both in full: the number is given without waiting for the beat.
    assert dover_on_the_page(supervisor) == "2"

    with django_capture_on_commit_callbacks(execute=True):
        revoke_share(share=shares[0], revoked_by=personas["health.practitioner"], reason="Shared in error")
    # The figure computed while the share was in force is gone: one of the two is hidden again.
    assert dover_on_the_page(supervisor) == "fewer than 5"
    assert DashboardSnapshot.objects.get(user=personas["kent-police.manager"]).computed_at == untouched


def test_a_snapshot_is_not_shown_between_the_revocation_and_its_recomputation(personas, casework, monkeypatch):
    """With a broker the recomputation is queued: meanwhile the old figures are deleted, not shown."""
    supervisor = personas["medway.supervisor"]
    share = share_with_medway(personas, casework["dover"][0])
    share_with_medway(personas, casework["dover"][1])
    snapshots.compute_now(supervisor, "")
    queued = []
    monkeypatch.setattr(snapshots, "request_compute", lambda user, key: queued.append((user.pk, key)))
    revoke_share(share=share, revoked_by=personas["health.practitioner"], reason="Shared in error")
    snapshots.invalidate(agency_ids=[supervisor.agency_id])
    assert not DashboardSnapshot.objects.filter(user=supervisor).exists()
    assert queued == [(supervisor.pk, "")]


def test_a_snapshot_from_before_the_protocol_was_agreed_is_not_shown(client, personas, casework):
    supervisor = personas["medway.supervisor"]
    old = snapshots.compute_now(supervisor, "")
    Protocol.objects.filter(status=Protocol.Status.AGREED).update(agreed_at=timezone.now())
    client.force_login(supervisor)
    client.get(reverse("dashboard:dashboard"))
    # Deleted and computed again (at once here, with no broker), not shown.
    assert not DashboardSnapshot.objects.filter(pk=old.pk).exists()
    assert DashboardSnapshot.objects.get(user=supervisor, filters="").computed_at > old.computed_at
