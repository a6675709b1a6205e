"""Who may open the MASE pages at all (what they see there is sharing's to decide)."""

from sharing.access import reads_casework


def reads_mase(user) -> bool:
    """Casework roles: the DPO, administrators and trainers read no case content."""
    return bool(user.is_authenticated and reads_casework(user))


def chairs(user, panel) -> bool:
    """The panel's chair or deputy chair, holding the MASE chair role."""
    return user.has_role("mase-chair") and user.pk in (panel.chair_id, panel.deputy_chair_id)
