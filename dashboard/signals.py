"""Freshness after a sharing change (docs/dashboard.md, "Freshness"): the
viewers whose access changed get their snapshots recomputed, through the
outbox (written in the transaction that changes the access)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from outbox.services import enqueue
from sharing.models import Protocol
from sharing.signals import grants_changed


@receiver(grants_changed, dispatch_uid="dashboard.grants_changed")
def shares_changed(sender, *, agency_ids, user_ids, **kwargs):
    enqueue("dashboard.sharing_changed", agency_ids=sorted(agency_ids), user_ids=sorted(user_ids))


@receiver(post_save, sender=Protocol, dispatch_uid="dashboard.protocol_agreed")
def protocol_agreed(sender, instance, update_fields=None, **kwargs):
    if instance.status == Protocol.Status.AGREED and (update_fields is None or "status" in update_fields):
        enqueue("dashboard.sharing_changed", everyone=True)
