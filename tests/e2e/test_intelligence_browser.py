"""The intelligence journey in a browser, with axe on every page: Health
submits; an intelligence officer grades, sanitises, links and shares it back
with conditions; Health sees the outcome and the sanitised report with its
conditions; the network shows the new link to the CSE team and not to Medway."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intelligence.models import IntelligenceReport, Submission
from referrals import services as referral_services
from sharing.default_protocol import create_default_protocol
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_sign_in import sign_in
from tests.referrals.conftest import new_child_fields

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def jade(personas):
    create_default_protocol(agreed_by=personas["admin"])
    referral = referral_services.referral_create(
        created_by=personas["kcc.caseworker"],
        new_child=new_child_fields("maidstone", first_name="Jade", last_name="Browsertest"),
        received_at=timezone.now(),
        channel="phone",
        referrer_name="Test referrer",
        concern_summary="Test concern",
        consent_outcome="given",
    )
    return referral.child


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


@pytest.mark.timeout(600)
def test_health_submits_the_unit_grades_and_shares_back_and_the_network_shows_the_link(
    page, personas, jade, output_dir
):
    sign_in(page, "health.practitioner")
    page.goto("/intelligence/submissions/new/")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Describe what happened")
    assert_accessible(page)
    page.get_by_label("What happened").fill("A girl called Jade gets into a silver taxi with a man called Daz")
    page.get_by_label("I saw or heard it myself").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_test_id("submission-status")).to_contain_text("Received")
    page.screenshot(path=output_dir / "submitted.png", full_page=True)
    assert_accessible(page)
    submission = Submission.objects.get()
    sign_out(page)

    sign_in(page, "kent-police.intelligence-officer")
    page.goto("/intelligence/triage/")
    expect(page.get_by_test_id("triage-queue")).to_contain_text(submission.reference)
    assert_accessible(page)
    page.get_by_role("link", name=submission.reference).click()
    page.get_by_role("link", name="Grade and sanitise").click()
    assert_accessible(page)
    page.get_by_label("Subject (sanitised)").fill("Girl seen getting into a taxi with an older man")
    page.get_by_label("Sanitised text", exact=True).fill("A girl was seen getting into a private hire car with a man.")
    page.get_by_label("Source evaluation").select_option("1")
    page.get_by_label("Intelligence assessment").select_option("B")
    page.get_by_label("Handling code").select_option("C")
    page.get_by_label("Handling conditions").fill("Not to be disclosed to the family")
    page.get_by_label("Source type").select_option("partner")
    page.get_by_role("button", name="Create the report").click()
    expect(page.get_by_test_id("grading")).to_contain_text("1-B-C")
    expect(page.get_by_test_id("original-text")).to_contain_text("silver taxi")
    page.screenshot(path=output_dir / "report-for-the-unit.png", full_page=True)
    assert_accessible(page)
    report = IntelligenceReport.objects.get()

    page.get_by_role("link", name="person of concern").click()
    page.get_by_label("First name").fill("Daz")
    page.get_by_label("Last name").fill("Roadrunner")
    page.get_by_label("Phone numbers").fill("07700 900555")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Record an association").click()
    assert_accessible(page)
    page.get_by_label("From").select_option(label="Person: Daz Roadrunner")
    page.get_by_label("Type").select_option(label="Older boyfriend")
    page.get_by_label("To", exact=True).select_option(label="Child: Jade Browsertest")
    page.get_by_role("button", name="Record the association").click()
    expect(page.get_by_test_id("associations")).to_contain_text("Older boyfriend")

    page.goto(f"/sharing/records/intelligence.intelligencereport/{report.pk}/share/")
    page.get_by_label("Agency to share with").select_option(label="Health")
    page.get_by_label("Full: everything in the record").check()
    page.get_by_label("Purpose of sharing").fill("Safeguarding the child the nurse sees")
    page.get_by_label("Lawful basis").select_option(index=1)  # the sharer's regime's bases only
    page.get_by_role("button", name="Share").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("handling code C")
    page.get_by_label("Conditions").fill("Not to be disclosed to the family")
    page.get_by_role("button", name="Share").click()
    sign_out(page)

    sign_in(page, "health.practitioner")
    page.goto(f"/intelligence/submissions/{submission.pk}/")
    expect(page.get_by_test_id("submission-outcome")).to_contain_text("Sanitised intelligence log created")
    page.get_by_role("link", name=f"sanitised report {report.reference}").click()
    expect(page.get_by_test_id("sanitised-text")).to_contain_text("private hire car")
    expect(page.get_by_test_id("handling")).to_contain_text("Not to be disclosed to the family")
    assert page.get_by_test_id("original-text").count() == 0 and page.get_by_test_id("grading").count() == 0
    page.screenshot(path=output_dir / "report-shared-back.png", full_page=True)
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "kent-police.caseworker")  # the CSE team
    page.goto(f"/intelligence/entities/child/{jade.pk}/network/")
    expect(page.get_by_test_id("network-table")).to_contain_text("Older boyfriend")
    expect(page.get_by_test_id("network-table")).to_contain_text("Daz Roadrunner")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "medway.caseworker")
    response = page.goto(f"/intelligence/entities/child/{jade.pk}/network/")
    assert response.status == 404
