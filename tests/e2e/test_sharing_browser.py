import re

import pytest
from playwright.sync_api import expect

from sharing.default_protocol import create_default_protocol
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_sign_in import sign_in
from tests.sharing.factories import CaseFileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.urls("tests.isp_testapp.urls")]


@pytest.fixture
def kcc_record(personas):
    from accounts.models import Agency, District

    create_default_protocol(agreed_by=personas["admin"])
    return CaseFileFactory(
        reference="KCC-0001",
        owning_agency=Agency.objects.get(code="kcc"),
        district=District.objects.get(code="canterbury"),
        concern="Seen with older males near the station",
    )


def test_a_record_page_explains_why_and_a_stranger_gets_not_found(page, personas, kcc_record, output_dir):
    sign_in(page, "kent-police.caseworker")
    page.goto(f"/case-files/{kcc_record.pk}/")
    page.get_by_text("Why can I see this?").click()
    why = page.get_by_test_id("why-can-i-see")  # loaded by htmx when opened
    expect(why).to_contain_text(re.compile(r"Protocol version \d+"))  # 1, or later when apps join later
    expect(why).to_contain_text("Kent Police sees case files (all records, for CSE team members) at full level")
    page.screenshot(path=output_dir / "why-can-i-see.png", full_page=True)
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "health.practitioner")
    response = page.goto(f"/case-files/{kcc_record.pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()


def test_the_protocol_page_is_accessible(page, personas, kcc_record, output_dir):
    sign_in(page, "medway.caseworker")
    page.get_by_role("link", name="Information sharing").click()
    assert page.get_by_test_id("protocol-matrix").is_visible()
    page.screenshot(path=output_dir / "protocol.png", full_page=True)
    assert_accessible(page)


def test_a_caseworker_shares_a_record_with_health_who_can_then_read_it(page, personas, kcc_record, output_dir):
    sign_in(page, "kcc.caseworker")
    page.goto(f"/sharing/records/isp_testapp.casefile/{kcc_record.pk}/share/")
    page.get_by_role("button", name="Share").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose an agency or one person to share with")
    page.screenshot(path=output_dir / "share-errors.png", full_page=True)
    assert_accessible(page)

    page.get_by_label("Agency to share with").select_option(label="Health")
    page.get_by_label("Full: everything in the record").check()
    page.get_by_label("Purpose of sharing").fill("The sexual health nurse is seeing the child")
    page.get_by_label("Lawful basis").select_option(index=1)
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_text("KCC-0001 has been shared")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "health.practitioner")
    response = page.goto(f"/case-files/{kcc_record.pk}/")
    assert response.status == 200
    expect(page.get_by_test_id("record-fields")).to_contain_text("Seen with older males near the station")
    page.get_by_text("Why can I see this?").click()
    expect(page.get_by_test_id("why-can-i-see")).to_contain_text("The sexual health nurse is seeing the child")
    page.screenshot(path=output_dir / "shared-record.png", full_page=True)
    assert_accessible(page)


def test_the_owner_supervisor_sees_who_can_see_the_record(page, personas, kcc_record, output_dir):
    sign_in(page, "kcc.supervisor")
    page.goto(f"/case-files/{kcc_record.pk}/")
    page.get_by_text("Why can I see this?").click()
    page.get_by_role("link", name="Who can see this record").click()
    expect(page.get_by_test_id("record-audience")).to_contain_text("Kent Police")
    page.screenshot(path=output_dir / "audience.png", full_page=True)
    assert_accessible(page)
