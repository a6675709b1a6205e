"""The caseworker's journey in a real browser: search for the child, record a
referral, see it on the list; a Health user gets "not found" until the
referral is shared with Health. Every page is checked with axe-core."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import Referral
from sharing.default_protocol import create_default_protocol
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def protocol(personas):
    return create_default_protocol(agreed_by=personas["admin"])


def record_a_referral(page, output_dir, *, first_name="Tallulah", last_name="Brightwater"):
    """As the signed-in user: search for the child, then record a new child and referral."""
    page.get_by_role("link", name="Referrals").first.click()
    page.get_by_role("link", name="Record a new referral").click()
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("no-child-matches")).to_be_visible()
    page.screenshot(path=output_dir / "child-search.png", full_page=True)
    assert_accessible(page)

    page.get_by_role("link", name="The child is not listed: record a new child").click()
    # One topic a step, the immediate-risk question first; nothing is recorded until the last.
    expect(page.get_by_role("heading", level=1)).to_have_text("Is the child at immediate risk?")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say whether the child is at immediate risk")
    assert_accessible(page)
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_label("First name")).to_have_value(first_name)
    born = timezone.localdate().replace(year=timezone.localdate().year - 14) - datetime.timedelta(days=40)
    page.get_by_label("Day").fill(str(born.day))
    page.get_by_label("Month").fill(str(born.month))
    page.get_by_label("Year").fill(str(born.year))
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the district where the child lives")
    page.screenshot(path=output_dir / "referral-form-errors.png", full_page=True)
    assert_accessible(page)
    page.get_by_label("District where the child lives").select_option(label="Maidstone")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Referrer's name").fill("Ms Khan")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("What is the concern?").fill("Seen getting into cars with older men after school")
    page.get_by_label("Online").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Given").check()
    page.screenshot(path=output_dir / "referral-form.png", full_page=True)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the referral before recording it")
    assert not Referral.objects.filter(child__last_name=last_name).exists()
    assert_accessible(page)
    page.get_by_role("button", name="Record the referral").click()
    expect(page.get_by_text("recorded", exact=False).first).to_be_visible()
    return Referral.objects.get(child__last_name=last_name)


def test_a_caseworker_records_a_referral_and_finds_it_on_the_list(page, personas, protocol, output_dir):
    sign_in(page, "kcc.caseworker")
    referral = record_a_referral(page, output_dir)

    expect(page.get_by_role("heading", level=1)).to_contain_text(referral.reference)
    expect(page.get_by_test_id("referral-status")).to_have_text("Received")
    page.screenshot(path=output_dir / "referral-page.png", full_page=True)
    assert_accessible(page)

    page.get_by_role("link", name="Referrals").first.click()
    page.get_by_label("Search").fill("Talula Brightwatter")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("referral-list")).to_contain_text(referral.reference)
    page.screenshot(path=output_dir / "referral-list.png", full_page=True)
    assert_accessible(page)


def test_health_gets_not_found_until_the_referral_is_shared_with_health(page, personas, protocol, output_dir):
    sign_in(page, "kcc.caseworker")
    referral = record_a_referral(page, output_dir, first_name="Oriana", last_name="Fairweather")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "health.practitioner")
    response = page.goto(f"/referrals/{referral.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.goto("/referrals/")
    expect(page.get_by_test_id("no-referrals")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "kcc.caseworker")
    page.goto(f"/referrals/{referral.pk}/")
    page.get_by_role("link", name="Share this referral").click()
    page.get_by_label("Agency to share with").select_option(label="Health")
    page.get_by_label("Summary: that the record exists").check()
    page.get_by_label("Purpose of sharing").fill("The school nurse is seeing the child")
    page.get_by_label("Lawful basis").select_option(index=1)
    page.get_by_role("button", name="Share").click()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "health.practitioner")
    response = page.goto(f"/referrals/{referral.pk}/")
    assert response.status == 200
    expect(page.get_by_test_id("summary-only")).to_be_visible()
    expect(page.get_by_test_id("child-summary")).to_contain_text("Oriana Fairweather")
    assert "older men" not in page.content()
    page.get_by_text("Why can I see this?").click()
    expect(page.get_by_test_id("why-can-i-see")).to_contain_text("The school nurse is seeing the child")
    page.screenshot(path=output_dir / "shared-summary.png", full_page=True)
    assert_accessible(page)


def take_step(page, link_name, button_name=None, **fields):
    page.get_by_test_id("workflow-steps").get_by_role("link", name=link_name).click()
    for label, value in fields.items():
        page.get_by_label(label.replace("_", " ")).fill(value)
    page.get_by_role("button", name=button_name or link_name).click()


def test_a_caseworker_completes_a_seraf_assessment_and_sees_the_level_on_the_list(page, personas, protocol, output_dir):
    sign_in(page, "kcc.caseworker")
    referral = record_a_referral(page, output_dir, first_name="Marigold", last_name="Ashcombe")
    take_step(page, "Record triage", What_did_triage_find="Spoke to the school: a real concern")
    expect(page.get_by_test_id("referral-status")).to_have_text("Triaged")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "kcc.supervisor")
    page.goto(f"/referrals/{referral.pk}/")
    take_step(page, "Accept the referral")
    expect(page.get_by_test_id("referral-status")).to_have_text("Accepted")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "kcc.caseworker")
    page.goto(f"/referrals/{referral.pk}/")
    page.get_by_role("link", name="Assess risk").click()
    page.get_by_label("SERAF (version 1)").check()
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    for no in page.locator("input[type=radio][value=no]").all():
        no.check()
    # Three significant indicators, present now: 15 points, "Moderate risk".
    for code in ("missing-overnight", "older-partner", "cars"):
        question = page.get_by_test_id(f"indicator-{code}")
        question.locator("input[type=radio][value=yes]").check()
        question.locator("select").select_option("current")
    expect(page.get_by_test_id("computed-score")).to_have_text("15")  # updated live by htmx
    expect(page.get_by_test_id("computed-level-value")).to_have_text("Medium")
    page.screenshot(path=output_dir / "assessment-form.png", full_page=True)
    page.get_by_role("group", name="Your professional judgement of the risk").get_by_label("High").check()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Explain why your judgement differs from the computed level"
    )
    page.get_by_label("Rationale").fill("Disclosed a planned meeting with an adult this weekend")
    page.get_by_role("group", name="Your professional judgement of the risk").get_by_label("High").check()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("SERAF assessment by Amira Hussain is awaiting approval.")).to_be_visible()
    page.screenshot(path=output_dir / "assessment-submitted.png", full_page=True)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "kcc.supervisor")
    page.goto(f"/referrals/{referral.pk}/")
    page.get_by_role("link", name="SERAF assessment by Amira Hussain").click()
    assert_accessible(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("risk-level")).to_contain_text("High")
    expect(page.get_by_test_id("referral-status")).to_have_text("Risk assessed")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "kcc.caseworker")
    page.goto("/referrals/?risk_level=high")
    row = page.locator(f'tr[data-reference="{referral.reference}"]')
    expect(row).to_contain_text("High")
    expect(row).to_contain_text("Risk assessed")
    page.screenshot(path=output_dir / "list-after-assessment.png", full_page=True)
    assert_accessible(page)
