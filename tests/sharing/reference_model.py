"""A plain-Python statement of what the protocol means, written without the
engine's code, for the property test and the permission matrix to compare
against: for a user and a record, the highest level the rules and shares give."""

from dataclasses import dataclass

RANK = {"summary": 1, "full": 2, "change": 3}

# Roles whose holders work cases; the others (data protection officer, system
# administrator, trainer) read no case content: scope rules and shares to
# their agency do not reach them, a share naming them does.
CASEWORK_ROLES = frozenset(
    {
        "caseworker",
        "practitioner",
        "supervisor",
        "intelligence-officer",
        "investigator",
        "analyst",
        "mase-chair",
        "manager",
    }
)


def reads_casework(roles) -> bool:
    return any(role in CASEWORK_ROLES for role in roles)


@dataclass(frozen=True)
class Person:
    user_id: int
    agency: str
    is_cse_team_member: bool
    active: bool = True
    reads_casework: bool = True  # holds a casework role (reads_casework(roles))


@dataclass(frozen=True)
class Record:
    record_id: int
    owner: str
    authority: str  # children's services authority of the child's district


@dataclass(frozen=True)
class Rule:
    recipient: str | None  # None: the owning agency
    condition: str
    level: str


@dataclass(frozen=True)
class Grant:
    record_id: int
    level: str
    agency: str | None = None
    user_id: int | None = None
    # Only active shares are grants: the caller leaves out shares that are
    # ended or past their end date at the time of the check.


CONDITIONS = {
    "all_records": lambda person, record, recipient: True,
    "owned_by_recipient": lambda person, record, recipient: record.owner == recipient,
    "cse_team_member": lambda person, record, recipient: person.is_cse_team_member,
    "in_recipient_authority": lambda person, record, recipient: record.authority == recipient,
    # Referrals: the child lives where the recipient is the children's services authority.
    "child_in_recipient_authority": lambda person, record, recipient: record.authority == recipient,
}


def expected_level(person: Person, record: Record, rules: list[Rule], grants: list[Grant]) -> str | None:
    if not person.active:
        return None
    levels = []
    for rule in rules if person.reads_casework else []:
        applies = record.owner == person.agency if rule.recipient is None else rule.recipient == person.agency
        if applies and CONDITIONS[rule.condition](person, record, person.agency):
            levels.append(rule.level)
    for grant in grants:
        to_agency = person.reads_casework and grant.agency == person.agency
        if grant.record_id == record.record_id and (to_agency or grant.user_id == person.user_id):
            levels.append(grant.level)
    return max(levels, key=RANK.__getitem__) if levels else None


def visible_ids(person, records, rules, grants, level="summary") -> set[int]:
    return {
        record.record_id
        for record in records
        if (found := expected_level(person, record, rules, grants)) and RANK[found] >= RANK[level]
    }
