"""Who may be chosen for a referral (lead professional, an action's owner):
people who read it in full, which roles without case access never do."""

import pytest

from referrals.people import full_readers

pytestmark = pytest.mark.django_db


def test_roles_without_case_access_are_never_offered_as_lead_or_owner(personas, referral, make_persona):
    # A casework colleague outside the CSE team, made after the DPO, the
    # administrator and the trainer: one of those must not stand for the group.
    investigator = make_persona("kent-police", "investigator", username="kent-police.outside-team")
    record = referral(by="kent-police.caseworker")
    offered = {user.username for user in full_readers(record, agency_ids=[record.owning_agency_id])}
    assert investigator.username in offered and "kent-police.caseworker" in offered
    assert not offered & {"dpo", "admin", "kent-police.trainer"}
