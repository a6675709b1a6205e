import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e


def test_the_dpo_searches_the_log_and_sees_errors_next_to_the_dates(page, personas, output_dir):
    sign_in(page, "dpo")
    page.get_by_role("link", name="Access log").click()
    assert "Signed in" in page.get_by_test_id("access-events").inner_text()
    page.screenshot(path=output_dir / "access-log.png", full_page=True)
    assert_accessible(page)

    page.get_by_label("Date from").fill("2025-06-12")
    page.get_by_label("Date to").fill("2025-06-10")
    page.get_by_role("button", name="Search the log").click()
    expect(page).to_have_title(re.compile(r"^Error: Access log"))
    assert "Date to must be the same as or after date from" in page.locator("#id_date_to-error").inner_text()
    assert_accessible(page)
