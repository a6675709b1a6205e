"""A record kind's workflow as one table: each step names the statuses it is
taken from, the roles that may take it, and the service that takes it. Pages
and the API both take a step through the table, so they cannot disagree about
which service a step calls; the services check status, role and level again."""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace

from sharing.levels import AccessLevel


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    from_statuses: tuple[str, ...]
    roles: tuple[str, ...]
    # The service taking the step, called with keyword arguments only:
    # {record_argument: the record, actor_argument: the user, **the step's own}.
    service: Callable | None = None
    actor_argument: str = ""
    record_argument: str = ""

    def take(self, *, record, user, **arguments):
        """Take the step through its service; its refusals propagate (see sharing.refusals)."""
        if self.service is None:
            raise LookupError(f"The {self.name} step has no service")
        return self.service(**{self.record_argument: record, self.actor_argument: user}, **arguments)

    def offered_to(self, user, record) -> bool:
        return record.status in self.from_statuses and any(user.has_role(role) for role in self.roles)


class Workflow(Mapping):
    """Steps by name, in the order they are shown."""

    def __init__(self, *steps: Step, record_argument: str):
        self._steps = {
            step.name: replace(step, record_argument=step.record_argument or record_argument) for step in steps
        }

    def __getitem__(self, name: str) -> Step:
        return self._steps[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._steps)

    def __len__(self) -> int:
        return len(self._steps)

    def allowed(self, user, record, level: str | None) -> list[Step]:
        """The steps this user may take now, for showing buttons: only with change
        access, from the record's status, for their role. The services check again."""
        if level != AccessLevel.CHANGE:
            return []
        return [step for step in self.values() if step.offered_to(user, record)]
