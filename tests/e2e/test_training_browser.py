"""A trainer's journey: plan a session, import a register (one bad line, fixed
and imported again), mark it delivered; an attendee gives feedback by the link
without signing in; the coverage matrix changes for that district."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_sign_in import sign_in
from tests.training.factories import CourseVersionFactory, OrganisationFactory, PlanFactory

pytestmark = pytest.mark.e2e


def register(text: str) -> dict:
    return {"name": "register.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_a_trainer_closes_a_gap_in_thanet(page, browser, live_server, personas, output_dir):
    version = CourseVersionFactory(course__title="Hotel Watch: exploitation in hotels")
    PlanFactory(districts=["thanet"], priority_audiences=["hotel-staff"])
    OrganisationFactory(name="Fictional Seaview Hotel", licence_number="PL/THA/0042")
    sign_in(page, "kent-police.trainer")

    page.goto("/training/coverage/")
    assert "Gap" in page.get_by_test_id("cell-thanet-hotel-staff").inner_text()
    assert_accessible(page)

    page.goto("/training/")
    page.get_by_role("link", name="Plan a session").click()
    starts = timezone.localtime() - datetime.timedelta(hours=3)
    page.get_by_label("Course").select_option(str(version.pk))
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill((starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("District").select_option(label="Thanet")
    page.get_by_label("Venue").fill("Fictional Winter Gardens, Margate")
    page.get_by_label("Audience").select_option("hotel-staff")
    assert_accessible(page)
    page.get_by_role("button", name="Plan the session").click()
    expect(page.get_by_test_id("session-status")).to_have_text("Planned")
    session_url = page.url

    page.get_by_role("link", name="Import an attendance register").click()
    page.get_by_label("Register (CSV)").set_input_files(
        register("Full name,Premises licence\nAnn Example,PL/THA/0042\nBo Example,PL/THA/9999\n")
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_label("Column with the attendee's name")).to_have_value("0")
    page.get_by_label("Column with the organisation's licence number").select_option("1")
    page.get_by_role("button", name="Check and import").click()
    report = page.get_by_test_id("register-report")
    expect(report).to_contain_text("Line 3: no organisation holds licence PL/THA/9999")
    page.screenshot(path=output_dir / "register-report.png", full_page=True)
    assert_accessible(page)

    page.get_by_label("Register (CSV)").set_input_files(
        register("Full name,Premises licence\nAnn Example,PL/THA/0042\nBo Example,\n")
    )
    page.get_by_role("button", name="Upload").click()
    page.get_by_label("Column with the organisation's licence number").select_option("1")
    page.get_by_role("button", name="Check and import").click()
    expect(page).to_have_url(session_url)
    expect(page.get_by_test_id("attendee-names")).to_contain_text("Bo Example")

    page.get_by_label("How many people attended").fill("18")
    page.get_by_role("button", name="Mark as delivered").click()
    expect(page.get_by_test_id("session-status")).to_have_text("Delivered")
    feedback_url = page.get_by_test_id("feedback-link").inner_text()
    page.screenshot(path=output_dir / "session-delivered.png", full_page=True)
    assert_accessible(page)

    attendee = browser.new_context(bypass_csp=True)
    phone = attendee.new_page()
    phone.goto(feedback_url)
    expect(phone.get_by_role("heading", name="Feedback on your training")).to_be_visible()
    assert "Sign out" not in phone.content()
    assert_accessible(phone)
    phone.get_by_role("group", name="How useful was what you learned?").get_by_label("5 (very good)").check()
    phone.get_by_role("group", name="How well was it delivered?").get_by_label("4").check()
    phone.get_by_role("group", name="How relevant was it to your work?").get_by_label("5 (very good)").check()
    phone.get_by_label("Anything else (optional)").fill("Clear and practical")
    phone.get_by_role("button", name="Send feedback").click()
    expect(phone.get_by_test_id("feedback-thanks")).to_be_visible()
    attendee.close()

    page.goto(session_url)
    expect(page.get_by_test_id("feedback-roll-up")).to_contain_text("1")
    expect(page.get_by_test_id("feedback-comments")).to_contain_text("Clear and practical")

    page.goto("/training/coverage/")
    cell = page.get_by_test_id("cell-thanet-hotel-staff")
    expect(cell).not_to_contain_text("Gap")
    expect(cell).to_contain_text(re.compile(r"18 people, 1 orgs"))
    page.screenshot(path=output_dir / "coverage.png", full_page=True)
    assert_accessible(page)
