"""Who may administer protocols and oversee a record's audience and viewers."""

from sharing import registry


def is_protocol_administrator(user) -> bool:
    return user.is_superuser or user.has_role("sysadmin")


def is_oversight(user) -> bool:
    """The data protection officer and administrators oversee every record's
    audience and viewers, without seeing the records' contents."""
    return user.has_role("dpo") or is_protocol_administrator(user)


def may_oversee(user, record) -> bool:
    owner_id = getattr(record, f"{registry.for_model(type(record)).owning_agency_field}_id")
    return is_oversight(user) or (user.has_role("supervisor") and user.agency_id == owner_id)
