"""The MASE journey in a real browser, every page checked with axe-core: a KCC
caseworker requests a listing -> the chair accepts it, builds the agenda from
the candidates and closes it -> holds the meeting, records the item and sets
an action for Medway -> the Medway owner finds it among their actions and
is e-mailed. (Packs for KCC and Health, checked in the PDF text, are in
tests/mase/test_packs.py, not driven in the browser.)"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

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
        members=dict.fromkeys(Agency.objects.all(), (None, None)),
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
    page.get_by_role("link", name="Listing requests").click()
    page.get_by_label("Request a listing").fill(case.reference)
    page.get_by_role("button", name="Continue").click()
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
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("link", name="Accept", exact=True).click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_test_id("listing-status")).to_have_text("Accepted")

    page.goto(f"/mase/meetings/{meeting_today.pk}/")
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
    page.get_by_role("button", name="Record the meeting as held").click()
    expect(page.get_by_test_id("record-fields")).to_contain_text("Held")

    item = meeting_today.items.get(referral=case)
    page.goto(f"/mase/items/{item.pk}/")
    page.get_by_role("link", name="Record the discussion").click()
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
    page.get_by_role("button", name="Sign out").click()

    action = MaseAction.objects.get()
    assert [message.to for message in mail.outbox] == [[personas["medway.caseworker"].email]]
    sign_in(page, "medway.caseworker")
    page.get_by_role("link", name="MASE").first.click()
    page.get_by_role("link", name="Actions tracker").click()
    page.get_by_role("link", name="Mine").click()
    expect(page.get_by_test_id("actions")).to_contain_text(action.reference)
    page.screenshot(path=output_dir / "my-actions.png", full_page=True)
    assert_accessible(page)
