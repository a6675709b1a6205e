"""Every write of the MASE app: keyword-only, one transaction each, the checks
inside (who chairs the panel, what the writer sees of the case, the record's
status), refusals from sharing.refusals. Workflows are sharing.workflow tables
(MEETING_STEPS, LISTING_STEPS, ACTION_STEPS) read by pages and API alike."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.http import Http404
from django.utils import timezone

from accounts.models import Agency, User
from cse_team.validators import NOTE_MAX_LENGTH, text_errors
from mase.models import (
    OUTSTANDING,
    REMOVAL_REASON_MAX_LENGTH,
    ActionStatus,
    AgendaItem,
    Attendance,
    Criterion,
    ListingReason,
    ListingRequest,
    ListingStatus,
    MaseAction,
    Meeting,
    MeetingStatus,
    Panel,
    PanelMember,
)
from mase.permissions import chairs
from outbox.services import enqueue
from referrals.models import Referral, RiskAssessment, RiskLevel
from sharing.access import reads_casework
from sharing.levels import AccessLevel
from sharing.refusals import StepNotAllowed, require_level, require_role
from sharing.workflow import Step, Workflow

CHAIR = ("mase-chair",)
REQUESTERS = ("caseworker", "supervisor", "practitioner")


def require_chair(user: User, panel: Panel, step: str) -> None:
    """403 unless the user chairs (or deputises for the chair of) the panel."""
    require_role(user, CHAIR, step)
    if not chairs(user, panel):
        raise StepNotAllowed(f"Only the chair or deputy chair of {panel} can {step}", reason="role")


def _require_status(record, statuses, step: str) -> None:
    if record.status not in statuses:
        raise StepNotAllowed(f"You cannot {step} while it is {record.get_status_display().lower()}", reason="status")


def _locked(model, record):
    return model.objects.select_for_update().get(pk=record.pk)


def initials(child) -> str:
    """Initials for pseudonymous agendas and packs (DOMAIN.md: initials and reference)."""
    return "".join(part[:1].upper() for part in (child.first_name, child.last_name) if part)


# --- panels -------------------------------------------------------------------------


@transaction.atomic
def panel_create(*, created_by: User, name: str, kind: str, chair: User, deputy_chair: User | None = None,
                 districts=(), members: dict | None = None) -> Panel:  # fmt: skip
    """A panel with its scope and members: `members` maps an agency to (member, deputy)."""
    require_role(created_by, ("sysadmin", "mase-chair"), "set up a MASE panel")
    errors = {}
    if not name.strip():
        errors["name"] = "Give the panel a name"
    for label, person in (("chair", chair), ("deputy_chair", deputy_chair)):
        if person is not None and not person.has_role("mase-chair"):
            errors[label] = f"{person.display_name} does not hold the MASE chair role"
    if errors:
        raise ValidationError(errors)
    panel = Panel.objects.create(
        name=name.strip(), kind=kind, chair=chair, deputy_chair=deputy_chair, owning_agency=chair.agency
    )
    panel.districts.set(districts)
    for agency, (member, deputy) in (members or {}).items():
        PanelMember.objects.create(panel=panel, agency=agency, member=member, deputy=deputy)
    return panel


@transaction.atomic
def terms_draft(*, panel: Panel, drafted_by: User, text: str):
    """A new draft version of the panel's terms of reference."""
    from mase.models import TermsOfReference

    require_chair(drafted_by, panel, "draft its terms of reference")
    if not text.strip():
        raise ValidationError({"text": "Write the terms of reference"})
    Panel.objects.select_for_update().get(pk=panel.pk)
    last = panel.terms_of_reference.aggregate(last=Max("version"))["last"] or 0
    return TermsOfReference.objects.create(panel=panel, version=last + 1, text=text.strip(), drafted_by=drafted_by)


@transaction.atomic
def terms_finalise(*, terms, finalised_by: User):
    from mase.models import TermsOfReference

    current = _locked(TermsOfReference, terms)
    require_chair(finalised_by, current.panel, "finalise its terms of reference")
    _require_status(current, (TermsOfReference.Status.DRAFT,), "finalise the terms of reference")
    current.status = TermsOfReference.Status.FINAL
    current.save()
    return current


@transaction.atomic
def terms_sign(*, terms, signed_by: User):
    """The signer's agency signs a final version; when every member agency
    has, it is signed off."""
    from mase.models import TermsOfReference, TermsSignature

    current = _locked(TermsOfReference, terms)
    _require_status(current, (TermsOfReference.Status.FINAL,), "sign the terms of reference")
    seat = current.panel.members.filter(agency_id=signed_by.agency_id).first()
    if seat is None or signed_by.pk not in (seat.member_id, seat.deputy_id):
        raise StepNotAllowed("Only your agency's member or deputy on the panel can sign for it", reason="role")
    if current.signatures.filter(agency_id=signed_by.agency_id).exists():
        raise StepNotAllowed("Your agency has already signed this version", reason="status")
    TermsSignature.objects.create(terms=current, agency_id=signed_by.agency_id, signed_by=signed_by)
    members = set(current.panel.members.values_list("agency_id", flat=True))
    if members <= set(current.signatures.values_list("agency_id", flat=True)):
        current.status, current.signed_off_at = TermsOfReference.Status.SIGNED_OFF, timezone.now()
        current.save()
    return current


def _may_sign(user: User, terms) -> bool:
    seat = next((seat for seat in terms.panel.members.all() if seat.agency_id == user.agency_id), None)
    return seat is not None and user.pk in (seat.member_id, seat.deputy_id)


def terms_steps_for(user: User, terms) -> list[Step]:
    """Buttons on a version: finalise for the panel's chair, sign for a member
    agency's member or deputy whose agency has not signed. The services check again."""
    from mase.models import TermsOfReference

    steps = []
    if terms.status == TermsOfReference.Status.DRAFT and chairs(user, terms.panel):
        steps.append(TERMS_STEPS["finalise"])
    if (
        terms.status == TermsOfReference.Status.FINAL
        and _may_sign(user, terms)
        and not terms.signatures.filter(agency_id=user.agency_id).exists()
    ):
        steps.append(TERMS_STEPS["sign"])
    return steps


TERMS_STEPS = Workflow(
    Step("finalise", "Finalise this version", ("draft",), CHAIR, terms_finalise, "finalised_by"),
    Step("sign", "Sign for your agency", ("final",), (), terms_sign, "signed_by"),
    record_argument="terms",
)


# --- meetings -----------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(*, panel: Panel, scheduled_by: User, starts_at: datetime.datetime,
                     listing_deadline: datetime.date, venue: str = "") -> Meeting:  # fmt: skip
    require_chair(scheduled_by, panel, "schedule its meetings")
    errors = {}
    if starts_at is None:
        errors["starts_at"] = "Give the date and time of the meeting"
    elif listing_deadline and listing_deadline > timezone.localtime(starts_at).date():
        errors["listing_deadline"] = "The listing deadline must be on or before the day of the meeting"
    if listing_deadline is None:
        errors["listing_deadline"] = "Give the last day a listing may be requested"
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        reference=f"new-{uuid.uuid4().hex[:12]}",
        panel=panel,
        starts_at=starts_at,
        listing_deadline=listing_deadline,
        venue=venue.strip(),
        owning_agency=panel.owning_agency,
        created_by=scheduled_by,
    )
    meeting.reference = f"MASE-{timezone.localtime(starts_at):%Y}-{meeting.pk:04d}"
    meeting.save(update_fields=["reference"])
    return meeting


def _move_meeting(step: str, *, meeting: Meeting, user: User, check=None, **fields) -> Meeting:
    current = _locked(Meeting, meeting)
    require_chair(user, current.panel, "run its meetings")
    _require_status(current, MEETING_STEPS[step].from_statuses, MEETING_STEPS[step].label.lower())
    if check is not None:
        check(current)
    for name, value in fields.items():
        setattr(current, name, value)
    current.status = MEETING_NEXT[step]
    current.version += 1
    current.save()
    return current


@transaction.atomic
def meeting_close_agenda(*, meeting: Meeting, closed_by: User) -> Meeting:
    """Close the agenda; each listed child's case is then shared with the
    panel's agencies for the meeting's purpose (DESIGN.md)."""

    def has_items(current):
        if not current.items.exists():
            raise StepNotAllowed("Add at least one item before closing the agenda", reason="status")

    current = _move_meeting(
        "close_agenda", meeting=meeting, user=closed_by, check=has_items, agenda_closed_at=timezone.now()
    )
    share_listed_cases(meeting=current, shared_by=closed_by)
    return current


# Listing a case shares it with the panel's agencies for the meeting's purpose
# (DESIGN.md, "Events create shares too"), through the sharing engine: at
# summary, the "who else knows this child" level (identity, district, risk
# level, the lead professional's contact), so each agency can check its own
# records before the meeting and reach the lead professional; the case file
# stays with the agencies the protocol gives it to, and each agency's pack
# still holds only what the protocol gives it. Until LISTED_CASE_SHARE_DAYS
# after the meeting (its actions are followed up), or until the listing is removed.
LISTED_CASE_SHARE_LEVEL = AccessLevel.SUMMARY
LISTED_CASE_SHARE_DAYS = 28
LISTED_CASE_BASES = {"uk_gdpr": "gdpr-public-task-safeguarding", "law_enforcement": "dpa3-sch8-para4"}


def listed_case_purpose(meeting: Meeting) -> str:
    return (
        f"Listed at {meeting.panel} ({meeting.reference}): the panel's agencies prepare for the meeting and act on it"
    )


def share_listed_cases(*, meeting: Meeting, shared_by: User) -> list:
    """Share each child's case on the agenda with every agency on the panel
    (but the case's owner and the sharer's own), at summary, until
    LISTED_CASE_SHARE_DAYS after the meeting. The engine's checks apply: a
    case the chair sees only through a share (sharing is never transitive),
    or a meeting already long past, is not shared. Returns the shares made."""
    from mase.models import ListedCaseShare
    from sharing.models import LawfulBasis
    from sharing.services import share_record

    basis = LawfulBasis.objects.filter(code=LISTED_CASE_BASES.get(shared_by.agency.regime), active=True).first()
    ends = timezone.localtime(meeting.starts_at) + datetime.timedelta(days=LISTED_CASE_SHARE_DAYS)
    if basis is None or ends <= timezone.now():
        return []
    agencies = list(Agency.objects.filter(pk__in=meeting.panel.members.values("agency_id")))
    made = []
    for item in meeting.items.filter(referral__isnull=False).select_related("referral"):
        for agency in agencies:
            if agency.pk in (item.referral.owning_agency_id, shared_by.agency_id):
                continue
            try:
                with transaction.atomic():
                    share = share_record(
                        shared_by=shared_by, record=item.referral, recipient_agency=agency,
                        level=LISTED_CASE_SHARE_LEVEL, purpose=listed_case_purpose(meeting), lawful_basis=basis,
                        expires_at=ends,
                    )  # fmt: skip
            except (ValidationError, Http404):
                continue  # refused by the engine (not the chair's to pass on): the item stays, unshared
            ListedCaseShare.objects.create(item=item, share=share)
            made.append(share)
    return made


def end_listed_case_shares(*, panel: Panel, items, ended_by: User, reason: str, request=None) -> int:
    """End the active shares made for the panel when the items' cases were on
    an agenda (`ListedCaseShare`), whichever agency's user made them: the
    listing is over, so the panel has no more reason to see the case, as
    when the shares reach their end date. The caller checks that `ended_by`
    chairs the panel; sharing.services.end_event_shares records each ended
    share (who, why) and a `revoke` access event."""
    from mase.models import ListedCaseShare
    from sharing.models import Share
    from sharing.services import end_event_shares

    links = ListedCaseShare.objects.filter(item__in=items).values("share_id")
    return end_event_shares(
        shares=Share.objects.filter(pk__in=links), ended_by=ended_by, reason=reason, on_behalf_of=str(panel),
        request=request,
    )  # fmt: skip


@transaction.atomic
def meeting_hold(*, meeting: Meeting, held_by: User) -> Meeting:
    def on_its_day(current):
        if timezone.localtime(current.starts_at).date() > timezone.localdate():
            raise StepNotAllowed("The meeting cannot be held before its day", reason="status")

    return _move_meeting("hold", meeting=meeting, user=held_by, check=on_its_day, held_at=timezone.now())


@transaction.atomic
def meeting_draft_minutes(*, meeting: Meeting, drafted_by: User) -> Meeting:
    return _move_meeting("draft_minutes", meeting=meeting, user=drafted_by)


@transaction.atomic
def meeting_approve_minutes(*, meeting: Meeting, approved_by: User) -> Meeting:
    return _move_meeting("approve_minutes", meeting=meeting, user=approved_by)


@transaction.atomic
def meeting_circulate_minutes(*, meeting: Meeting, circulated_by: User, lawful_basis=None,
                              purpose: str = "") -> Meeting:  # fmt: skip
    """Circulate the approved minutes: each agency on the panel that names a
    member gets its copy, filtered as its pack was (mase.packs), each a
    recorded disclosure under `lawful_basis`."""
    from mase.models import MeetingPack

    current = _move_meeting("circulate_minutes", meeting=meeting, user=circulated_by)
    _issue_documents(
        current, issued_by=circulated_by, lawful_basis=lawful_basis, kind=MeetingPack.Kind.MINUTES,
        purpose=purpose.strip() or f"The minutes of {current.panel} ({current.reference})",
    )  # fmt: skip
    return current


MINUTES_OPEN = (MeetingStatus.HELD, MeetingStatus.MINUTES_DRAFT)


@transaction.atomic
def minutes_record(*, meeting: Meeting, recorded_by: User, minutes_notes: str) -> Meeting:
    """The meeting's general minutes (about no child: each item has its own),
    written while the meeting is held or its minutes are in draft."""
    current = _locked(Meeting, meeting)
    require_chair(recorded_by, current.panel, "write its minutes")
    if current.status not in MINUTES_OPEN:
        raise StepNotAllowed("The minutes are written once the meeting is held and until they are approved",
                             reason="status")  # fmt: skip
    current.minutes_notes = minutes_notes.strip()
    current.version += 1
    current.save()
    return current


MEETING_NEXT = {
    "close_agenda": MeetingStatus.AGENDA_CLOSED,
    "hold": MeetingStatus.HELD,
    "draft_minutes": MeetingStatus.MINUTES_DRAFT,
    "approve_minutes": MeetingStatus.MINUTES_APPROVED,
    "circulate_minutes": MeetingStatus.CIRCULATED,
}

MEETING_STEPS = Workflow(
    Step("close_agenda", "Close the agenda", (MeetingStatus.SCHEDULED,), CHAIR, meeting_close_agenda, "closed_by"),
    Step("hold", "Record the meeting as held", (MeetingStatus.AGENDA_CLOSED,), CHAIR, meeting_hold, "held_by"),
    Step("draft_minutes", "Start the minutes", (MeetingStatus.HELD,), CHAIR, meeting_draft_minutes, "drafted_by"),
    Step("approve_minutes", "Approve the minutes", (MeetingStatus.MINUTES_DRAFT,), CHAIR, meeting_approve_minutes,
         "approved_by"),
    Step("circulate_minutes", "Circulate the minutes", (MeetingStatus.MINUTES_APPROVED,), CHAIR,
         meeting_circulate_minutes, "circulated_by"),
    record_argument="meeting",
)  # fmt: skip


@transaction.atomic
def attendance_record(*, meeting: Meeting, recorded_by: User, agency: Agency, status: str,
                      attendee_name: str = "") -> Attendance:  # fmt: skip
    """An agency's attendance or apologies (recorded again, it replaces the last)."""
    meeting = _locked(Meeting, meeting)
    require_chair(recorded_by, meeting.panel, "record attendance")
    if meeting.status == MeetingStatus.SCHEDULED:
        raise StepNotAllowed("Record attendance once the agenda is closed", reason="status")
    if status not in Attendance.Status.values:
        raise ValidationError({"status": "Choose attended or sent apologies"})
    if status == Attendance.Status.ATTENDED and not attendee_name.strip():
        raise ValidationError({"attendee_name": "Give the name of who attended"})
    attendance, _ = Attendance.objects.update_or_create(
        meeting=meeting, agency=agency, defaults={"status": status, "attendee_name": attendee_name.strip()}
    )
    return attendance


# --- listing requests -----------------------------------------------------------------


def current_approved_assessment(referral: Referral, today: datetime.date | None = None) -> RiskAssessment | None:
    """The newest approved risk assessment, if its review is not yet overdue."""
    today = today or timezone.localdate()
    latest = (
        RiskAssessment.objects.filter(referral=referral, status=RiskAssessment.Status.APPROVED)
        .order_by("-decided_at", "-id")
        .first()
    )
    if latest is None or (latest.review_due is not None and latest.review_due < today):
        return None
    return latest


def _in_scope(panel: Panel, referral: Referral) -> bool:
    districts = set(panel.districts.values_list("pk", flat=True))
    return not districts or referral.child.district_id in districts


@transaction.atomic
def listing_request_create(*, referral: Referral, requested_by: User, panel: Panel, reason: str, detail: str,
                           meeting: Meeting | None = None) -> ListingRequest:  # fmt: skip
    """A request to list a child's case, with the current approved risk assessment
    (refused, with why, when there is none or it is out of date)."""
    require_level(requested_by, referral, AccessLevel.FULL)
    require_role(requested_by, REQUESTERS, "request a MASE listing")
    errors = {}
    if reason not in ListingReason.values:
        errors["reason"] = "Choose why the case should be listed"
    if not detail.strip():
        errors["detail"] = "Say why the panel should discuss the case now"
    if not panel.active:
        errors["panel"] = "That panel no longer meets"
    elif not _in_scope(panel, referral):
        errors["panel"] = f"The child does not live in an area {panel} covers ({panel.scope_label})"
    if meeting is not None and meeting.panel_id != panel.pk:
        errors["meeting"] = "Choose a meeting of the panel"
    elif meeting is not None and not Meeting.objects.filter(pk=meeting.pk).open_for_listing().exists():
        errors["meeting"] = "That meeting's listing deadline has passed or its agenda is closed"
    if errors:
        raise ValidationError(errors)
    assessment = current_approved_assessment(referral)
    if assessment is None:
        latest = RiskAssessment.objects.filter(referral=referral, status=RiskAssessment.Status.APPROVED).first()
        message = (
            f"The last approved risk assessment was due for review on {latest.review_due:%-d %B %Y}. "
            "Complete a new one and have it approved before requesting a listing."
            if latest
            else "This case has no approved risk assessment. Complete one and have it approved before "
            "requesting a listing."
        )
        raise StepNotAllowed(message, reason="status")
    try:
        with transaction.atomic():
            return ListingRequest.objects.create(
                referral=referral,
                panel=panel,
                meeting=meeting,
                reason=reason,
                detail=detail.strip(),
                risk_assessment=assessment,
                requested_by=requested_by,
                agency=requested_by.agency,
            )
    except IntegrityError:
        raise StepNotAllowed("This case already has a listing request pending at this panel", reason="status") from None


def _begin_listing(listing: ListingRequest, user: User, step: str) -> ListingRequest:
    current = _locked(ListingRequest, listing)
    require_level(user, current.referral, AccessLevel.FULL)
    require_chair(user, current.panel, step)
    _require_status(current, LISTING_STEPS[step.split(" ")[0]].from_statuses, step)
    return current


@transaction.atomic
def listing_request_accept(*, listing: ListingRequest, accepted_by: User, note: str = "") -> ListingRequest:
    current = _begin_listing(listing, accepted_by, "accept the listing")
    current.status, current.decided_by, current.decided_at = ListingStatus.ACCEPTED, accepted_by, timezone.now()
    current.decision_note = note.strip()
    current.save()
    return current


@transaction.atomic
def listing_request_decline(*, listing: ListingRequest, declined_by: User, note: str) -> ListingRequest:
    if not note.strip():
        raise ValidationError({"note": "Say why the listing is declined: the caseworker will read it"})
    current = _begin_listing(listing, declined_by, "decline the listing")
    current.status, current.decided_by, current.decided_at = ListingStatus.DECLINED, declined_by, timezone.now()
    current.decision_note = note.strip()
    current.save()
    return current


@transaction.atomic
def listing_request_monitor(*, listing: ListingRequest, monitored_by: User,
                            next_listing_date: datetime.date) -> ListingRequest:  # fmt: skip
    if not next_listing_date or next_listing_date <= timezone.localdate():
        raise ValidationError({"next_listing_date": "Give a date in the future for the case to come back"})
    current = _begin_listing(listing, monitored_by, "monitor the listing")
    current.status, current.next_listing_date = ListingStatus.MONITORING, next_listing_date
    current.save()
    return current


@transaction.atomic
def listing_request_remove(*, listing: ListingRequest, removed_by: User, note: str = "") -> ListingRequest:
    from sharing.services import SHARE_TEXT_MAX

    errors = {}
    # The note ends the shares made for the panel: it is held to their end
    # reason's limit here, so that a longer one is the note's error.
    text_errors(errors, "note", note, min(NOTE_MAX_LENGTH, SHARE_TEXT_MAX), "The note")
    if errors:
        raise ValidationError(errors)
    current = _begin_listing(listing, removed_by, "remove the listing")
    current.status = ListingStatus.REMOVED
    if note.strip():
        current.decision_note = note.strip()
    current.save()
    end_listed_case_shares(
        panel=current.panel, items=AgendaItem.objects.filter(listing=current), ended_by=removed_by,
        reason=note.strip() or f"Removed from the list of {current.panel}",
    )  # fmt: skip
    return current


LISTING_STEPS = Workflow(
    Step("accept", "Accept", (ListingStatus.PROPOSED,), CHAIR, listing_request_accept, "accepted_by"),
    Step("decline", "Decline", (ListingStatus.PROPOSED,), CHAIR, listing_request_decline, "declined_by"),
    Step("monitor", "Monitor", (ListingStatus.DISCUSSED,), CHAIR, listing_request_monitor, "monitored_by"),
    Step("remove", "Remove from the panel's list", (ListingStatus.DISCUSSED, ListingStatus.MONITORING), CHAIR,
         listing_request_remove, "removed_by"),
    record_argument="listing",
)  # fmt: skip


def listing_steps_for(user: User, listing: ListingRequest) -> list[Step]:
    """Buttons for a listing request (seen through its referral, so the steps
    are for the panel's chair rather than for change access)."""
    if not chairs(user, listing.panel):
        return []
    return [step for step in LISTING_STEPS.values() if step.offered_to(user, listing)]


# --- the agenda -----------------------------------------------------------------------


def _agenda_changed(meeting: Meeting) -> None:
    """Packs issued before now show as superseded."""
    Meeting.objects.filter(pk=meeting.pk).update(agenda_version=F("agenda_version") + 1)


def _require_open_agenda(meeting: Meeting, user: User) -> Meeting:
    current = _locked(Meeting, meeting)
    require_chair(user, current.panel, "build its agenda")
    if current.status != MeetingStatus.SCHEDULED:
        raise StepNotAllowed("The agenda is closed", reason="status")
    return current


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, added_by: User, criterion: str, referral: Referral | None = None,
                    why: str = "", title: str = "", listing: ListingRequest | None = None,
                    minutes_allotted: int = 10, subject: str = "") -> AgendaItem:  # fmt: skip
    """Put a child's case (seen in full by the chair), a person of concern or
    a place the chair sees (`subject`, "person:<id>" or "location:<id>"; see
    mase.topics), or a theme on the agenda; an accepted listing request
    becomes listed."""
    from mase import topics

    current = _require_open_agenda(meeting, added_by)
    if criterion not in Criterion.values:
        raise ValidationError({"criterion": "Choose why the item is on the agenda"})
    subject_kind, subject_id = topics.resolve_subject(added_by, subject) if subject else ("", None)
    if subject_kind and (referral is not None or listing is not None):
        raise ValidationError({"subject": "An item is about a child or about a person or place, not both"})
    if subject_kind and not title.strip():
        title = topics.pseudonym(subject_kind, subject_id)
    if listing is not None:
        listing = _locked(ListingRequest, listing)
        if listing.panel_id != current.panel_id or listing.status != ListingStatus.ACCEPTED:
            raise StepNotAllowed("Only an accepted listing request for this panel can be listed", reason="status")
        referral = listing.referral
    if referral is None:
        if not title.strip():
            raise ValidationError({"title": "Name the person, place or theme"})
        owner, child_initials = current.owning_agency, ""
    else:
        require_level(added_by, referral, AccessLevel.FULL)
        if current.items.filter(referral=referral).exists():
            raise StepNotAllowed("That case is already on the agenda", reason="status")
        owner, child_initials = referral.owning_agency, initials(referral.child)
    position = (current.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = AgendaItem.objects.create(
        reference=f"{current.reference}/{position}",
        meeting=current,
        referral=referral,
        listing=listing,
        criterion=criterion,
        why=why.strip(),
        title=title.strip(),
        subject_kind=subject_kind,
        subject_id=subject_id,
        child_initials=child_initials,
        position=position,
        minutes_allotted=minutes_allotted,
        owning_agency=owner,
    )
    if listing is not None:
        listing.status, listing.meeting = ListingStatus.LISTED, current
        listing.save()
    _agenda_changed(current)
    return item


@transaction.atomic
def agenda_arrange(*, meeting: Meeting, arranged_by: User, order: list[int], minutes: dict[int, int]) -> list:
    """Put the items in `order` (item ids) with the minutes allotted to each."""
    current = _require_open_agenda(meeting, arranged_by)
    items = {item.pk: item for item in current.items.all()}
    if sorted(order) != sorted(items):
        raise ValidationError({"order": "Give every item on the agenda once"})
    errors = {}
    for pk in order:
        allotted = minutes.get(pk, items[pk].minutes_allotted)
        if not isinstance(allotted, int) or not 1 <= allotted <= 120:
            errors[f"minutes_{pk}"] = "Allot between 1 and 120 minutes"
    if errors:
        raise ValidationError(errors)
    for position, pk in enumerate(order, start=1):
        item = items[pk]
        item.position, item.minutes_allotted = position, minutes.get(pk, item.minutes_allotted)
        item.reference = f"{current.reference}/{position}"
    AgendaItem.objects.bulk_update(items.values(), ["position", "minutes_allotted", "reference"])
    _agenda_changed(current)
    return [items[pk] for pk in order]


ITEM_REMOVABLE = (MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_CLOSED)


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, removed_by: User, reason: str, request=None) -> dict:
    """Take an item off the agenda: the panel's chair or deputy, full on the
    item, while the agenda is open or, once it is closed, until the meeting is
    held. The items after it move up; an accepted listing goes back to
    accepted (to be listed again); the shares made for the panel when the
    agenda closed end, whichever agency made them (end_listed_case_shares);
    packs already issued are superseded (the agenda changed). Recorded in the
    access log with the reason. Returns what happened, for the page to say."""
    from audit.models import AccessEvent
    from audit.services import record_access
    from mase.models import MeetingPack

    errors = {}
    if not reason or not reason.strip():
        errors["reason"] = "Say why the item comes off the agenda: the panel's record keeps it"
    text_errors(errors, "reason", reason, REMOVAL_REASON_MAX_LENGTH, "The reason")
    if errors:
        raise ValidationError(errors)
    reason = reason.strip()
    current = _locked(AgendaItem, item)
    meeting = _locked(Meeting, current.meeting)
    require_chair(removed_by, meeting.panel, "take items off its agenda")
    require_level(removed_by, current, AccessLevel.FULL)
    if meeting.status not in ITEM_REMOVABLE:
        raise StepNotAllowed("Items come off the agenda only before the meeting is held", reason="status")
    ended = end_listed_case_shares(
        panel=meeting.panel, items=[current], ended_by=removed_by, request=request,
        reason=f"Taken off the agenda of {meeting.reference}: {reason}",
    )  # fmt: skip
    if current.listing_id:
        ListingRequest.objects.filter(pk=current.listing_id, status=ListingStatus.LISTED).update(
            status=ListingStatus.ACCEPTED, meeting=None
        )
    superseded = MeetingPack.objects.filter(
        meeting=meeting, kind=MeetingPack.Kind.PACK, agenda_version__gte=meeting.agenda_version
    ).count()
    removed = {"reference": current.reference, "item": current.pk, "position": current.position,
               "referral": current.referral.reference if current.referral_id else None,
               "listing": current.listing_id, "shares_ended": ended, "packs_superseded": superseded,
               "agenda_closed": meeting.status == MeetingStatus.AGENDA_CLOSED}  # fmt: skip
    current.delete()
    later = list(meeting.items.filter(position__gt=removed["position"]).order_by("position"))
    for position, later_item in enumerate(later, start=removed["position"]):
        later_item.position, later_item.reference = position, f"{meeting.reference}/{position}"
    AgendaItem.objects.bulk_update(later, ["position", "reference"])
    _agenda_changed(meeting)
    record_access(
        user=removed_by, action=AccessEvent.Action.CHANGE, record_kind="mase.meeting", record_ids=[meeting.pk],
        request=request, reason=reason, details={"removed_agenda_item": removed},
    )  # fmt: skip
    return removed


@transaction.atomic
def agenda_item_record(*, item: AgendaItem, recorded_by: User, discussion_summary: str, agreed_risk_level: str = "",
                       decisions: str = "") -> AgendaItem:  # fmt: skip
    """What the meeting said about an item. An agreed risk level for a child
    is written to the case's chronology (the child's timeline)."""
    from referrals import services as referral_services

    current = _locked(AgendaItem, item)
    require_level(recorded_by, current, AccessLevel.FULL)
    require_chair(recorded_by, current.meeting.panel, "record the meeting")
    if current.meeting.status not in MINUTES_OPEN:
        raise StepNotAllowed("Record items once the meeting is held and until the minutes are approved",
                             reason="status")  # fmt: skip
    errors = {}
    if not discussion_summary.strip():
        errors["discussion_summary"] = "Summarise the discussion"
    if agreed_risk_level and agreed_risk_level not in RiskLevel.values:
        errors["agreed_risk_level"] = "Choose low, medium or high"
    if current.referral_id and not agreed_risk_level:
        errors["agreed_risk_level"] = "Record the risk level the panel agreed for the child"
    if errors:
        raise ValidationError(errors)
    first_time = current.discussed_at is None
    current.discussion_summary = discussion_summary.strip()
    current.agreed_risk_level = agreed_risk_level
    current.decisions = decisions.strip()
    current.discussed_at = current.discussed_at or timezone.now()
    current.save()
    if current.referral_id and first_time:
        level = RiskLevel(agreed_risk_level).label.lower()
        referral_services.chronology_add(
            referral=current.referral,
            recorded_by=recorded_by,
            occurred_at=timezone.now(),
            kind="meeting",
            summary=f"Discussed at {current.meeting.panel} ({current.meeting.reference}): agreed risk level {level}.",
        )
    if current.listing_id:
        ListingRequest.objects.filter(pk=current.listing_id, status=ListingStatus.LISTED).update(
            status=ListingStatus.DISCUSSED
        )
    return current


# --- actions --------------------------------------------------------------------------


@transaction.atomic
def action_create(*, meeting: Meeting, created_by: User, description: str, owner: User, due_date: datetime.date,
                  agenda_item: AgendaItem | None = None) -> MaseAction:  # fmt: skip
    meeting = _locked(Meeting, meeting)
    require_chair(created_by, meeting.panel, "set actions")
    if meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_CLOSED):
        raise StepNotAllowed("Actions are agreed at the meeting: record it as held first", reason="status")
    errors = {}
    if not description.strip():
        errors["description"] = "Say what is to be done"
    if owner is None or not owner.is_active or not reads_casework(owner):
        errors["owner"] = "Choose the person who will do it"
    if due_date is None:
        errors["due_date"] = "Give the deadline"
    elif due_date < timezone.localtime(meeting.starts_at).date():
        errors["due_date"] = "The deadline must be on or after the day of the meeting"
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        errors["agenda_item"] = "Choose an item of this meeting"
    if errors:
        raise ValidationError(errors)
    action = MaseAction.objects.create(
        reference=f"new-{uuid.uuid4().hex[:12]}",
        meeting=meeting,
        agenda_item=agenda_item,
        description=description.strip(),
        owner=owner,
        owner_agency=owner.agency,
        due_date=due_date,
        created_by=created_by,
    )
    action.reference = f"MA-{action.created_at:%Y}-{action.pk:05d}"
    action.save(update_fields=["reference"])
    enqueue("mase.action_assigned", action_id=action.pk)
    return action


def _begin_action(action: MaseAction, user: User, step: str) -> MaseAction:
    current = _locked(MaseAction, action)
    require_level(user, current, AccessLevel.CHANGE)
    _require_status(current, ACTION_STEPS[step].from_statuses, ACTION_STEPS[step].label.lower())
    return current


@transaction.atomic
def action_start(*, action: MaseAction, started_by: User) -> MaseAction:
    current = _begin_action(action, started_by, "start")
    current.status = ActionStatus.IN_PROGRESS
    current.version += 1
    current.save()
    return current


def _close_action(step: str, status: str, *, action: MaseAction, user: User, outcome_note: str) -> MaseAction:
    if not outcome_note.strip():
        raise ValidationError({"outcome_note": "Record the outcome"})
    current = _begin_action(action, user, step)
    current.status, current.outcome_note, current.closed_at = status, outcome_note.strip(), timezone.now()
    current.version += 1
    current.save()
    return current


@transaction.atomic
def action_complete(*, action: MaseAction, completed_by: User, outcome_note: str) -> MaseAction:
    return _close_action("complete", ActionStatus.COMPLETED, action=action, user=completed_by,
                         outcome_note=outcome_note)  # fmt: skip


@transaction.atomic
def action_cancel(*, action: MaseAction, cancelled_by: User, outcome_note: str) -> MaseAction:
    return _close_action("cancel", ActionStatus.CANCELLED, action=action, user=cancelled_by,
                         outcome_note=outcome_note)  # fmt: skip


WORKERS = ("caseworker", "practitioner", "supervisor", "intelligence-officer", "investigator", "analyst",
           "mase-chair", "manager")  # fmt: skip

ACTION_STEPS = Workflow(
    Step("start", "Mark as in progress", (ActionStatus.OPEN,), WORKERS, action_start, "started_by"),
    Step("complete", "Complete", OUTSTANDING, WORKERS, action_complete, "completed_by"),
    Step("cancel", "Cancel", OUTSTANDING, WORKERS, action_cancel, "cancelled_by"),
    record_argument="action",
)


@transaction.atomic
def actions_queue_reminders(*, today: datetime.date | None = None) -> int:
    """Queue a reminder for each outstanding action due within
    MASE_REMINDER_DAYS_BEFORE days, and one when it becomes overdue: once
    each (the action records that it was reminded). Returns how many."""
    today = today or timezone.localdate()
    queued = 0
    due_soon = (
        MaseAction.objects.due_within(settings.MASE_REMINDER_DAYS_BEFORE, today)
        .filter(reminded_before_on__isnull=True)
        .select_for_update(skip_locked=True)
    )
    due_ids = [action.pk for action in due_soon]
    for pk in due_ids:
        enqueue("mase.action_reminder", action_id=pk, kind="due")
        queued += 1
    MaseAction.objects.filter(pk__in=due_ids).update(reminded_before_on=today)
    overdue = (
        MaseAction.objects.overdue(today).filter(reminded_overdue_on__isnull=True).select_for_update(skip_locked=True)
    )
    overdue_ids = [action.pk for action in overdue]
    for pk in overdue_ids:
        enqueue("mase.action_reminder", action_id=pk, kind="overdue")
        queued += 1
    MaseAction.objects.filter(pk__in=overdue_ids).update(reminded_overdue_on=today)
    return queued


# --- packs ----------------------------------------------------------------------------


@transaction.atomic
def packs_issue(*, meeting: Meeting, issued_by: User, lawful_basis, purpose: str = "") -> list:
    """A pack for each agency on the panel that names a member, prepared in
    the background (mase.build_pack). Each is a recorded disclosure."""
    from mase.models import MeetingPack

    meeting = _locked(Meeting, meeting)
    require_chair(issued_by, meeting.panel, "issue its packs")
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_CLOSED):
        raise StepNotAllowed("Packs go out before the meeting", reason="status")
    if not meeting.items.exists():
        raise StepNotAllowed("Add items to the agenda before issuing packs", reason="status")
    return _issue_documents(
        meeting, issued_by=issued_by, lawful_basis=lawful_basis, kind=MeetingPack.Kind.PACK,
        purpose=purpose.strip() or f"Preparation for {meeting.panel} ({meeting.reference})",
    )  # fmt: skip


def _issue_documents(meeting: Meeting, *, issued_by: User, lawful_basis, kind: str, purpose: str) -> list:
    """One document of `kind` per agency on the panel that names a member,
    each a Record of Sharing, built in the background by mase.build_pack
    (packs and minutes alike: one filter, mase.packs)."""
    from mase.models import MeetingPack
    from sharing.services import protocol_in_force

    if lawful_basis is None or not lawful_basis.active or lawful_basis.regime != issued_by.agency.regime:
        raise ValidationError({"lawful_basis": f"Choose a lawful basis {issued_by.agency} may rely on"})
    documents = []
    for seat in meeting.panel.members.select_related("agency", "member").filter(member__isnull=False):
        document = MeetingPack.objects.create(
            kind=kind,
            meeting=meeting,
            agency=seat.agency,
            recipient=seat.member,
            agenda_version=meeting.agenda_version,
            protocol=protocol_in_force(),
            purpose=purpose,
            lawful_basis=lawful_basis,
            issued_by=issued_by,
        )
        enqueue("mase.build_pack", pack_id=document.pk)
        documents.append(document)
    if not documents:
        raise StepNotAllowed("No agency on the panel names a member to send it to", reason="status")
    return documents


# --- the strategic CSE action plan -------------------------------------------------------

PLAN_KEEPERS = ("mase-chair", "manager", "supervisor")


def _require_plan_keeper(user: User, step: str) -> None:
    """The plan is the CSE team's, reviewed by the strategic MASE: its chairs,
    the team's managers and supervisors keep it."""
    require_role(user, PLAN_KEEPERS, step)
    if not (user.is_cse_team_member or user.has_role("mase-chair")):
        raise StepNotAllowed(f"Only the CSE team or a MASE chair can {step}", reason="role")


@transaction.atomic
def plan_action_add(*, work_stream, added_by: User, description: str, owner: User, due_date: datetime.date):
    from mase.models import PlanAction

    _require_plan_keeper(added_by, "add to the action plan")
    errors = {}
    if not description.strip():
        errors["description"] = "Say what is to be done"
    if owner is None or not owner.is_active:
        errors["owner"] = "Choose who owns it"
    if due_date is None:
        errors["due_date"] = "Give the deadline"
    if errors:
        raise ValidationError(errors)
    return PlanAction.objects.create(
        work_stream=work_stream, description=description.strip(), owner=owner, owner_agency=owner.agency,
        due_date=due_date,
    )  # fmt: skip


@transaction.atomic
def plan_update_record(*, action, recorded_by: User, note: str, rag: str, completed: bool = False):
    """A dated update; its RAG status becomes the action's."""
    from mase.models import PlanAction, PlanUpdate, Rag

    current = _locked(PlanAction, action)
    if recorded_by.pk != current.owner_id:
        _require_plan_keeper(recorded_by, "update the action plan")
    errors = {}
    if not note.strip():
        errors["note"] = "Say what has happened"
    if rag not in Rag.values:
        errors["rag"] = "Choose red, amber or green"
    if errors:
        raise ValidationError(errors)
    update = PlanUpdate.objects.create(action=current, note=note.strip(), rag=rag, recorded_by=recorded_by)
    current.rag, current.completed = rag, completed
    current.save()
    return update
