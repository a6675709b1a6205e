"""Referrals' queues on the home page (cse_team/home.py; listed on the
AppConfig) and the list filters they link to (referrals/filters.py). Every
queue starts from `visible_to`: a count is an answer about what exists."""

import datetime

from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import User
from audit.models import AccessEvent
from cse_team.home import CappedCount, count_label
from referrals.models import Action, Referral, RiskAssessment, Status
from sharing.levels import AccessLevel
from sharing.models import Share
from sharing.querysets import shares_received

ACTIONS_DUE_WITHIN = datetime.timedelta(days=7)
REVIEWS_DUE_WITHIN = datetime.timedelta(days=14)
REFERRAL_KIND = Referral._meta.label_lower

ASSESSMENT_STATES = [
    ("awaiting", "Awaiting approval"),
    ("awaiting_me", "Awaiting my approval (my agency's assessors)"),
    ("returned", "Returned to me for changes"),
]
AGENCY_STATES = [("mine", "My agency")]
SHARED_STATES = [("me", "With me or my agency"), ("unopened", "With me or my agency, not yet opened by me")]


# --- list filters: each takes a queryset of referrals already through sharing ---------


def review_due_soon(referrals, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return referrals.filter(review_due__lte=today + REVIEWS_DUE_WITHIN).exclude(status=Status.CLOSED)


def with_my_actions_due(referrals, user, today: datetime.date | None = None):
    today = today or timezone.localdate()
    mine = Action.objects.outstanding().filter(
        referral=OuterRef("pk"), owner=user, due_date__lte=today + ACTIONS_DUE_WITHIN
    )
    return referrals.filter(Exists(mine))


def _returned_to(user):
    """Assessments of `user` returned for changes with nothing submitted since."""
    later = RiskAssessment.objects.filter(
        referral=OuterRef("referral"),
        created_at__gt=OuterRef("created_at"),
        status__in=(RiskAssessment.Status.SUBMITTED, RiskAssessment.Status.APPROVED),
    )
    return RiskAssessment.objects.filter(status=RiskAssessment.Status.RETURNED, assessed_by=user).exclude(Exists(later))


def awaiting_approval_by(user):
    """Submitted assessments waiting for this supervisor: made by someone of their
    own agency (a supervisor approves their own team's work) other than
    themselves (nobody approves their own; the service refuses it)."""
    return RiskAssessment.objects.filter(status=RiskAssessment.Status.SUBMITTED, agency=user.agency_id).exclude(
        assessed_by=user
    )


def with_assessment(referrals, user, state: str):
    if state == "awaiting":
        found = RiskAssessment.objects.filter(referral=OuterRef("pk"), status=RiskAssessment.Status.SUBMITTED)
    elif state == "awaiting_me":
        found = awaiting_approval_by(user).filter(referral=OuterRef("pk"))
    elif state == "returned":
        found = _returned_to(user).filter(referral=OuterRef("pk"))
    else:
        return referrals
    return referrals.filter(Exists(found))


def immediate_risk_unaccepted(referrals):
    return referrals.filter(immediate_risk=True, status__in=(Status.RECEIVED, Status.TRIAGED))


def opened_by(user, record_id):
    """The user's views of the referral whose id `record_id` gives (an OuterRef)."""
    return AccessEvent.objects.filter(
        user=user,
        action=AccessEvent.Action.VIEW,
        record_kind=REFERRAL_KIND,
        record_ids__contains=[Cast(record_id, CharField())],
    )


def shared_with(referrals, user, *, unopened: bool = False):
    shares = Share.objects.active().received(user).filter(record_kind=REFERRAL_KIND)
    referrals = referrals.filter(Exists(shares.filter(record_id=OuterRef("pk"))))
    return referrals.exclude(Exists(opened_by(user, OuterRef("pk")))) if unopened else referrals


# --- queues: (user) -> QuerySet ---------------------------------------------------------


# The queues below that set an order take it from an index (referral_lead_active_new_idx,
# referral_received_by_new_idx): a capped count walks it and stops (cse_team.home.capped).


def my_cases(user):
    return Referral.objects.visible_to(user).active().led_by(user).order_by("-created_at", "-id")


def my_actions_due(user):
    today = timezone.localdate()
    return (
        Action.objects.visible_to(user, AccessLevel.FULL)
        .outstanding()
        .filter(owner=user, due_date__lte=today + ACTIONS_DUE_WITHIN)
        .order_by("due_date")  # action_open_by_owner_idx's order: walked to the cap, not read whole
    )


def my_reviews_due(user):
    return review_due_soon(Referral.objects.visible_to(user, AccessLevel.FULL).led_by(user))


def my_referrals_awaiting_triage(user):
    return (
        Referral.objects.visible_to(user, AccessLevel.FULL)
        .filter(created_by=user, status=Status.RECEIVED)
        .order_by("-created_at", "-id")
    )


def my_returned_assessments(user):
    return _returned_to(user).visible_to(user, AccessLevel.FULL)


# A supervisor's queues hold what awaits *them*, not everything they could act
# on: the CSE team's police supervisors hold every referral at change, so
# "everything I may accept" was every triaged referral in Kent. Acceptance is
# the owning agency's; an assessment is approved by a supervisor of the
# assessor's agency (docs/home.md, "Supervisor queues").


def awaiting_acceptance(user):
    triaged = Referral.objects.visible_to(user, AccessLevel.CHANGE).filter(status=Status.TRIAGED)
    # referral_triaged_owner_idx's order: walked to the cap (cse_team.home.capped).
    return owned_by_my_agency(triaged, user).order_by("-created_at", "-id")


def owned_by_my_agency(referrals, user):
    return referrals.filter(owning_agency=user.agency_id)


def assessments_awaiting_approval(user):
    # assessment_submitted_idx's order: walked to the cap (cse_team.home.capped).
    return awaiting_approval_by(user).visible_to(user, AccessLevel.CHANGE).order_by("-created_at", "-id")


def immediate_risk_alerts(user):
    # referral_immediate_risk_idx's order: walked to the cap (cse_team.home.capped).
    return immediate_risk_unaccepted(Referral.objects.visible_to(user, AccessLevel.FULL)).order_by("-created_at", "-id")


# "Shared with me" is counted share by share (sharing.querysets.shares_received):
# the list it links to filters referrals by the same shares (shared_with).


def shared_with_me(user):
    return shares_received(Referral.objects.visible_to(user), user)


def shared_with_me_unopened(user):
    return shared_with_me(user).exclude(Exists(opened_by(user, OuterRef("record_id"))))


def team_caseload(user):
    """(person, open cases) for each person of the supervisor's agency leading
    an open case the supervisor sees, largest first: one query.

    Each person's count stops at QUEUE_COUNT_CAP ("100+", as the queues): a
    count per person over the lead index reads at most that many cases each,
    whatever the caseloads; grouping every open case the team leads read all
    of them and joined each one's child for the visibility rule (550 ms for a
    supervisor at 1M referrals, benchmarks/RESULTS.md). People who have left
    (inactive) are listed while they still lead open cases: that is work to
    hand over."""
    # Newest first, referral_lead_active_new_idx's order: each person's open
    # cases are walked to the cap, not all read into a bitmap first.
    open_cases = (
        Referral.objects.visible_to(user)
        .active()
        .filter(lead_professional=OuterRef("pk"))
        .order_by("-created_at", "-id")
    )
    team = (
        User.objects.filter(agency_id=user.agency_id)
        .annotate(cases=CappedCount(open_cases))
        .order_by()
        .values_list("first_name", "last_name", "cases")
    )
    rows = sorted(
        ((f"{first} {last}".strip(), cases) for first, last, cases in team if cases),
        key=lambda row: (-row[1], row[0]),
    )
    return [(name, count_label(cases)) for name, cases in rows]
