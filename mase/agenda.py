"""The agenda builder: for a meeting, the cases that qualify under each
criterion, with the count and why each qualifies. Read only from referrals
the chair sees in full, in the panel's area, not already on the agenda.

"New associations to persons of concern" comes from the intelligence app,
which mase does not import: settings.MASE_ASSOCIATIONS_SOURCE names a function
`(chair, referrals, since) -> [(referral, why)]` once that app provides one
(the seam); until then the criterion is listed as not yet available."""

import contextlib
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from mase.models import Criterion, ListingRequest, ListingStatus, Meeting, MeetingStatus
from referrals.models import Action, ChronologyEntry, MissingEpisode, Referral
from sharing.levels import AccessLevel

MISSING_WINDOW = datetime.timedelta(days=90)
MISSING_EPISODES = 3
SHOWN_PER_CRITERION = 25
# Counts stop here ("100+"): an exact count over hundreds of thousands of
# visible cases costs seconds (benchmarks/RESULTS.md, "MASE"), and no panel
# works through more than this under one criterion.
COUNT_CAP = 100


@dataclass
class Candidate:
    referral: Referral
    why: str
    listing: ListingRequest | None = None


@dataclass
class CandidateGroup:
    criterion: str
    count: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    unavailable: str = ""  # why the criterion cannot be read yet
    capped: bool = False  # there are more than `count`

    @property
    def label(self) -> str:
        return Criterion(self.criterion).label

    @property
    def count_label(self) -> str:
        return f"{self.count:,}+" if self.capped else f"{self.count:,}"


def capped_count(records) -> tuple[int, bool]:
    """(count, capped): at most COUNT_CAP, without the ordering (one LIMIT subquery)."""
    found = records.order_by().values("pk")[: COUNT_CAP + 1].count()
    return min(found, COUNT_CAP), found > COUNT_CAP


def _fmt(day) -> str:
    return f"{day:%-d %B %Y}"


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(panel=meeting.panel, starts_at__lt=meeting.starts_at)
        .exclude(status=MeetingStatus.SCHEDULED)
        .order_by("-starts_at")
        .first()
    )


def referrals_in_area(meeting: Meeting, chair):
    """Cases the chair sees in full, in the panel's area, not on the agenda yet."""
    referrals = Referral.objects.visible_to(chair, AccessLevel.FULL)
    districts = list(meeting.panel.districts.values_list("pk", flat=True))
    if districts:
        referrals = referrals.filter(child__district__in=districts)
    on_agenda = meeting.items.filter(referral__isnull=False).values("referral_id")
    return referrals.exclude(pk__in=on_agenda).select_related("child")


def _group(criterion, records, why, *, one_walk: bool = True) -> CandidateGroup:
    """The newest SHOWN_PER_CRITERION cases and the count capped at COUNT_CAP.

    Both from one newest-first walk of COUNT_CAP + 1 cases (the walk the list
    makes anyway, a little longer). A separate unordered count (`one_walk`
    False, the shape before; benchmarks/mase_bench.py --compare times it)
    makes PostgreSQL build a bitmap of every active case (340,000 at 1M
    referrals, about 10 ms) to find 101 of them (benchmarks/RESULTS.md,
    "MASE", third run). A criterion whose rows the planner underestimates
    badly may turn the walk into a sort of them all: see review overdue."""
    ordered = records.order_by("-created_at", "-id")
    if one_walk:
        walked = list(ordered[: COUNT_CAP + 1])
        rows, count, capped = walked[:SHOWN_PER_CRITERION], min(len(walked), COUNT_CAP), len(walked) > COUNT_CAP
    else:
        rows = list(ordered[:SHOWN_PER_CRITERION])
        count, capped = (len(rows), False) if len(rows) < SHOWN_PER_CRITERION else capped_count(records)
    return CandidateGroup(criterion, count, [Candidate(record, why(record)) for record in rows], capped=capped)


@contextlib.contextmanager
def _without_jit():
    """PostgreSQL's JIT off for these reads (SET LOCAL: this transaction only).
    The association query's plan carries the visibility predicate's subplans
    for every candidate case; they are never run when there are few
    associations, but their estimated cost passes `jit_above_cost`, and
    PostgreSQL then spent 20 to 50 ms compiling 443 functions for a query that
    runs in under a millisecond (benchmarks/RESULTS.md, "MASE", third run)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def candidates(meeting: Meeting, chair, today: datetime.date | None = None) -> list[CandidateGroup]:
    with _without_jit():
        return _candidates(meeting, chair, today)


def _candidates(meeting: Meeting, chair, today: datetime.date | None = None) -> list[CandidateGroup]:
    today = today or timezone.localdate()
    now = timezone.now()
    in_area = referrals_in_area(meeting, chair)
    base = in_area.active()  # active cases the chair sees in full, in the area, not on the agenda
    groups = [
        _group(Criterion.HIGH_RISK, base.filter(risk_level="high"), lambda r: "Risk level is high"),
        # Referrals' own "review overdue" (due before today, not closed), as on
        # the home page: only worked cases have a review date. Not `base`
        # (active cases): PostgreSQL multiplies the two conditions as if
        # independent, expects 13,500 overdue cases for 160,000 at 1M, and
        # sorts them all rather than walk the index made for this
        # (`referral_reviewable_newest_idx`): 1 to 2 s (benchmarks/RESULTS.md).
        _group(
            Criterion.REVIEW_OVERDUE,
            in_area.review_overdue(today),
            lambda r: f"Risk review was due on {_fmt(r.review_due)}",
        ),
    ]
    since = now - MISSING_WINDOW
    # From the recent episodes to their cases (a few), not from every eligible
    # case to its episodes (a GROUP BY over hundreds of thousands of cases).
    recent = (
        MissingEpisode.objects.filter(reported_missing_at__gte=since)
        .values("referral_id")
        .annotate(episodes=Count("id"))
        .filter(episodes__gte=MISSING_EPISODES)
    )
    counts = dict(recent.values_list("referral_id", "episodes"))
    missing = base.filter(pk__in=list(counts))
    groups.append(_group(Criterion.MISSING, missing, lambda r: f"{counts[r.pk]} missing episodes since {_fmt(since)}"))
    groups.append(_associations(meeting, chair, base))
    stuck_since = now - datetime.timedelta(days=settings.MASE_STUCK_DAYS)
    # The cases with a recent entry or action, read once for the list and its
    # count: as NOT EXISTS, PostgreSQL reads every entry and action for each
    # of the two (no index on their dates; benchmarks/RESULTS.md, "MASE").
    recently_active = {
        *ChronologyEntry.objects.filter(created_at__gte=stuck_since).order_by().values_list("referral_id", flat=True),
        *Action.objects.filter(created_at__gte=stuck_since).order_by().values_list("referral_id", flat=True),
    }
    stuck = base.filter(created_at__lt=stuck_since).exclude(pk__in=sorted(recently_active))
    groups.append(
        _group(
            Criterion.STUCK,
            stuck,
            lambda r: f"No chronology entry or action for {settings.MASE_STUCK_DAYS} days",
        )
    )
    # The panel's listings waiting for a meeting (accepted, or in monitoring
    # and due back): few, read once, then kept if their case is among `base`
    # (which the chair sees in full: a listing is seen through its case). As
    # a subquery of `base` in each of four queries they cost 30 ms at 1M.
    listings = ListingRequest.objects.filter(panel=meeting.panel)
    accepted = listings.filter(Q(meeting=meeting) | Q(meeting__isnull=True), status=ListingStatus.ACCEPTED)
    due_back = listings.monitoring_due(timezone.localtime(meeting.starts_at).date())
    waiting = list(
        (accepted | due_back).select_related("referral__child", "requested_by").order_by("-created_at", "-id")
    )
    kept = set(base.filter(pk__in={listing.referral_id for listing in waiting}).values_list("pk", flat=True))
    waiting = [listing for listing in waiting if listing.referral_id in kept]
    monitoring = [listing for listing in waiting if listing.status == ListingStatus.MONITORING]
    accepted = [listing for listing in waiting if listing.status == ListingStatus.ACCEPTED]
    groups.append(
        CandidateGroup(
            Criterion.MONITORING_DUE,
            len(monitoring),
            [
                Candidate(listing.referral, f"Due back on {_fmt(listing.next_listing_date)}", listing)
                for listing in monitoring[:SHOWN_PER_CRITERION]
            ],
        )
    )
    groups.append(
        CandidateGroup(
            Criterion.LISTING_REQUEST,
            len(accepted),
            [
                Candidate(
                    listing.referral,
                    f"Requested by {listing.requested_by.display_name}: {listing.get_reason_display()}",
                    listing,
                )
                for listing in accepted[:SHOWN_PER_CRITERION]
            ],
        )
    )
    return groups


def _associations(meeting: Meeting, chair, base) -> CandidateGroup:
    source = getattr(settings, "MASE_ASSOCIATIONS_SOURCE", None)
    if not source:
        return CandidateGroup(
            Criterion.NEW_ASSOCIATIONS, unavailable="Available once the intelligence app records associations"
        )
    previous = previous_meeting(meeting)
    since = previous.starts_at if previous else timezone.now() - MISSING_WINDOW
    found = list(import_string(source)(chair=chair, referrals=base, since=since))
    return CandidateGroup(
        Criterion.NEW_ASSOCIATIONS,
        len(found),
        [Candidate(referral, why) for referral, why in found[:SHOWN_PER_CRITERION]],
    )


def open_actions_for_review(meeting: Meeting, user):
    """Outstanding actions from the panel's earlier meetings, as the user sees them."""
    from mase.models import MaseAction

    return (
        MaseAction.objects.visible_to(user)
        .with_access_level(user)
        .outstanding()
        .filter(meeting__panel=meeting.panel, meeting__starts_at__lt=meeting.starts_at)
        .select_related("owner", "owner_agency", "meeting")
        .order_by("due_date", "id")
    )
