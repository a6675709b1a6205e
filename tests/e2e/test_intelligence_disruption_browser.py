"""Editing a recorded disruption and reviewing it for retention in a browser,
with axe on every page: bad input shown next to the field, the edit saved,
the review queue's tabs, and disposal leaving the tombstone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intelligence import services
from intelligence.models.disruptions import Disruption
from sharing.default_protocol import create_default_protocol
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_sign_in import sign_in
from tests.intelligence.factories import IntelligenceReportFactory, PersonFactory

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def visit(personas):
    create_default_protocol(agreed_by=personas["admin"])
    unit = personas["kent-police.intelligence-officer"]
    report = IntelligenceReportFactory(sanitised_by=unit)
    person = PersonFactory(first_name="Browserperson", last_name="Fictional")
    report.persons.add(person)
    record = services.disruption_record(recorded_by=unit, kind="business_visit", occurred_on=timezone.localdate(),
                                        persons=[person], details="Visited the takeaway")  # fmt: skip
    Disruption.objects.filter(pk=record.pk).update(review_due=timezone.localdate() - datetime.timedelta(days=1))
    return record


@pytest.mark.timeout(600)
def test_the_unit_edits_a_disruption_and_disposes_of_it_under_review(page, personas, visit):
    sign_in(page, "kent-police.intelligence-officer")
    page.goto(f"/intelligence/disruptions/{visit.pk}/")
    page.get_by_role("link", name="Edit the disruption").click()
    page.get_by_label("Date").fill("1850-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be after 1900")
    assert_accessible(page)
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Details").fill("Visited the takeaway and gave the manager the guidance")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Disruption saved")).to_be_visible()
    assert_accessible(page)

    page.goto("/intelligence/reviews/?kind=disruption")
    expect(page.get_by_test_id("review-queue")).to_contain_text(visit.reference)
    assert_accessible(page)
    page.get_by_role("link", name=visit.reference).click()
    page.get_by_label("Dispose").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the rationale")
    assert_accessible(page)
    page.get_by_label("Rationale").fill("Recorded for a visit that is no longer relevant")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_test_id("tombstone")).to_contain_text("Disposed of under MoPI review")
    expect(page.get_by_text("gave the manager the guidance")).to_have_count(0)
    assert_accessible(page)
