"""Meeting packs: each agency's holds only what its member may see under the
protocol in force, pseudonymous and watermarked; HTML and PDF made in the
background; each a recorded disclosure; superseded by a changed agenda."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AccessEvent
from mase import services
from sharing.models import LawfulBasis
from sharing.refusals import StepNotAllowed
from tests.mase.conftest import STAFFED_MEMBERS as MEMBERS
from tests.mase.documents import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(staffed_panel, make_meeting, assessed_case, chair, django_capture_on_commit_callbacks):
    meeting = make_meeting(staffed_panel)
    case = assessed_case()
    item = services.agenda_item_add(
        meeting=meeting, added_by=chair, criterion="high_risk", referral=case, why="Seen with older men at night"
    )
    services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Hotels near the station")
    basis = LawfulBasis.objects.get(code="gdpr-public-task-safeguarding")
    with django_capture_on_commit_callbacks(execute=True):
        packs = services.packs_issue(meeting=meeting, issued_by=chair, lawful_basis=basis)
    return meeting, case, item, {pack.agency.code: pack for pack in packs}


def test_each_agency_gets_only_what_the_protocol_gives_it(issued):
    _meeting, case, item, packs = issued
    for pack in packs.values():
        pack.refresh_from_db()
        assert pack.status == "ready" and pack.progress == 100 and bytes(pack.pdf).startswith(b"%PDF")
        assert "Hotels near the station" in pack.html
        assert pack.recipient.display_name in pack.html  # watermark and footer
        assert case.child.first_name not in pack.html and case.child.last_name not in pack.html  # pseudonymous
    kcc = packs["kcc"].html
    assert item.reference in kcc and item.child_initials in kcc and "Seen with older men" in kcc
    for other in ("health", "medway"):
        assert item.reference not in packs[other].html and "Seen with older men" not in packs[other].html


def test_every_pack_is_a_recorded_disclosure(issued):
    _meeting, _case, _item, packs = issued
    pack = packs["health"]
    assert (pack.lawful_basis.code, pack.protocol.status, pack.recipient.username) == (
        "gdpr-public-task-safeguarding",
        "agreed",
        "health.practitioner",
    )
    events = AccessEvent.objects.filter(action="export", details__pack=pack.pk)
    assert events.count() == 1 and events.get().details["agency"] == "health"


def test_a_changed_agenda_supersedes_issued_packs(issued, chair, client):
    meeting, _case, _item, packs = issued
    order = list(meeting.items.order_by("-position").values_list("pk", flat=True))
    services.agenda_arrange(meeting=meeting, arranged_by=chair, order=order, minutes={})
    pack = packs["kcc"]
    pack.refresh_from_db()
    assert pack.superseded
    client.force_login(chair)
    page = client.get(reverse("mase:pack_list", args=[meeting.pk])).content.decode()
    assert "Superseded: the agenda changed" in page


def test_a_pack_opens_only_for_its_recipient_and_the_chair(issued, client, personas):
    meeting, _case, _item, packs = issued
    url = reverse("mase:pack_download", args=[packs["kcc"].pk])
    for username, status in (("kcc.supervisor", 200), ("mase.chair", 200), ("health.practitioner", 404),
                             ("kcc.caseworker", 404), ("dpo", 404)):  # fmt: skip
        client.force_login(personas[username])
        response = client.get(url)
        assert response.status_code == status, username
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
    client.force_login(personas["health.practitioner"])
    own = client.get(reverse("mase:pack_download", args=[packs["health"].pk]), {"format": "html"})
    assert own.status_code == 200 and "Seen with older men" not in own.content.decode()
    assert client.get(reverse("mase:pack_list", args=[meeting.pk])).status_code == 404


def test_packs_need_the_chair_and_a_basis_the_chairs_agency_may_rely_on(staffed_panel, make_meeting, chair, personas):
    meeting = make_meeting(staffed_panel)
    services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Parks")
    police_basis = LawfulBasis.objects.get(code="dpa3-sch8-para4")
    with pytest.raises(ValidationError):
        services.packs_issue(meeting=meeting, issued_by=chair, lawful_basis=police_basis)
    basis = LawfulBasis.objects.get(code="gdpr-public-task-safeguarding")
    with pytest.raises(StepNotAllowed):
        services.packs_issue(meeting=meeting, issued_by=personas["kcc.supervisor"], lawful_basis=basis)


def test_the_pdfs_for_kcc_and_health_differ_exactly_as_the_protocol_says(issued):
    """The KCC-owned case in Maidstone: KCC sees its item in full (owner and
    authority); Health, with no rule on the case, gets nothing of it; both get
    the item about no child."""
    _meeting, case, item, packs = issued
    kcc, health = pdf_text(packs["kcc"]), pdf_text(packs["health"])
    assert item.reference in kcc and f"{item.child_initials} ({case.reference})" in kcc
    assert "Seen with older men at night" in kcc
    assert item.reference not in health and case.reference not in health and "Seen with older men" not in health
    for text in (kcc, health):
        assert "Hotels near the station" in text
        assert case.child.first_name not in text and case.child.last_name not in text
    assert packs["health"].recipient.display_name in health  # watermarked with its recipient


# --- minutes ---------------------------------------------------------------------------------


@pytest.fixture
def minuted(staffed_panel, make_meeting, assessed_case, chair, personas, django_capture_on_commit_callbacks):
    """A meeting held today: an item about a KCC case in Maidstone and one
    about a place, both recorded; an action for Medway; minutes approved."""
    meeting = make_meeting(staffed_panel, days=0, deadline_days=0)
    case = assessed_case()
    item = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="high_risk", referral=case, why="x")
    topic = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Hotels near the A2")
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    services.meeting_hold(meeting=meeting, held_by=chair)
    services.meeting_draft_minutes(meeting=meeting, drafted_by=chair)
    # Items are recorded while the minutes are in draft, too.
    services.agenda_item_record(item=item, recorded_by=chair, discussion_summary="Seen at the taxi rank nightly",
                                agreed_risk_level="high", decisions="Strategy meeting within a week")  # fmt: skip
    services.agenda_item_record(item=topic, recorded_by=chair, discussion_summary="Staff training booked")
    services.minutes_record(meeting=meeting, recorded_by=chair, minutes_notes="Next meeting on the first Tuesday")
    action = services.action_create(
        meeting=meeting, created_by=chair, description="Visit the hotel managers", owner=personas["medway.supervisor"],
        due_date=timezone.localdate(),
    )  # fmt: skip
    services.meeting_approve_minutes(meeting=meeting, approved_by=chair)
    return meeting, case, item, action


def circulate(meeting, chair, capture):
    basis = LawfulBasis.objects.get(code="gdpr-public-task-safeguarding")
    with capture(execute=True):
        services.meeting_circulate_minutes(meeting=meeting, circulated_by=chair, lawful_basis=basis)
    return {copy.agency.code: copy for copy in meeting.packs.filter(kind="minutes")}


def test_each_agency_gets_the_minutes_it_may_see_filtered_as_its_pack(
    minuted, chair, django_capture_on_commit_callbacks
):
    meeting, case, item, action = minuted
    copies = circulate(meeting, chair, django_capture_on_commit_callbacks)
    assert set(copies) == set(MEMBERS)
    texts = {code: pdf_text(copy) for code, copy in copies.items()}
    for code, copy in copies.items():
        assert copy.status == "ready" and copy.html and copy.recipient.display_name in copy.html
        text = texts[code]
        assert "Next meeting on the first Tuesday" in text and "Staff training booked" in text, code
        assert case.child.first_name not in text and case.child.last_name not in text
    kcc = texts["kcc"]
    assert item.reference in kcc and "Seen at the taxi rank nightly" in kcc and "Strategy meeting within a week" in kcc
    for code in ("health", "medway"):
        assert item.reference not in texts[code] and "Seen at the taxi rank" not in texts[code], code
        assert "Seen at the taxi rank" not in copies[code].html
    # Actions are seen by the owner's agency (and the chair): Medway's copy has it, the others do not.
    assert action.reference in texts["medway"] and "Visit the hotel managers" in texts["medway"]
    assert action.reference not in texts["health"] and "Visit the hotel managers" not in texts["kcc"]


def test_each_circulated_copy_is_a_recorded_disclosure(minuted, chair, django_capture_on_commit_callbacks, client):
    meeting, *_ = minuted
    copies = circulate(meeting, chair, django_capture_on_commit_callbacks)
    meeting.refresh_from_db()
    assert meeting.status == "circulated"
    for code, copy in copies.items():
        assert (copy.lawful_basis.code, copy.protocol.status, copy.issued_by) == (
            "gdpr-public-task-safeguarding", "agreed", chair,
        )  # fmt: skip
        event = AccessEvent.objects.get(action="export", details__pack=copy.pk)
        assert event.details["kind"] == "minutes" and event.details["agency"] == code
    client.force_login(chair)
    page = client.get(reverse("mase:minutes", args=[meeting.pk])).content.decode()
    assert all(escape(copy.agency.name) in page for copy in copies.values())
    client.force_login(copies["health"].recipient)
    own = client.get(reverse("mase:pack_download", args=[copies["health"].pk]))
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert "mase-minutes-" in own["Content-Disposition"]
    assert client.get(reverse("mase:pack_download", args=[copies["kcc"].pk])).status_code == 404
    assert client.get(reverse("mase:minutes", args=[meeting.pk])).status_code == 404
    detail = client.get(reverse("mase:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("mase:pack_download", args=[copies["health"].pk]) in detail  # "Sent to you"


def test_approved_minutes_are_frozen_and_circulating_needs_a_basis(minuted, chair, client):
    meeting, _case, item, _action = minuted
    with pytest.raises(StepNotAllowed):
        services.minutes_record(meeting=meeting, recorded_by=chair, minutes_notes="Changed after approval")
    with pytest.raises(StepNotAllowed):
        services.agenda_item_record(item=item, recorded_by=chair, discussion_summary="Changed", agreed_risk_level="low")
    client.force_login(chair)
    url = reverse("mase:minutes_circulate", args=[meeting.pk])
    response = client.post(url, {"lawful_basis": "", "purpose": ""})
    assert response.status_code == 200
    assert "Choose the lawful basis for circulating the minutes" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "minutes_approved" and not meeting.packs.exists()


def test_the_chair_writes_the_general_minutes_on_the_minutes_page(staffed_panel, make_meeting, chair, client):
    meeting = make_meeting(staffed_panel, days=0, deadline_days=0)
    services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Parks")
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    client.force_login(chair)
    url = reverse("mase:minutes", args=[meeting.pk])
    refused = client.post(url, {"minutes_notes": "Too early"})
    assert refused.status_code == 409 and "once the meeting is held" in refused.content.decode()
    services.meeting_hold(meeting=meeting, held_by=chair)
    assert client.post(url, {"minutes_notes": "Apologies from Early Help"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_notes == "Apologies from Early Help"


# --- progress, polled while the documents are prepared -------------------------------------


def test_the_packs_page_polls_while_packs_are_prepared_and_announces_each_change(
    staffed_panel, make_meeting, chair, client, personas
):
    from mase import packs as documents

    meeting = make_meeting(staffed_panel)
    services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Parks")
    basis = LawfulBasis.objects.get(code="gdpr-public-task-safeguarding")
    issued = services.packs_issue(meeting=meeting, issued_by=chair, lawful_basis=basis)  # not built: no commit
    progress_url = reverse("mase:document_progress", args=[meeting.pk, "pack"])
    client.force_login(chair)
    page = client.get(reverse("mase:pack_list", args=[meeting.pk])).content.decode()
    assert f'hx-get="{progress_url}"' in page and 'hx-trigger="every 2s"' in page
    assert 'aria-live="polite"' in page and "0 of 3 packs ready; the rest are being prepared." in page

    unchanged = client.get(progress_url, {"ready": "0"}).content.decode()
    assert 'hx-trigger="every 2s"' in unchanged and "hx-swap-oob" not in unchanged  # nothing new to announce
    documents.build_pack(pack_id=issued[0].pk)
    one = client.get(progress_url, {"ready": "0"}).content.decode()
    assert 'hx-swap-oob="innerHTML">1 of 3 packs ready; the rest are being prepared.' in one
    assert reverse("mase:pack_download", args=[issued[0].pk]) in one and "Being prepared (0%)" in one
    for pack in issued[1:]:
        documents.build_pack(pack_id=pack.pk)
    done = client.get(progress_url, {"ready": "1"}).content.decode()
    assert "hx-get" not in done and "every 2s" not in done  # polling stops
    assert "All 3 packs ready: open them from the list." in done
    assert all(reverse("mase:pack_download", args=[pack.pk]) in done for pack in issued)
    assert "Seen with" not in done and "%PDF" not in done  # the table only, never a document's content

    assert client.get(reverse("mase:document_progress", args=[meeting.pk, "agenda"])).status_code == 404
    for username in ("kcc.supervisor", "health.practitioner"):  # a recipient is not the chair
        client.force_login(personas[username])
        assert client.get(progress_url).status_code == 404, username
