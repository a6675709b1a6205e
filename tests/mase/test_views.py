"""The MASE pages as their users meet them: a caseworker requests a listing,
the chair accepts it, builds and closes the agenda, holds the meeting, records
the item and sets an action that its owner sees and completes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mase import services
from mase.models import ActionStatus, ListingRequest, ListingStatus, MeetingStatus
from tests.mase.factories import MaseActionFactory

pytestmark = pytest.mark.django_db


def test_the_listing_to_action_journey(client, personas, panel, make_meeting, assessed_case, chair):
    meeting = make_meeting(panel, days=0, deadline_days=0)
    case = assessed_case()
    caseworker = personas["kcc.caseworker"]

    client.force_login(caseworker)
    url = reverse("mase:listingrequest_new", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200 and meeting.reference not in page.content.decode()  # no meeting label leaks
    response = client.post(url, {"panel": panel.pk, "meeting": meeting.pk, "reason": "high_risk", "detail": "Cars"})
    listing = ListingRequest.objects.get(referral=case)
    assert response.status_code == 302 and response["Location"] == reverse(
        "mase:listingrequest_detail", args=[listing.pk]
    )

    client.force_login(chair)
    home = client.get(reverse("mase:meeting_list")).content.decode()
    assert 'data-testid="awaiting-count">1 awaiting you' in home
    response = client.post(reverse("mase:listingrequest_step", args=[listing.pk, "accept"]), {"note": ""})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACCEPTED

    builder = client.get(reverse("mase:agenda_builder", args=[meeting.pk])).content.decode()
    assert "Accepted listing request (1)" in builder and case.reference in builder
    assert "High risk (0)" in builder and "New associations to persons of concern (0)" in builder
    client.post(
        reverse("mase:agenda_add_case", args=[meeting.pk]),
        {"listing": listing.pk, "criterion": "listing_request", "why": "Requested"},
    )
    client.post(reverse("mase:agenda_builder", args=[meeting.pk]), {"title": "Hotels near the station", "why": ""})
    items = list(meeting.items.order_by("position"))
    assert [item.position for item in items] == [1, 2]
    client.post(
        reverse("mase:agenda_arrange", args=[meeting.pk]),
        {f"position_{items[0].pk}": "2", f"position_{items[1].pk}": "1", f"minutes_{items[0].pk}": "20"},
    )
    items[0].refresh_from_db()
    assert (items[0].position, items[0].minutes_allotted) == (2, 20)

    for step in ("close_agenda", "hold"):
        assert client.post(reverse("mase:meeting_step", args=[meeting.pk, step])).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD

    record_url = reverse("mase:agendaitem_record", args=[items[0].pk])
    bad = client.post(record_url, {"discussion_summary": "", "agreed_risk_level": ""})
    assert bad.status_code == 200 and "Summarise the discussion" in bad.content.decode()
    client.post(record_url, {"discussion_summary": "Plan agreed", "agreed_risk_level": "high", "decisions": "Refer"})
    owner = personas["medway.caseworker"]
    response = client.post(
        reverse("mase:action_new", args=[meeting.pk]),
        {"description": "Return interview", "owner": owner.pk, "due_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    action = meeting.actions.get()

    client.force_login(owner)
    mine = client.get(reverse("mase:action_list") + "?show=mine").content.decode()
    assert action.reference in mine
    response = client.post(reverse("mase:action_step", args=[action.pk, "complete"]), {"outcome_note": ""})
    assert response.status_code == 200 and "Record the outcome" in response.content.decode()
    client.post(reverse("mase:action_step", args=[action.pk, "complete"]), {"outcome_note": "Interview held"})
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED
    # "My MASE actions" on the home page counts outstanding actions; its list agrees.
    assert action.reference not in client.get(reverse("mase:action_list") + "?show=mine").content.decode()
    assert action.reference in client.get(reverse("mase:action_list")).content.decode()


def test_a_listing_without_an_approved_assessment_is_refused_with_why(client, personas, panel, referral_at):
    case = referral_at("accepted")
    client.force_login(personas["kcc.caseworker"])
    response = client.post(
        reverse("mase:listingrequest_new", args=[case.pk]), {"panel": panel.pk, "reason": "high_risk", "detail": "x"}
    )
    assert response.status_code == 409
    assert "no approved risk assessment" in response.content.decode()
    assert not ListingRequest.objects.exists()


def test_only_the_chair_builds_the_agenda(client, personas, meeting):
    for username in ("kcc.supervisor", "kent-police.caseworker", "health.practitioner"):
        client.force_login(personas[username])
        assert client.get(reverse("mase:agenda_builder", args=[meeting.pk])).status_code in (403, 404), username
        assert client.post(reverse("mase:meeting_step", args=[meeting.pk, "close_agenda"])).status_code == 404


def test_a_meeting_step_refused_by_its_status_says_why(client, chair, meeting):
    client.force_login(chair)
    response = client.post(reverse("mase:meeting_step", args=[meeting.pk, "hold"]), follow=True)
    assert "You cannot record the meeting as held while it is scheduled" in response.content.decode()


def test_roles_without_case_access_find_no_mase_pages(client, personas, meeting):
    for username in ("dpo", "admin", "kent-police.trainer"):
        client.force_login(personas[username])
        assert client.get(reverse("mase:meeting_list")).status_code == 404
        assert client.get(reverse("mase:meeting_detail", args=[meeting.pk])).status_code == 404


def test_the_tracker_shows_actions_by_agency_with_overdue(client, chair, protocol):
    MaseActionFactory(due_date=timezone.localdate() - datetime.timedelta(days=2))
    MaseActionFactory()
    client.force_login(chair)
    page = client.get(reverse("mase:action_list"))
    rows = list(page.context["by_agency"])
    assert rows == [
        {"owner_agency__code": "medway", "owner_agency__name": "Medway Council Children's Services",
         "outstanding": 2, "overdue": 1}
    ]  # fmt: skip
    overdue = client.get(reverse("mase:action_list") + "?show=overdue")
    assert len(overdue.context["object_list"]) == 1


def test_the_chair_schedules_a_meeting_with_errors_next_to_fields(client, chair, panel):
    client.force_login(chair)
    url = reverse("mase:meeting_schedule", args=[panel.pk])
    when = timezone.localtime() + datetime.timedelta(days=10)
    bad = client.post(url, {"starts_at": when.strftime("%Y-%m-%dT%H:%M"), "listing_deadline": "2999-01-01"})
    assert bad.status_code == 200 and "on or before the day of the meeting" in bad.content.decode()
    good = client.post(
        url, {"starts_at": when.strftime("%Y-%m-%dT%H:%M"), "listing_deadline": when.date().isoformat(), "venue": "X"}
    )
    assert good.status_code == 302
    assert panel.meetings.get().status == MeetingStatus.SCHEDULED


def test_open_actions_from_the_last_meeting_are_listed_for_review(client, chair, panel, make_meeting, personas):
    earlier = make_meeting(panel, days=0, deadline_days=0)
    services.agenda_item_add(meeting=earlier, added_by=chair, criterion="topic", title="Parks")
    services.meeting_close_agenda(meeting=earlier, closed_by=chair)
    services.meeting_hold(meeting=earlier, held_by=chair)
    action = services.action_create(
        meeting=earlier,
        created_by=chair,
        description="x",
        owner=personas["kent-police.caseworker"],
        due_date=timezone.localdate(),
    )
    upcoming = make_meeting(panel, days=14, deadline_days=10)
    client.force_login(chair)
    page = client.get(reverse("mase:meeting_detail", args=[upcoming.pk]))
    assert [row.pk for row in page.context["actions_for_review"]] == [action.pk]


def test_a_caseworker_starts_a_listing_request_from_the_cases_reference(client, personas, assessed_case):
    case = assessed_case()
    client.force_login(personas["kcc.caseworker"])
    url = reverse("mase:listingrequest_list")
    found = client.get(url, {"reference": case.reference.lower()})
    assert found.status_code == 302 and found["Location"] == reverse("mase:listingrequest_new", args=[case.pk])
    client.force_login(personas["medway.caseworker"])
    unseen = client.get(url, {"reference": case.reference})
    assert unseen.status_code == 200 and "that you can see in full" in unseen.content.decode()


def test_the_list_pages_cost_the_same_number_of_queries_whatever_their_length(client, personas, chair, make_panel):
    """Meetings, actions and a panel's terms of reference: a constant number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.mase.factories import MeetingFactory

    panel = make_panel(agencies=("kcc", "medway"))
    panel.members.filter(agency__code="kcc").update(member=personas["kcc.supervisor"])
    client.force_login(chair)
    pages = [reverse("mase:meeting_list"), reverse("mase:action_list"), reverse("mase:terms_list", args=[panel.pk])]

    def grow(n):
        for _ in range(n):
            meeting = MeetingFactory(panel=panel, status=MeetingStatus.HELD)
            MaseActionFactory(meeting=meeting, owner=personas["medway.caseworker"])
            terms = services.terms_draft(panel=panel, drafted_by=chair, text="Purpose")
            services.terms_finalise(terms=terms, finalised_by=chair)
            services.terms_sign(terms=terms, signed_by=personas["kcc.supervisor"])

    def costs():
        found = []
        for url in pages:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            found.append(len(captured))
        return found

    grow(1)
    few = costs()
    grow(6)
    assert costs() == few


def test_taking_an_item_off_asks_for_confirmation_and_says_what_it_did(
    staffed_panel, make_meeting, chair, client, assessed_case
):
    from sharing.models import LawfulBasis

    meeting = make_meeting(staffed_panel, days=0, deadline_days=0)
    item = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="high_risk", referral=assessed_case())
    services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Parks")
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    basis = LawfulBasis.objects.get(code="gdpr-public-task-safeguarding")
    services.packs_issue(meeting=meeting, issued_by=chair, lawful_basis=basis)
    client.force_login(chair)
    detail = client.get(reverse("mase:agendaitem_detail", args=[item.pk])).content.decode()
    url = reverse("mase:agendaitem_remove", args=[item.pk])
    assert url in detail
    confirm = client.get(url).content.decode()
    assert "3 packs already issued will be superseded" in confirm and "shares of the case" in confirm

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "Say why the item comes off the agenda" in refused.content.decode()
    invisible = client.post(url, {"reason": "\u202e"})
    assert invisible.status_code == 200 and "Remove the invisible control characters" in invisible.content.decode()
    assert meeting.items.filter(pk=item.pk).exists()
    done = client.post(url, {"reason": "Discussed at the strategy meeting instead"}, follow=True)
    page = done.content.decode()
    assert done.redirect_chain[-1][0] == meeting.get_absolute_url()
    assert f"{meeting.reference}/1 taken off the agenda" in page and "issue them again" in page
    assert not meeting.items.filter(pk=item.pk).exists()
    packs = client.get(reverse("mase:pack_list", args=[meeting.pk])).content.decode()
    assert packs.count("Superseded: the agenda changed") == 3
