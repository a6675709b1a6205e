import functools

from django.db import transaction

from outbox import delivery, registry
from outbox.models import Message


def enqueue(handler: str, /, **payload) -> Message:
    """Write an effect to deliver once the current transaction commits: call it
    inside the service's transaction, next to the write it is about. A rollback
    discards it with the record. `payload` is the handler's keyword arguments
    (JSON: ids, not personal data)."""
    registry.get(handler)  # a typo fails here, in the service, not later in a worker
    message = Message.objects.create(handler=handler, payload=payload)
    # robust: whatever happens after commit, the request that saved the record succeeds.
    transaction.on_commit(functools.partial(delivery.publish, message.pk), robust=True)
    return message
