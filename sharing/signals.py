"""What other apps may hear of the sharing engine.

`grants_changed` is sent, inside the transaction that makes the change,
whenever shares give or stop giving access (a share made, revoked, expired
or ended by a protocol change), with the agencies and the named users whose
access changed. A receiver that must act on it (the dashboard recomputes
those viewers' snapshots) writes an outbox message there, so the effect is
kept or discarded with the change. The agreement of a protocol, which
changes everyone's access through its scope rules, sends nothing: a reader
compares its own data's time with the protocol in force's `agreed_at`."""

from django.dispatch import Signal

# kwargs: kind (the record kind), agency_ids (frozenset), user_ids (frozenset)
grants_changed = Signal()
