"""The MASE journey in a real browser, every page checked with axe-core: a KCC
caseworker requests a listing -> the chair accepts it, builds the agenda from
the candidates and closes it -> holds the meeting, records the item and sets
an action for Medway -> the Medway owner finds it on their home page and
among their actions, is e-mailed, and is reminded before the deadline.
On the way the chair issues the packs and circulates the minutes, and the
test reads the PDF text of KCC's and Health's copies: they differ exactly as
the protocol says (KCC owns the case and sees its item in full; Health, with
no rule on it, gets nothing of it; both get the item about no child)."""

import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import Agency, District
from mase import services as mase_services
from mase.models import MaseAction
from sharing.default_protocol import create_default_protocol
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_sign_in import sign_in
from tests.referrals import conftest as referral_fixtures

pytestmark = pytest.mark.e2e

referral = referral_fixtures.referral
referral_at = referral_fixtures.referral_at
responses = referral_fixtures.responses


# The named member of each agency's seat, who receives its pack and minutes.
BASIS = "UK GDPR Art 6(1)(e) public task with Art 9(2)(g) and DPA 2018 Schedule 1 para 18: safeguarding of children"
MEMBERS = {"kcc": "kcc.supervisor", "health": "health.practitioner", "medway": "medway.caseworker"}


def pdf_text(page, link) -> str:
    """The text of the PDF a link on the page downloads, fetched in the signed-in session."""
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    return " ".join(" ".join(sheet.extract_text().split()) for sheet in reader.pages)


def documents(page, testid) -> dict[str, str]:
    """The text of each agency's ready document listed in the table `testid`."""
    return {
        code: pdf_text(page, page.get_by_test_id(testid).get_by_role("link", name=f"PDF for {name}"))
        for code, name in Agency.objects.filter(code__in=("kcc", "health")).values_list("code", "name")
    }


@pytest.fixture
def protocol(personas):
    return create_default_protocol(agreed_by=personas["admin"])


@pytest.fixture
def meeting_today(personas, protocol):
    chair = personas["mase.chair"]
    panel = mase_services.panel_create(
        created_by=personas["admin"],
        name="West Kent operational MASE",
        kind="operational",
        chair=chair,
        districts=District.objects.filter(code="maidstone"),
        members={agency: (personas.get(MEMBERS.get(agency.code)), None) for agency in Agency.objects.all()},
    )
    return mase_services.meeting_schedule(
        panel=panel,
        scheduled_by=chair,
        starts_at=timezone.now() + datetime.timedelta(minutes=5),
        listing_deadline=timezone.localdate(),
        venue="Maidstone",
    )


def test_from_listing_request_to_an_action_the_owner_sees(
    page, personas, meeting_today, referral_at, output_dir, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    case = referral_at("open")

    sign_in(page, "kcc.caseworker")
    page.get_by_role("link", name="MASE").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Listing requests").click()
    assert_accessible(page)
    page.get_by_label("Request a listing").fill(case.reference)
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    page.get_by_role("button", name="Request the listing").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose why the case should be listed")
    assert_accessible(page)
    page.get_by_label("High risk").check()
    page.get_by_label("Why now").fill("Seen with older men at the station")
    page.screenshot(path=output_dir / "listing-request.png", full_page=True)
    page.get_by_role("button", name="Request the listing").click()
    expect(page.get_by_test_id("listing-status")).to_have_text("Proposed")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "mase.chair")
    page.get_by_role("link", name="MASE").first.click()
    expect(page.get_by_test_id("awaiting-count")).to_have_text("1 awaiting you")
    assert_accessible(page)
    page.get_by_role("link", name="Listing requests").click()
    assert_accessible(page)
    page.get_by_role("link", name=case.reference).click()
    assert_accessible(page)
    page.get_by_role("link", name="Accept", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_test_id("listing-status")).to_have_text("Accepted")
    assert_accessible(page)

    page.goto(f"/mase/meetings/{meeting_today.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Build the agenda").click()
    expect(page.get_by_test_id("criterion-listing_request")).to_have_text("Accepted listing request (1)")
    page.screenshot(path=output_dir / "agenda-builder.png", full_page=True)
    assert_accessible(page)
    page.get_by_role("button", name=f"Add {case.reference} to the agenda").click()
    page.get_by_label("Or a theme").fill("Hotels near the station")
    page.get_by_role("button", name="Add to the agenda", exact=True).click()
    expect(page.get_by_test_id("agenda-items")).to_contain_text("Hotels near the station")
    assert_accessible(page)
    page.get_by_role("button", name="Close the agenda").click()
    expect(page.get_by_test_id("record-fields")).to_contain_text("Agenda closed")
    assert_accessible(page)

    # Packs for each agency naming a member: KCC's and Health's differ as the protocol says.
    item = meeting_today.items.get(referral=case)
    page.get_by_role("link", name="Meeting packs").click()
    assert_accessible(page)
    page.get_by_label("Lawful basis").select_option(label=BASIS)
    page.get_by_role("button", name="Issue packs").click()
    expect(page.get_by_test_id("packs").get_by_role("link", name="PDF for")).to_have_count(len(MEMBERS))
    assert_accessible(page)
    packs = documents(page, "packs")
    assert f"{item.child_initials} ({case.reference})" in packs["kcc"] and item.reference in packs["kcc"]
    assert "Requested by Amira Hussain: High risk" in packs["kcc"]
    assert case.reference not in packs["health"] and "Requested by" not in packs["health"]
    for text in packs.values():
        assert "Hotels near the station" in text
        assert case.child.first_name not in text and case.child.last_name not in text  # pseudonymous
    assert "Prepared for Gareth Evans" in packs["kcc"] and "Prepared for Nadia Kowalski" in packs["health"]

    page.get_by_role("link", name="Back to the meeting").click()
    page.get_by_role("button", name="Record the meeting as held").click()
    expect(page.get_by_test_id("record-fields")).to_contain_text("Held")
    assert_accessible(page)

    page.goto(f"/mase/items/{item.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Record the discussion").click()
    assert_accessible(page)
    page.get_by_label("Discussion summary").fill("Partners shared what they know")
    page.get_by_label("Agreed risk level").select_option("high")
    page.get_by_role("button", name="Save").click()
    assert_accessible(page)

    page.goto(f"/mase/meetings/{meeting_today.pk}/")
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("What is to be done").fill("Return home interview within 72 hours")
    page.get_by_label("Owner").select_option(label=f"Lucy Chen, {personas['medway.caseworker'].agency.name}")
    page.get_by_label("Deadline").fill(timezone.localdate().isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_test_id("meeting-actions")).to_contain_text("Lucy Chen")
    assert_accessible(page)

    # The minutes, approved and circulated: each agency's copy filtered as its pack was.
    page.get_by_role("button", name="Start the minutes").click()
    assert_accessible(page)
    page.get_by_role("link", name="Minutes", exact=True).click()
    assert_accessible(page)
    page.get_by_label("General minutes").fill("Apologies from Early Help")
    page.get_by_role("button", name="Save the general minutes").click()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the meeting").click()
    page.get_by_role("button", name="Approve the minutes").click()
    assert_accessible(page)
    page.get_by_role("button", name="Circulate the minutes").click()  # a link styled (and named) as a button
    page.get_by_label("Lawful basis").select_option(label=BASIS)
    assert_accessible(page)
    page.get_by_role("button", name="Circulate the minutes").click()
    expect(page.get_by_test_id("minutes-copies").get_by_role("link", name="PDF for")).to_have_count(len(MEMBERS))
    assert_accessible(page)
    minutes = documents(page, "minutes-copies")
    assert "Partners shared what they know" in minutes["kcc"] and item.reference in minutes["kcc"]
    assert "Partners shared what they know" not in minutes["health"] and case.reference not in minutes["health"]
    for text in minutes.values():
        assert "Apologies from Early Help" in text
        assert case.child.first_name not in text and case.child.last_name not in text
        assert "Return home interview" not in text  # the action is Medway's (and the chair's) to see
    page.get_by_role("button", name="Sign out").click()

    action = MaseAction.objects.get()
    assert [message.to for message in mail.outbox] == [[personas["medway.caseworker"].email]]
    sign_in(page, "medway.caseworker")
    queue = page.get_by_test_id("queue").filter(has_text="My MASE actions")
    expect(queue.get_by_test_id("queue-count")).to_have_text("1")
    assert_accessible(page)
    queue.get_by_role("link", name="My MASE actions").click()
    expect(page.get_by_test_id("actions")).to_contain_text(action.reference)
    # The daily reminder: due today, so within the days before the deadline; once.
    assert mase_services.actions_queue_reminders() == 1 and mase_services.actions_queue_reminders() == 0
    reminder = mail.outbox[-1]
    assert len(mail.outbox) == 2 and reminder.to == [personas["medway.caseworker"].email]
    assert action.reference in reminder.body and case.reference not in reminder.body
    page.get_by_role("link", name="MASE").first.click()
    page.get_by_role("link", name="Actions tracker").click()
    page.get_by_role("link", name="Mine").click()
    expect(page.get_by_test_id("actions")).to_contain_text(action.reference)
    page.screenshot(path=output_dir / "my-actions.png", full_page=True)
    assert_accessible(page)


def test_pack_and_minutes_progress_is_polled_and_announced(page, personas, meeting_today, monkeypatch):
    """While the documents are prepared the list updates itself and a polite
    live region says how many are ready; it stops when all are, each with a
    link to its PDF. (The outbox's delivery is held back here, so the test
    builds each document itself, as the worker would.)"""
    from mase import packs as documents
    from mase.models import MeetingPack

    monkeypatch.setattr("outbox.delivery.publish", lambda message_id: None)
    chair = personas["mase.chair"]
    mase_services.agenda_item_add(meeting=meeting_today, added_by=chair, criterion="topic", title="Parks")
    mase_services.meeting_close_agenda(meeting=meeting_today, closed_by=chair)

    sign_in(page, "mase.chair")
    page.goto(f"/mase/meetings/{meeting_today.pk}/packs/")
    page.get_by_label("Lawful basis").select_option(label=BASIS)
    page.get_by_role("button", name="Issue packs").click()
    status = page.get_by_role("status").filter(has_text="ready")
    expect(status).to_have_text("0 of 3 packs ready; the rest are being prepared.")
    expect(status).to_have_attribute("aria-live", "polite")
    assert_accessible(page)
    issued = list(MeetingPack.objects.filter(meeting=meeting_today, kind="pack").order_by("pk"))
    documents.build_pack(pack_id=issued[0].pk)
    expect(status).to_have_text("1 of 3 packs ready; the rest are being prepared.")
    expect(page.get_by_test_id("packs").get_by_role("link", name="PDF for")).to_have_count(1)
    for pack in issued[1:]:
        documents.build_pack(pack_id=pack.pk)
    expect(status).to_have_text("All 3 packs ready: open them from the list.")
    expect(page.get_by_test_id("packs").get_by_role("link", name="PDF for")).to_have_count(3)
    expect(page.get_by_test_id("packs-progress")).not_to_have_attribute("hx-trigger", "every 2s")  # stopped
    assert_accessible(page)

    mase_services.meeting_hold(meeting=meeting_today, held_by=chair)
    mase_services.meeting_draft_minutes(meeting=meeting_today, drafted_by=chair)
    mase_services.meeting_approve_minutes(meeting=meeting_today, approved_by=chair)
    page.goto(f"/mase/meetings/{meeting_today.pk}/minutes/circulate/")
    page.get_by_label("Lawful basis").select_option(label=BASIS)
    page.get_by_role("button", name="Circulate the minutes").click()
    status = page.get_by_role("status").filter(has_text="ready")
    expect(status).to_have_text("0 of 3 copies of the minutes ready; the rest are being prepared.")
    for copy in MeetingPack.objects.filter(meeting=meeting_today, kind="minutes"):
        documents.build_pack(pack_id=copy.pk)
    expect(status).to_have_text("All 3 copies of the minutes ready: open them from the list.")
    expect(page.get_by_test_id("minutes-copies").get_by_role("link", name="PDF for")).to_have_count(3)
    assert_accessible(page)


def test_the_chair_finds_a_person_of_concern_by_search_and_lists_them(page, personas, meeting_today):
    """Not a list of everyone the chair may see: a search (the intelligence
    app's own, misspelt names found), its results as radios, one chosen."""
    from accounts.models import Agency as Agencies
    from sharing import services as sharing_services
    from sharing.models import LawfulBasis
    from tests.intelligence.factories import IntelligenceReportFactory, PersonFactory

    unit = personas["kent-police.intelligence-officer"]
    person, unseen = PersonFactory(first_name="Vexley", last_name="Marr"), PersonFactory(first_name="Vexley")
    shared = IntelligenceReportFactory(sanitised_by=unit)
    shared.persons.add(person)
    IntelligenceReportFactory(sanitised_by=unit).persons.add(unseen)
    sharing_services.share_record(
        shared_by=unit, record=shared, recipient_agency=Agencies.objects.get(code="kcc"), level="full",
        purpose="MASE preparation", lawful_basis=LawfulBasis.objects.get(code="dpa3-sch8-para4"),
    )  # fmt: skip

    sign_in(page, "mase.chair")
    page.goto(f"/mase/meetings/{meeting_today.pk}/agenda/")
    search = page.get_by_role("search")
    search.get_by_label("Search for").select_option(label="Person of concern")
    search.get_by_label("Name, registration").fill("Vexly")
    search.get_by_role("button", name="Search").click()
    results = page.get_by_test_id("add-subject").get_by_role("radio")
    expect(results).to_have_count(1)  # the unit's own Vexley is not the chair's to see
    assert_accessible(page)
    page.get_by_label("Person of concern: Vexley Marr").check()
    page.get_by_label("Why it is on the agenda").fill("Seen with two listed children")
    page.get_by_role("button", name="Add to the agenda", exact=True).click()
    expect(page.get_by_test_id("agenda-items")).to_contain_text(f"Person of concern {person.pk} (Vexley Marr)")
    assert_accessible(page)
