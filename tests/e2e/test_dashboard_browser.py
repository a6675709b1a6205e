"""The dashboard in a browser: charts drawn under the Content Security Policy,
each with its table, and no accessibility violations."""

import datetime

import pytest
from django.utils import timezone

from sharing.default_protocol import create_default_protocol
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_sign_in import sign_in
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def referrals(personas):
    create_default_protocol(agreed_by=personas["admin"])
    for days in range(7):
        ReferralFactory(
            created_by=personas["kcc.caseworker"], received_at=timezone.now() - datetime.timedelta(days=days)
        )


def test_a_manager_reads_the_charts_and_their_tables(page, personas, referrals, output_dir):
    sign_in(page, "kent-police.manager")
    page.get_by_role("link", name="Dashboard").click()
    table = page.locator("table[data-indicator='referrals.referrals_by_district']")
    assert "Maidstone" in table.inner_text() and "7" in table.inner_text()
    # The charts are drawn by deferred scripts once the page has loaded.
    page.wait_for_selector(".app-chart canvas")
    assert page.locator(".app-chart canvas").count() >= 5
    assert page.locator(".app-chart canvas").first.get_attribute("aria-hidden") == "true"
    page.screenshot(path=output_dir / "dashboard.png", full_page=True)
    assert_accessible(page)


def test_the_charts_draw_under_the_content_security_policy(strict_page, personas, referrals):
    page = strict_page
    failed = []
    page.on("pageerror", lambda error: failed.append(str(error)))
    page.on("console", lambda message: failed.append(message.text) if message.type == "error" else None)
    sign_in(page, "kent-police.manager")
    page.goto("/dashboard/")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".app-chart canvas")
    assert failed == []
    assert page.locator(".app-chart canvas").count() >= 5


def test_a_monthly_trend_is_drawn_and_a_figure_opens_its_list(page, personas, referrals):
    sign_in(page, "kent-police.manager")
    page.goto("/dashboard/")
    page.wait_for_selector("[data-chart$='-monthly'] canvas")
    page.locator("summary", has_text="Monthly figures as a table").first.click()
    assert page.locator("table[data-trend='referrals.referrals_by_district']").is_visible()
    table = page.locator("table[data-indicator='referrals.referrals_by_district']")
    table.get_by_role("link", name="Maidstone").click()
    page.wait_for_url("**/referrals/**")
    assert page.locator("[data-testid='referral-list'] tbody tr").count() == 7
    assert_accessible(page)


def test_the_board_report_reads_well_and_asks_what_it_is_for(page, personas, referrals, output_dir):
    sign_in(page, "kent-police.manager")
    page.goto("/dashboard/")
    page.get_by_role("link", name="Board report: the headline figures on one printable page").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith("board report")
    page.screenshot(path=output_dir / "board-report.png", full_page=True)
    assert_accessible(page)
    page.get_by_role("button", name="Download the board report (PDF)").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)


def test_a_mase_figure_opens_the_records_behind_it(page, personas, referrals):
    from accounts.models import District
    from mase.models import MeetingStatus
    from tests.mase.factories import MeetingFactory, PanelFactory

    panel = PanelFactory()
    panel.districts.set([District.objects.get(code="maidstone")])
    held = timezone.now() - datetime.timedelta(days=5)
    MeetingFactory(panel=panel, starts_at=held, held_at=held, status=MeetingStatus.CIRCULATED)
    sign_in(page, "kcc.supervisor")  # of the panel's agency
    page.goto("/dashboard/")
    page.locator("table[data-indicator='mase.meetings_held']").get_by_role("link", name="Total").click()
    page.wait_for_url("**/records/**")
    assert page.locator("[data-testid='records'] tbody tr").count() == 1
    assert_accessible(page)
