"""Freshness after a sharing change (docs/dashboard.md, "Freshness"): the
viewers whose grants changed get their snapshots recomputed, through the
outbox (written in the transaction that changes the grants). A protocol
agreed changes everyone's access: `snapshots.figures_for` does not show a
snapshot computed before the protocol in force was agreed."""

from django.dispatch import receiver

from outbox.services import enqueue
from sharing.signals import grants_changed


@receiver(grants_changed, dispatch_uid="dashboard.grants_changed")
def shares_changed(sender, *, agency_ids, user_ids, **kwargs):
    enqueue("dashboard.sharing_changed", agency_ids=sorted(agency_ids), user_ids=sorted(user_ids))
