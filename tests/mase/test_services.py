"""The MASE services: panels and meetings, listing requests, the agenda, the
meeting's record and actions, each with the refusals a user would meet."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.models import Agency
from mase import services
from mase.models import ActionStatus, ListingStatus, MeetingStatus
from referrals.models import ChronologyEntry, RiskAssessment
from sharing.models import LawfulBasis
from sharing.refusals import StepNotAllowed
from sharing.services import SHARE_TEXT_MAX

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


# --- panels and meetings ---------------------------------------------------------------


def test_a_panel_has_scope_chair_and_members_by_agency(panel):
    assert panel.scope_label == "Maidstone"
    assert panel.chair.username == "mase.chair"
    assert panel.owning_agency.code == "kcc"
    assert {member.agency.code for member in panel.members.all()} == {
        "kent-police",
        "kcc",
        "medway",
        "health",
        "early-help",
    }


def test_only_a_mase_chair_may_chair_a_panel(make_panel, personas):
    with pytest.raises(ValidationError) as refused:
        make_panel(name="Bad", chair=personas["kcc.caseworker"])
    assert "does not hold the MASE chair role" in str(refused.value)


def test_only_the_panels_chair_schedules_its_meetings(panel, personas):
    with pytest.raises(StepNotAllowed):
        services.meeting_schedule(
            panel=panel,
            scheduled_by=personas["kcc.supervisor"],
            starts_at=timezone.now() + datetime.timedelta(days=3),
            listing_deadline=today(),
        )


def test_the_listing_deadline_is_not_after_the_meeting(panel, chair):
    with pytest.raises(ValidationError) as refused:
        services.meeting_schedule(
            panel=panel,
            scheduled_by=chair,
            starts_at=timezone.now() + datetime.timedelta(days=3),
            listing_deadline=today() + datetime.timedelta(days=10),
        )
    assert "listing_deadline" in refused.value.message_dict


def test_a_meeting_walks_its_lifecycle_and_cannot_skip_a_step(make_meeting, chair, panel, personas):
    panel.members.filter(agency__code="kcc").update(member=personas["kcc.supervisor"])
    meeting = make_meeting(panel, days=0, deadline_days=0)
    assert meeting.reference.startswith("MASE-")
    with pytest.raises(StepNotAllowed, match="at least one item"):
        services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Hotels on the A20")
    with pytest.raises(StepNotAllowed) as refused:
        services.meeting_hold(meeting=meeting, held_by=chair)
    assert refused.value.reason == "status"
    for step in ("close_agenda", "hold", "draft_minutes", "approve_minutes"):
        meeting = services.MEETING_STEPS[step].take(record=meeting, user=chair)
    with pytest.raises(ValidationError):  # circulating is a disclosure: it needs a lawful basis
        services.MEETING_STEPS["circulate_minutes"].take(record=meeting, user=chair)
    basis = LawfulBasis.objects.get(code="gdpr-public-task-safeguarding")
    meeting = services.MEETING_STEPS["circulate_minutes"].take(record=meeting, user=chair, lawful_basis=basis)
    assert meeting.status == MeetingStatus.CIRCULATED
    assert meeting.agenda_closed_at and meeting.held_at


# --- listing requests ----------------------------------------------------------------------


def test_a_caseworker_requests_a_listing_with_the_current_approved_assessment(assessed_case, panel, meeting, personas):
    case = assessed_case()
    listing = services.listing_request_create(
        referral=case,
        requested_by=personas["kcc.caseworker"],
        panel=panel,
        meeting=meeting,
        reason="high_risk",
        detail="Seen with older men at the station twice this week",
    )
    assert listing.status == ListingStatus.PROPOSED
    assert listing.risk_assessment.status == RiskAssessment.Status.APPROVED
    assert listing.agency.code == "kcc"


def test_a_listing_is_refused_without_an_approved_assessment(referral_at, panel, personas):
    case = referral_at("accepted")
    with pytest.raises(StepNotAllowed, match="no approved risk assessment"):
        services.listing_request_create(
            referral=case, requested_by=personas["kcc.caseworker"], panel=panel, reason="high_risk", detail="x"
        )


def test_a_listing_is_refused_when_the_assessment_is_out_of_date(assessed_case, panel, personas):
    case = assessed_case()
    RiskAssessment.objects.filter(referral=case).update(review_due=today() - datetime.timedelta(days=1))
    with pytest.raises(StepNotAllowed, match="was due for review on"):
        services.listing_request_create(
            referral=case, requested_by=personas["kcc.caseworker"], panel=panel, reason="review", detail="x"
        )


def test_a_listing_needs_a_reason_a_case_in_the_panels_area_and_an_open_meeting(
    assessed_case, panel, make_meeting, personas
):
    case = assessed_case(district="dover")
    closed = make_meeting(panel, days=3, deadline_days=-1)
    with pytest.raises(ValidationError) as refused:
        services.listing_request_create(
            referral=case, requested_by=personas["kcc.caseworker"], panel=panel, meeting=closed, reason="", detail=""
        )
    assert set(refused.value.message_dict) == {"reason", "detail", "panel", "meeting"}


def test_a_case_the_requester_cannot_see_is_not_found(assessed_case, panel, personas):
    case = assessed_case()
    with pytest.raises(Http404):
        services.listing_request_create(
            referral=case, requested_by=personas["medway.caseworker"], panel=panel, reason="review", detail="x"
        )


def test_a_second_pending_request_for_the_same_case_is_refused(assessed_case, panel, personas):
    case = assessed_case()
    arguments = {"referral": case, "requested_by": personas["kcc.caseworker"], "panel": panel, "reason": "review"}
    services.listing_request_create(detail="first", **arguments)
    with pytest.raises(StepNotAllowed, match="already has a listing request"):
        services.listing_request_create(detail="second", **arguments)


def test_the_listing_lifecycle(assessed_case, panel, make_meeting, personas, chair):
    meeting = make_meeting(panel, days=0, deadline_days=0)
    case = assessed_case()
    listing = services.listing_request_create(
        referral=case, requested_by=personas["kcc.caseworker"], panel=panel, reason="stuck", detail="No progress"
    )
    with pytest.raises(StepNotAllowed):
        services.listing_request_accept(listing=listing, accepted_by=personas["kcc.supervisor"])
    listing = services.listing_request_accept(listing=listing, accepted_by=chair)
    assert listing.status == ListingStatus.ACCEPTED
    item = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="listing_request", listing=listing)
    listing.refresh_from_db()
    assert (listing.status, listing.meeting) == (ListingStatus.LISTED, meeting)
    assert item.referral == case and item.child_initials == initials_of(case)
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    services.meeting_hold(meeting=meeting, held_by=chair)
    services.agenda_item_record(
        item=item, recorded_by=chair, discussion_summary="Plan agreed", agreed_risk_level="high"
    )
    listing.refresh_from_db()
    assert listing.status == ListingStatus.DISCUSSED
    with pytest.raises(ValidationError):
        services.listing_request_monitor(listing=listing, monitored_by=chair, next_listing_date=today())
    listing = services.listing_request_monitor(
        listing=listing, monitored_by=chair, next_listing_date=today() + datetime.timedelta(days=30)
    )
    assert listing.status == ListingStatus.MONITORING
    listing = services.listing_request_remove(listing=listing, removed_by=chair, note="Risk reduced")
    assert listing.status == ListingStatus.REMOVED


def test_a_removal_note_too_long_to_end_the_panels_shares_is_refused_next_to_the_note(
    assessed_case, panel, make_meeting, personas, chair
):
    """The note becomes the end reason of the shares made for the panel
    (sharing's limit, SHARE_TEXT_MAX): longer, it is the note's error and
    nothing changes, not an error about a field the page does not have."""
    meeting = make_meeting(panel, days=0, deadline_days=0)
    listing = services.listing_request_create(
        referral=assessed_case(), requested_by=personas["kcc.caseworker"], panel=panel, reason="stuck", detail="x"
    )
    listing = services.listing_request_accept(listing=listing, accepted_by=chair)
    item = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="listing_request", listing=listing)
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    services.meeting_hold(meeting=meeting, held_by=chair)
    services.agenda_item_record(
        item=item, recorded_by=chair, discussion_summary="Plan agreed", agreed_risk_level="high"
    )
    with pytest.raises(ValidationError) as refused:
        services.listing_request_remove(listing=listing, removed_by=chair, note="x" * (SHARE_TEXT_MAX + 1))
    assert list(refused.value.message_dict) == ["note"]
    listing.refresh_from_db()
    assert listing.status == ListingStatus.DISCUSSED


def test_declining_a_listing_needs_a_reason_the_caseworker_can_read(assessed_case, panel, personas, chair):
    case = assessed_case()
    listing = services.listing_request_create(
        referral=case, requested_by=personas["kcc.caseworker"], panel=panel, reason="review", detail="x"
    )
    with pytest.raises(ValidationError):
        services.listing_request_decline(listing=listing, declined_by=chair, note=" ")
    listing = services.listing_request_decline(listing=listing, declined_by=chair, note="Discuss at supervision")
    assert listing.status == ListingStatus.DECLINED


def initials_of(case):
    return case.child.first_name[0] + case.child.last_name[0]


# --- the agenda and the meeting's record ------------------------------------------------


def test_items_are_ordered_and_given_time_while_the_agenda_is_open(meeting, chair):
    first = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Takeaways in town")
    second = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Say Something")
    services.agenda_arrange(meeting=meeting, arranged_by=chair, order=[second.pk, first.pk], minutes={second.pk: 25})
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.position, second.minutes_allotted, first.position) == (1, 25, 2)
    with pytest.raises(ValidationError):
        services.agenda_arrange(meeting=meeting, arranged_by=chair, order=[first.pk], minutes={})
    with pytest.raises(ValidationError):
        services.agenda_arrange(meeting=meeting, arranged_by=chair, order=[first.pk, second.pk], minutes={first.pk: 0})
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    with pytest.raises(StepNotAllowed, match="agenda is closed"):
        services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Late")


def test_the_agreed_risk_level_is_written_to_the_childs_timeline(assessed_case, panel, make_meeting, chair):
    meeting = make_meeting(panel, days=0, deadline_days=0)
    case = assessed_case()
    item = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="high_risk", referral=case)
    with pytest.raises(StepNotAllowed, match="once the meeting is held"):
        services.agenda_item_record(item=item, recorded_by=chair, discussion_summary="x", agreed_risk_level="high")
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    services.meeting_hold(meeting=meeting, held_by=chair)
    with pytest.raises(ValidationError) as refused:
        services.agenda_item_record(item=item, recorded_by=chair, discussion_summary="", agreed_risk_level="")
    assert set(refused.value.message_dict) == {"discussion_summary", "agreed_risk_level"}
    services.agenda_item_record(item=item, recorded_by=chair, discussion_summary="Agreed", agreed_risk_level="high")
    entry = ChronologyEntry.objects.filter(referral=case, kind="meeting").get()
    assert meeting.reference in entry.summary and "agreed risk level high" in entry.summary


def test_attendance_and_apologies_by_agency(meeting, chair):
    services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Parks")
    health = Agency.objects.get(code="health")
    with pytest.raises(StepNotAllowed):
        services.attendance_record(meeting=meeting, recorded_by=chair, agency=health, status="apologies")
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    with pytest.raises(ValidationError):
        services.attendance_record(meeting=meeting, recorded_by=chair, agency=health, status="attended")
    services.attendance_record(meeting=meeting, recorded_by=chair, agency=health, status="apologies")
    services.attendance_record(
        meeting=meeting, recorded_by=chair, agency=health, status="attended", attendee_name="N K"
    )
    assert [(a.agency.code, a.status) for a in meeting.attendance.all()] == [("health", "attended")]


# --- actions ---------------------------------------------------------------------------------


def test_a_meeting_is_not_held_before_its_day(meeting, chair):
    services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Hotels")
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    with pytest.raises(StepNotAllowed, match="before its day"):
        services.meeting_hold(meeting=meeting, held_by=chair)


@pytest.fixture
def held_meeting(panel, make_meeting, chair):
    meeting = make_meeting(panel, days=0, deadline_days=0)
    services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Hotels")
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    return services.meeting_hold(meeting=meeting, held_by=chair)


def test_an_action_has_an_owner_agency_and_deadline_and_its_owner_is_told(
    held_meeting, chair, personas, django_capture_on_commit_callbacks
):
    owner = personas["medway.caseworker"]
    with django_capture_on_commit_callbacks(execute=True):
        action = services.action_create(
            meeting=held_meeting, created_by=chair, description="Visit the family", owner=owner, due_date=today()
        )
    assert action.owner_agency.code == "medway" and action.reference.startswith("MA-")
    (email,) = mail.outbox
    assert email.to == [owner.email] and action.reference in email.subject
    assert f"/mase/actions/{action.pk}/" in email.body and "Visit the family" not in email.body


def test_actions_are_agreed_at_a_held_meeting_with_what_who_and_when(held_meeting, chair, personas):
    with pytest.raises(ValidationError) as refused:
        services.action_create(
            meeting=held_meeting,
            created_by=chair,
            description=" ",
            owner=personas["dpo"],
            due_date=today() - datetime.timedelta(days=30),
        )
    assert set(refused.value.message_dict) == {"description", "owner", "due_date"}


def test_an_action_is_worked_by_its_owners_agency_and_closed_with_an_outcome(held_meeting, chair, personas):
    action = services.action_create(
        meeting=held_meeting,
        created_by=chair,
        description="x",
        owner=personas["medway.caseworker"],
        due_date=today() + datetime.timedelta(days=5),
    )
    with pytest.raises(Http404):
        services.action_start(action=action, started_by=personas["kcc.caseworker"])
    action = services.action_start(action=action, started_by=personas["medway.supervisor"])
    with pytest.raises(ValidationError):
        services.action_complete(action=action, completed_by=personas["medway.caseworker"], outcome_note="")
    action = services.action_complete(action=action, completed_by=personas["medway.caseworker"], outcome_note="Done")
    assert action.status == ActionStatus.COMPLETED and action.closed_at
    with pytest.raises(StepNotAllowed):
        services.action_cancel(action=action, cancelled_by=chair, outcome_note="No")


def test_reminders_go_before_the_deadline_and_when_overdue_once_each(
    held_meeting, chair, personas, django_capture_on_commit_callbacks
):
    owner = personas["medway.caseworker"]
    soon = services.action_create(
        meeting=held_meeting,
        created_by=chair,
        description="x",
        owner=owner,
        due_date=today() + datetime.timedelta(days=2),
    )
    later = services.action_create(
        meeting=held_meeting,
        created_by=chair,
        description="y",
        owner=owner,
        due_date=today() + datetime.timedelta(days=20),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.actions_queue_reminders() == 1
    assert [m.subject for m in mail.outbox] == [f"MASE action {soon.reference} is due on {soon.due_date:%-d %B %Y}"]
    assert services.actions_queue_reminders() == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.actions_queue_reminders(today=today() + datetime.timedelta(days=21)) == 2
    subjects = sorted(m.subject for m in mail.outbox)
    assert all("is overdue" in subject for subject in subjects)
    assert [ref for ref in (soon.reference, later.reference) if any(ref in s for s in subjects)] == [
        soon.reference,
        later.reference,
    ]
    assert services.actions_queue_reminders(today=today() + datetime.timedelta(days=22)) == 0


# --- terms of reference ---------------------------------------------------------------------


def test_terms_of_reference_are_versioned_and_signed_off_by_every_member_agency(make_panel, chair, personas):
    panel = services.panel_create(
        created_by=personas["admin"],
        name="Strategic",
        kind="strategic",
        chair=chair,
        members={
            Agency.objects.get(code="kcc"): (personas["kcc.supervisor"], None),
            Agency.objects.get(code="health"): (personas["health.practitioner"], None),
        },
    )
    with pytest.raises(ValidationError):
        services.terms_draft(panel=panel, drafted_by=chair, text=" ")
    first = services.terms_draft(panel=panel, drafted_by=chair, text="Purpose: oversight of high-risk cases")
    second = services.terms_draft(panel=panel, drafted_by=chair, text="Purpose, membership, quorum")
    assert (first.version, second.version) == (1, 2)
    with pytest.raises(StepNotAllowed):
        services.terms_sign(terms=second, signed_by=personas["kcc.supervisor"])
    second = services.terms_finalise(terms=second, finalised_by=chair)
    with pytest.raises(StepNotAllowed, match="member or deputy"):
        services.terms_sign(terms=second, signed_by=personas["kcc.caseworker"])
    second = services.terms_sign(terms=second, signed_by=personas["kcc.supervisor"])
    assert second.status == "final"
    with pytest.raises(StepNotAllowed, match="already signed"):
        services.terms_sign(terms=second, signed_by=personas["kcc.supervisor"])
    second = services.terms_sign(terms=second, signed_by=personas["health.practitioner"])
    assert second.status == "signed_off" and second.signed_off_at


# --- taking an item off the agenda -----------------------------------------------------------


def test_the_chair_takes_an_item_off_an_open_agenda_and_the_rest_move_up(
    meeting, chair, assessed_case, personas, panel
):
    from audit.models import AccessEvent

    case = assessed_case()
    listing = services.listing_request_create(
        referral=case, requested_by=personas["kcc.caseworker"], panel=panel, reason="review", detail="Stuck"
    )
    services.listing_request_accept(listing=listing, accepted_by=chair)
    listed = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="listing_request", listing=listing)
    theme = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Parks")
    with pytest.raises(ValidationError) as refused:
        services.agenda_item_remove(item=listed, removed_by=chair, reason=" ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(StepNotAllowed):  # a member of the panel, not its chair
        services.agenda_item_remove(item=listed, removed_by=personas["kcc.supervisor"], reason="Not needed")

    removed = services.agenda_item_remove(item=listed, removed_by=chair, reason="Risk reduced since the request")
    assert removed["reference"] == f"{meeting.reference}/1" and removed["packs_superseded"] == 0
    assert list(meeting.items.values_list("pk", "position", "reference")) == [(theme.pk, 1, f"{meeting.reference}/1")]
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACCEPTED and listing.meeting is None  # to be listed again
    event = AccessEvent.objects.get(action="change", record_kind="mase.meeting", user=chair)
    assert event.reason == "Risk reduced since the request" and event.record_ids == [str(meeting.pk)]
    assert event.details["removed_agenda_item"]["referral"] == case.reference


def test_after_the_agenda_closes_an_item_comes_off_until_the_meeting_is_held_superseding_the_packs(
    staffed_panel, make_meeting, chair, assessed_case
):
    from sharing.models import Share

    meeting = make_meeting(staffed_panel, days=0, deadline_days=0)
    case = assessed_case()
    item = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="high_risk", referral=case)
    services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Parks")
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    basis = LawfulBasis.objects.get(code="gdpr-public-task-safeguarding")
    packs = services.packs_issue(meeting=meeting, issued_by=chair, lawful_basis=basis)
    shares = Share.objects.active().filter(record_kind="referrals.referral", record_id=case.pk)
    assert shares.count() == 2  # Health and Medway (KCC owns the case and chairs)

    removed = services.agenda_item_remove(item=item, removed_by=chair, reason="Listed at the strategy meeting")
    assert removed["packs_superseded"] == len(packs) == 3 and removed["shares_ended"] == 2
    assert not Share.objects.active().filter(record_kind="referrals.referral", record_id=case.pk).exists()
    for pack in packs:
        pack.refresh_from_db()
        assert pack.superseded
    services.meeting_hold(meeting=meeting, held_by=chair)
    with pytest.raises(StepNotAllowed, match="before the meeting is held"):
        services.agenda_item_remove(item=meeting.items.get(), removed_by=chair, reason="Too late")


def test_taking_items_off_a_closed_agenda_ends_every_share_made_for_the_panel_whoever_made_it(
    make_panel, make_meeting, make_persona, personas, assessed_case, chair
):
    """A KCC case and a Medway case on one closed agenda, each shared with the
    panel's agencies by its own agency (share_listed_cases, run for each
    sharer: a chair shares only what their agency holds). The panel's Police
    chair takes both off: no share made for the panel for them is left, each
    ended share says who ended it and why, and Health no longer sees the
    Medway child's referral. Before, only the remover's own agency's shares
    ended, and the others ran on to their end date."""
    from audit.models import AccessEvent
    from referrals.models import Referral
    from sharing.models import Share

    police_chair = make_persona("kent-police", "mase-chair", username="police.chair", is_cse_team_member=True)
    medway_chair = make_persona("medway", "mase-chair", username="medway.chair")
    panel = make_panel(name="North Kent and Medway", districts=("maidstone", "medway"), chair=police_chair,
                       deputy_chair=chair)  # fmt: skip
    meeting = make_meeting(panel, days=0, deadline_days=0)
    kcc_case = assessed_case()
    medway_case = assessed_case(by="medway.caseworker", district="medway")
    kcc_item = services.agenda_item_add(
        meeting=meeting, added_by=police_chair, criterion="high_risk", referral=kcc_case
    )
    medway_item = services.agenda_item_add(
        meeting=meeting, added_by=police_chair, criterion="high_risk", referral=medway_case
    )
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)  # KCC shares its case
    meeting.refresh_from_db()
    services.share_listed_cases(meeting=meeting, shared_by=medway_chair)  # Medway shares its case
    cases = Share.objects.filter(record_kind="referrals.referral", record_id__in=[kcc_case.pk, medway_case.pk])
    assert {(share.record_id, share.sharing_agency.code) for share in cases.active()} == {
        (kcc_case.pk, "kcc"),
        (medway_case.pk, "medway"),
    }
    health = personas["health.practitioner"]
    assert Referral.objects.visible_to(health).filter(pk=medway_case.pk).exists()

    services.agenda_item_remove(item=kcc_item, removed_by=police_chair, reason="Discussed at the strategy meeting")
    medway_item.refresh_from_db()
    removed = services.agenda_item_remove(item=medway_item, removed_by=police_chair, reason="Moved out of area")

    assert removed["shares_ended"] == cases.filter(record_id=medway_case.pk).count() == 4
    assert not cases.active().exists()
    for share in cases:
        assert share.end_reason == Share.EndReason.REVOKED and share.ended_by == police_chair
        assert share.end_note.startswith(f"Taken off the agenda of {meeting.reference}: ")
    assert not Referral.objects.visible_to(health).filter(pk=medway_case.pk).exists()
    revoked = AccessEvent.objects.filter(action="revoke", user=police_chair, record_ids=[str(medway_case.pk)])
    assert revoked.count() == 4
    assert {event.details["shared_by_agency"] for event in revoked} == {"medway"}
    assert all(event.reason.endswith("Moved out of area") for event in revoked)


@pytest.mark.parametrize("reason", ["", "   ", "\u202e", "Risk\u202ereduced", "x" * 501])
def test_a_blank_or_invisible_reason_for_taking_an_item_off_changes_nothing(
    staffed_panel, make_meeting, chair, assessed_case, reason
):
    """Checked before anything, whether or not the item's case was shared."""
    from audit.models import AccessEvent
    from sharing.models import Share

    meeting = make_meeting(staffed_panel, days=0, deadline_days=0)
    shared = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="high_risk", referral=assessed_case())
    theme = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Parks")
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    active = Share.objects.active().count()
    for item in (theme, shared):
        with pytest.raises(ValidationError) as refused:
            services.agenda_item_remove(item=item, removed_by=chair, reason=reason)
        assert list(refused.value.message_dict) == ["reason"]
    assert meeting.items.count() == 2 and Share.objects.active().count() == active > 0
    assert not AccessEvent.objects.filter(action__in=["change", "revoke"], record_kind="mase.meeting").exists()
