"""Which function delivers each kind of outbox message, by a stable name.

A name is stored in the database with every message, so renaming a handler
strands messages already written: keep the old name registered until they
are delivered."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

# How long one delivery may run before another worker may assume it died and
# try again. Longer than any handler's run; CELERY_TASK_TIME_LIMIT bounds a task.
# OUTBOX_LEASE_SECONDS shortens it where a test must see a dead worker's
# message taken over within minutes (.ci/production-shape).
DEFAULT_LEASE = datetime.timedelta(seconds=getattr(settings, "OUTBOX_LEASE_SECONDS", 5 * 60))


@dataclass(frozen=True)
class Handler:
    name: str
    function: Callable[..., object]
    lease: datetime.timedelta


_handlers: dict[str, Handler] = {}


def handler(name: str, *, lease: datetime.timedelta = DEFAULT_LEASE):
    """Register `function(**payload)` as the delivery of messages named `name`.

    It must be idempotent: a message is delivered at least once, and again if
    the process dies between the effect and recording it. It runs outside any
    transaction (open one yourself if you need one); raising schedules a retry."""

    def register(function):
        existing = _handlers.get(name)
        if existing is not None and existing.function is not function:
            raise ValueError(f"Outbox handler {name!r} is already registered to {existing.function!r}")
        _handlers[name] = Handler(name=name, function=function, lease=lease)
        return function

    return register


def get(name: str) -> Handler:
    try:
        return _handlers[name]
    except KeyError:
        raise LookupError(f"No outbox handler is registered as {name!r}") from None


def names() -> list[str]:
    return sorted(_handlers)
