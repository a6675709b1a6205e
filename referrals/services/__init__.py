"""Every write of the referrals app.

Each service is one transaction, checks on the server that the user may make
the change (their access level to the referral, through sharing, and their
role), and records it. Refusals:

- ValidationError with field names: bad input, shown next to the field / 400;
- StepNotAllowed: a workflow step not allowed from the status or for the role (409 / 403);
- StaleEdit: the referral changed since the user loaded it (409, with what changed);
- Http404: the user may not see the referral at all (existence is not disclosed).

Nothing is saved when any of them is raised.
"""

from referrals.services.assessments import (
    ASSESSABLE_STATUSES,
    assessment_approve,
    assessment_return,
    assessment_save_draft,
    assessment_submit,
    compute_for,
    drafts_of,
)
from referrals.services.case_records import (
    MISSING_EPISODE_FIELDS,
    action_complete,
    action_create,
    chronology_add,
    missing_episode_record,
    missing_episode_update,
)
from referrals.services.common import (
    ADULT_AGE,
    CASEWORKERS,
    SUPERVISORS,
    StaleEdit,
    StepNotAllowed,
    changes_since,
    require_level,
)
from referrals.services.referrals import (
    CHILD_FIELDS,
    CONFLICT_FIELDS,
    EDITABLE_FIELDS,
    STEPS,
    TRIAGE_OUTCOMES,
    Step,
    allowed_steps,
    child_create,
    child_update,
    likely_matches,
    linking_candidates,
    next_reference,
    referral_accept,
    referral_assign,
    referral_close,
    referral_create,
    referral_decide,
    referral_link_child,
    referral_open,
    referral_triage,
    referral_update,
    search_names_for,
)

__all__ = [
    "ADULT_AGE",
    "ASSESSABLE_STATUSES",
    "CASEWORKERS",
    "CHILD_FIELDS",
    "CONFLICT_FIELDS",
    "EDITABLE_FIELDS",
    "MISSING_EPISODE_FIELDS",
    "STEPS",
    "SUPERVISORS",
    "TRIAGE_OUTCOMES",
    "StaleEdit",
    "Step",
    "StepNotAllowed",
    "action_complete",
    "action_create",
    "allowed_steps",
    "assessment_approve",
    "assessment_return",
    "assessment_save_draft",
    "assessment_submit",
    "changes_since",
    "child_create",
    "child_update",
    "chronology_add",
    "compute_for",
    "drafts_of",
    "likely_matches",
    "linking_candidates",
    "missing_episode_record",
    "missing_episode_update",
    "next_reference",
    "referral_accept",
    "referral_assign",
    "referral_close",
    "referral_create",
    "referral_decide",
    "referral_link_child",
    "referral_open",
    "referral_triage",
    "referral_update",
    "require_level",
    "search_names_for",
]
