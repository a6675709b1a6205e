"""The link chart in a real browser under the Content Security Policy:
Cytoscape.js draws the network, and "Download the chart as a PNG" records
the export before the image is saved."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import AccessEvent
from intelligence import services
from referrals import services as referral_services
from sharing.default_protocol import create_default_protocol
from tests.e2e.test_sign_in import sign_in
from tests.intelligence.test_services import make_report
from tests.referrals.conftest import new_child_fields

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def charted(personas):
    create_default_protocol(agreed_by=personas["admin"])
    unit = personas["kent-police.intelligence-officer"]
    child = referral_services.referral_create(
        created_by=personas["kcc.caseworker"], new_child=new_child_fields("maidstone", first_name="Jade",
        last_name="Charttest"), received_at=timezone.now(), channel="phone", referrer_name="Test referrer",
        concern_summary="Test concern", consent_outcome="given",
    ).child  # fmt: skip
    report = make_report(unit)
    person = services.person_link(report=report, linked_by=unit, first_name="Daz", last_name="Fictional")
    hotel = services.location_link(report=report, linked_by=unit, name="The Chart Hotel", kind="hotel")
    services.association_create(report=report, created_by=unit, a=("person", person), b=("child", child),
                                type="older_boyfriend")  # fmt: skip
    services.association_create(report=report, created_by=unit, a=("person", person), b=("location", hotel),
                                type="frequents")  # fmt: skip
    return child


@pytest.mark.timeout(300)
def test_the_chart_is_drawn_and_its_png_export_recorded(strict_page, charted, output_dir):
    page = strict_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, "kent-police.intelligence-officer")
    page.goto(f"/intelligence/entities/child/{charted.pk}/network/?hops=2")
    expect(page.get_by_test_id("link-chart")).to_have_attribute("data-drawn", "3")
    expect(page.get_by_test_id("link-chart-canvas").locator("canvas").first).to_be_visible()
    expect(page.get_by_test_id("network-table")).to_contain_text("Frequents")
    page.screenshot(path=output_dir / "link-chart.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("png-export").click()
    assert download.value.suggested_filename.startswith(f"link-chart-child-{charted.pk}-")
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORT)
    assert event.details["format"] == "png" and len(event.details["associations"]) == 2
    assert errors == []
