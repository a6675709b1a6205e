"""Each role's home page in a real browser, at desktop and phone widths: the
queues of their work with counts that lead to the same rows, the
notifications in the header, and the referral page fixes a person notices.
axe: no violations on any page visited; no sideways scroll on a phone."""

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications import services as notification_services
from referrals import services
from referrals.models import Instrument
from tests.e2e.conftest import AXE_SCRIPT, assert_accessible
from tests.e2e.test_sign_in import sign_in
from tests.home.helpers import share_with_health
from tests.referrals import conftest as referral_fixtures

# The referrals fixtures, for this module's tests.
protocol, district = referral_fixtures.protocol, referral_fixtures.district
instrument, responses = referral_fixtures.instrument, referral_fixtures.responses
referral, referral_at = referral_fixtures.referral, referral_fixtures.referral_at

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": 1280, "phone": 390}


def no_sideways_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def queue(page, title):
    return page.get_by_test_id("queue").filter(has=page.get_by_role("link", name=title, exact=True))


@pytest.fixture
def casework(personas, referral_at, referral, responses):
    """An open case led by the KCC caseworker with an action due, a triaged
    referral and an assessment awaiting approval, a referral shared with Health."""
    caseworker = personas["kcc.caseworker"]
    case = referral_at("open", by="kcc.caseworker", new_child={"first_name": "Imogen", "last_name": "Fairweather"})
    services.action_create(
        referral=case, created_by=personas["kcc.supervisor"], description="Visit the school", owner=caseworker,
        due_date=timezone.localdate() + datetime.timedelta(days=2),
    )  # fmt: skip
    triaged = referral_at("triaged", by="kcc.caseworker")
    accepted = referral_at("accepted", by="kcc.caseworker")
    seraf = Instrument.objects.get(code="seraf", version=1)
    services.assessment_submit(
        referral=accepted, assessed_by=caseworker, instrument=seraf,
        responses=responses(seraf, {"older-partner": ("yes", "current")}), professional_level="low",
    )  # fmt: skip
    shared = referral(by="kcc.caseworker")
    share_with_health(personas, shared)
    notification_services.notice_new_shares()
    return {"case": case, "triaged": triaged, "accepted": accepted, "shared": shared}


@pytest.mark.parametrize("width", WIDTHS)
def test_each_role_finds_its_work_on_the_home_page(page, casework, output_dir, width):
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    expected = {
        "kcc.caseworker": ("My cases", "1", casework["case"].reference),
        "kcc.supervisor": ("Referrals awaiting acceptance", "1", casework["triaged"].reference),
        "health.practitioner": ("Shared with me", "1", casework["shared"].reference),
        "dpo": ("Shares made this week", "1", None),
    }
    for username, (title, count, reference) in expected.items():
        sign_in(page, username)
        row = queue(page, title)
        expect(row.get_by_test_id("queue-count")).to_have_text(count)
        page.screenshot(path=output_dir / f"home-{username}-{width}.png", full_page=True)
        assert_accessible(page)
        no_sideways_scroll(page)
        row.get_by_role("link", name=title, exact=True).click()
        if reference:
            expect(page.locator(f'[data-reference="{reference}"]').first).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Sign out").click()


def test_a_supervisor_follows_a_notification_to_the_assessment_awaiting_approval(page, casework, output_dir):
    sign_in(page, "kcc.supervisor")
    expect(page.get_by_test_id("unread-count")).to_have_text("1 unread")
    page.get_by_test_id("notifications-link").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=output_dir / "notifications.png", full_page=True)
    page.get_by_role("link", name=casework["accepted"].reference).click()
    expect(page.get_by_test_id("next-step")).to_contain_text("A supervisor approves or returns the risk assessment")
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    assert_accessible(page)

    page.goto("/notifications/settings/")
    page.get_by_label("At once, one e-mail for each notification").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("E-mails: at once")
    assert_accessible(page)


def test_a_caseworker_is_warned_before_starting_a_second_referral_for_a_child(page, casework, output_dir):
    child = casework["case"].child
    sign_in(page, "kcc.caseworker")
    page.goto("/referrals/new/")
    page.get_by_label("First name").fill(child.first_name)
    page.get_by_label("Last name").fill(child.last_name)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("open-referral-warning")).to_contain_text(casework["case"].reference)
    assert_accessible(page)
    page.get_by_role("link", name="Start a new referral anyway").click()
    expect(page.get_by_test_id("open-referral-warning")).to_be_visible()
    page.screenshot(path=output_dir / "open-referral-warning.png", full_page=True)
    assert_accessible(page)


def test_the_referral_page_leads_with_status_risk_and_next_step(page, casework, output_dir):
    sign_in(page, "kcc.caseworker")
    page.goto(f"/referrals/{casework['triaged'].pk}/")
    status = page.get_by_test_id("case-status")
    expect(status).to_contain_text("Triaged")
    expect(page.get_by_test_id("next-step")).to_contain_text("A supervisor accepts the referral")
    assert status.bounding_box()["y"] < page.locator("#child-heading").bounding_box()["y"]
    page.get_by_test_id("jump-links").get_by_role("link", name="Timeline").click()
    assert page.url.endswith("#timeline-heading")
    assert_accessible(page)


@pytest.mark.parametrize("width", [390, 768])
def test_the_filter_panel_hides_behind_a_toggle_on_small_screens(page, casework, output_dir, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, "kcc.caseworker")
    page.goto("/referrals/")
    filters = page.get_by_test_id("referral-filters")
    expect(filters).to_be_hidden()
    no_sideways_scroll(page)
    page.get_by_role("button", name="Show filter").click()
    expect(filters).to_be_visible()
    box = page.locator(".moj-filter-layout__filter").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
    page.screenshot(path=output_dir / f"filter-open-{width}.png", full_page=False)
    assert_accessible(page)
    page.get_by_role("button", name="Close").click()
    expect(filters).to_be_hidden()
    # The list is usable again: a referral opens.
    page.get_by_role("link", name=casework["case"].reference).click()
    expect(page.get_by_test_id("case-status")).to_be_visible()


def every_axe_violation(page) -> list[dict]:
    """Every axe rule, best practices included ("region" is one), not only the WCAG-tagged ones."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "targets": [node["target"] for node in v["nodes"]]}
        for v in results["violations"]
    ]


def main_pages(casework) -> list[tuple[str, str]]:
    """(persona, path) for the caseworker's and supervisor's main pages."""
    case, accepted = casework["case"], casework["accepted"]
    assessment = accepted.assessments.get()
    seraf = Instrument.objects.get(code="seraf", version=1)
    return [
        ("kcc.caseworker", "/"),
        ("kcc.caseworker", "/referrals/"),
        ("kcc.caseworker", "/referrals/?q=nobody+by+this+name&status=closed"),
        ("kcc.caseworker", f"/referrals/{case.pk}/"),
        ("kcc.caseworker", "/referrals/new/"),
        ("kcc.caseworker", "/referrals/new/details/"),
        ("kcc.caseworker", "/referrals/new/details/?step=child"),
        ("kcc.caseworker", "/referrals/new/details/?step=referrer"),
        ("kcc.caseworker", "/referrals/new/details/?step=consent"),
        ("kcc.caseworker", f"/referrals/{case.pk}/edit/"),
        ("kcc.caseworker", f"/referrals/{case.pk}/child/edit/"),
        ("kcc.caseworker", f"/referrals/{case.pk}/assessments/new/"),
        ("kcc.caseworker", f"/referrals/{case.pk}/assessments/new/{seraf.pk}/"),
        ("kcc.caseworker", f"/referrals/{case.pk}/chronology/new/"),
        ("kcc.caseworker", f"/referrals/{case.pk}/actions/new/"),
        ("kcc.caseworker", f"/referrals/{case.pk}/actions/{case.actions.get().pk}/done/"),
        ("kcc.caseworker", f"/referrals/{case.pk}/missing-episodes/new/"),
        ("kcc.caseworker", "/notifications/"),
        ("kcc.caseworker", "/notifications/settings/"),
        ("kcc.supervisor", "/"),
        ("kcc.supervisor", f"/referrals/{accepted.pk}/assessments/{assessment.pk}/"),
        ("kcc.supervisor", f"/referrals/{casework['triaged'].pk}/workflow/accept/"),
    ]


@pytest.mark.parametrize("width", [1280, 768, 390])
def test_the_main_pages_have_no_axe_violation_of_any_impact_nor_sideways_scroll(page, casework, output_dir, width):
    page.set_viewport_size({"width": width, "height": 900})
    signed_in, problems = None, {}
    for username, path in main_pages(casework):
        if username != signed_in:
            if signed_in:
                page.get_by_role("button", name="Sign out").click()
            sign_in(page, username)
            signed_in = username
        response = page.goto(path)
        assert response.status == 200, path
        name = path.strip("/").replace("/", "-") or "home"
        page.screenshot(path=output_dir / f"{name}-{username}.png", full_page=True)
        if violations := every_axe_violation(page):
            problems[path] = violations
        if wider := wider_than_the_screen(page):
            problems[path] = wider
    assert problems == {}, json.dumps(problems, indent=1)


def wider_than_the_screen(page) -> list[str]:
    """The elements reaching past the right edge (the page scrolls sideways), if any."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width) return [];
          return [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > width + 1)
            .slice(0, 5)
            .map((e) => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)}px)`);
        }"""
    )


def test_filtering_the_list_updates_the_count_the_selected_filters_and_tells_a_screen_reader(page, casework):
    sign_in(page, "kcc.caseworker")
    page.goto("/referrals/")
    expect(page.get_by_test_id("referral-count")).to_have_text("4 referrals")
    expect(page.get_by_test_id("referral-count-status")).to_have_text("")
    page.get_by_test_id("referral-filters").get_by_label("Triaged").check()  # htmx updates on change
    expect(page.get_by_test_id("referral-count")).to_have_text("1 referral")
    expect(page.get_by_test_id("referral-count-status")).to_have_text("1 referral, with 1 filter")
    expect(page.get_by_test_id("selected-filters")).to_contain_text("Status: Triaged")
    assert_accessible(page)
    page.get_by_test_id("referral-filters").get_by_label("Closed").check()
    page.get_by_test_id("referral-filters").get_by_label("Triaged").uncheck()
    expect(page.get_by_test_id("no-referrals")).to_contain_text("No referrals match")
    page.get_by_test_id("no-match-suggestions").get_by_role("link", name="remove “Status: Closed”").click()
    expect(page.get_by_test_id("referral-count")).to_have_text("4 referrals")


def test_the_seraf_form_reveals_evidence_on_yes_and_saves_a_draft_to_finish_later(page, casework, output_dir):
    case = casework["case"]
    seraf = Instrument.objects.get(code="seraf", version=1)
    sign_in(page, "kcc.caseworker")
    page.goto(f"/referrals/{case.pk}/assessments/new/{seraf.pk}/")
    expect(page.get_by_test_id("computed-level-value")).to_have_text("not known until every indicator is answered")
    question = page.get_by_test_id("indicator-older-partner")
    evidence = question.get_by_label("Evidence")
    expect(evidence).to_be_hidden()
    question.locator("input[type=radio][value=yes]").check()
    expect(evidence).to_be_visible()
    question.locator("select").select_option("current")
    evidence.fill("Boyfriend is 24")
    question.locator("input[type=radio][value=no]").check()
    expect(evidence).to_be_hidden()
    question.locator("input[type=radio][value=yes]").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft SERAF assessment saved: 1 of 21")

    page.goto(f"/referrals/{case.pk}/assessments/new/")
    page.get_by_role("link", name="Carry on with your draft").click()
    expect(page.get_by_test_id("draft-resumed")).to_be_visible()
    expect(page.get_by_test_id("indicator-older-partner").get_by_label("Evidence")).to_have_value("Boyfriend is 24")
    page.screenshot(path=output_dir / "draft-resumed.png", full_page=True)


def test_the_notification_list_announces_news_that_arrives_while_it_is_open(page, casework, personas, referral):
    sign_in(page, "health.practitioner")
    page.goto("/notifications/")
    region = page.locator("#notifications-status")
    expect(region).to_have_attribute("role", "status")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_have_text("You have 1 unread notification.")
    page.evaluate("window.regionAtLoad = document.getElementById('notifications-status')")

    later = referral(by="kcc.caseworker")
    share_with_health(personas, later)
    notification_services.notice_new_shares()
    # htmx fetches the region's words every minute; fetch them now rather than wait.
    page.evaluate(
        """() => {
          const region = document.getElementById('notifications-status');
          return htmx.ajax('GET', region.getAttribute('hx-get'), {target: region, swap: 'innerHTML'});
        }"""
    )
    expect(region).to_contain_text("1 new notification since this page was opened.")
    # The same element, whose words changed: what a screen reader announces (a replaced one is not).
    assert page.evaluate("window.regionAtLoad === document.getElementById('notifications-status')")
    page.get_by_role("link", name="Show the new notification").click()
    expect(page.get_by_test_id("notification")).to_have_count(2)
    assert_accessible(page)


def test_the_case_summary_prints_without_the_service_chrome_and_with_every_column(page, casework, output_dir):
    sign_in(page, "kcc.caseworker")
    page.goto(f"/referrals/{casework['case'].pk}/")
    page.get_by_role("link", name="Print a case summary").click()
    expect(page.get_by_test_id("print-notice")).to_contain_text("OFFICIAL-SENSITIVE")
    expect(page.get_by_role("region", name="Actions on this referral")).to_contain_text("Visit the school")
    page.emulate_media(media="print")
    for hidden in (".govuk-service-navigation", ".moj-identity-bar", ".govuk-footer", "[data-testid=jump-links]"):
        expect(page.locator(hidden).first).to_be_hidden()
    actions = page.get_by_role("region", name="Actions on this referral")
    assert actions.evaluate("element => getComputedStyle(element).overflowX") == "visible"
    page.pdf(path=output_dir / "case-summary.pdf")
