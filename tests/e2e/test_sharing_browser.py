import pytest

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
    why = page.get_by_test_id("why-can-i-see")
    assert "Protocol version 1" in why.inner_text()
    assert "cse team member" in why.inner_text().replace("_", " ")
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
