"""Who may be chosen for a referral: people who see it in full through
sharing (a lead professional, an action's owner). The services check the
chosen person again."""

from django.db.models import Exists, OuterRef, Q

from accounts.models import Role, User
from referrals.models import Referral
from sharing import access
from sharing.levels import AccessLevel
from sharing.models import Share

FULL_OR_CHANGE = (AccessLevel.FULL, AccessLevel.CHANGE)
# Who may lead a case: those who work cases, not analysts, MASE chairs or managers.
LEAD_ROLES = ("caseworker", "supervisor", "practitioner", "investigator")


def lead_candidates(referral: Referral, *, agency_ids):
    """Full readers (below) who hold a role that leads cases."""
    holds_lead_role = Exists(Role.objects.filter(code__in=LEAD_ROLES, group__user=OuterRef("pk")))
    return full_readers(referral, agency_ids=agency_ids).filter(holds_lead_role)


def full_readers(referral: Referral, *, agency_ids):
    """Active users of `agency_ids` and of the CSE team (and anyone shared the
    referral personally) who can see it in full. Scope rules depend only on a
    user's agency, CSE team membership and holding a casework role, so one
    casework member of each group stands for the rest: a query per group, not
    per person.
    Agency shares count for the whole agency, personal shares for their recipient."""
    candidates = User.objects.filter(is_active=True).filter(Q(agency_id__in=agency_ids) | Q(is_cse_team_member=True))
    # Scope rules and agency shares reach casework roles only (sharing.access):
    # the DPO, administrators and trainers are chosen only through a personal share.
    casework = access.casework_role_held()
    groups = {}
    loaded = candidates.annotate(reads_casework=casework).order_by("pk")
    for candidate in loaded.only("pk", "agency_id", "is_cse_team_member", "is_active"):
        if candidate.reads_casework:
            groups.setdefault((candidate.agency_id, candidate.is_cse_team_member), candidate)
    shares = list(Share.objects.active().for_record(referral).filter(level__in=FULL_OR_CHANGE))
    agencies_shared = {share.recipient_agency_id for share in shares if share.recipient_agency_id}
    people_shared = {share.recipient_user_id for share in shares if share.recipient_user_id}
    allowed = Q(pk__in=people_shared)
    for (agency_id, team_member), stand_in in groups.items():
        scope_level = access.access_level(stand_in, referral, include_shares=False)
        if agency_id in agencies_shared or scope_level in FULL_OR_CHANGE:
            allowed |= Q(agency_id=agency_id, is_cse_team_member=team_member, reads_casework=True)
    return (
        User.objects.filter(is_active=True)
        .annotate(reads_casework=casework)
        .filter(Q(pk__in=candidates.values("pk")) | Q(pk__in=people_shared))
        .filter(allowed)
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name", "pk")
    )
