"""The managers' dashboard: figures computed by hand on a small fixed data
set, the small-cell rule, CSV and who may open it."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import District
from audit.models import AccessEvent
from dashboard import indicators
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def scope_for(user, **filters):
    today = timezone.localdate()
    return indicators.Scope(user=user, start=today - datetime.timedelta(days=364), end=today, **filters)


def shown(table) -> dict[str, str]:
    return {row.label: row.shown for row in table.rows}


def test_referrals_by_district_counts_every_record_and_hides_small_cells_the_viewer_cannot_see(personas, casework):
    supervisor = personas["medway.supervisor"]
    table = indicators.get("referrals.referrals_by_district").table(scope_for(supervisor))
    # Every record is counted; Thanet's 3 and Dover's 2 are Kent children's
    # referrals Medway may not open, so their small numbers are not given.
    assert shown(table) == {"Maidstone": "6", "Thanet": "fewer than 5", "Dover": "fewer than 5", "Total": "11"}
    # The CSE team may open every one of them: nothing is hidden from it.
    manager = personas["kent-police.manager"]
    table = indicators.get("referrals.referrals_by_district").table(scope_for(manager))
    assert shown(table) == {"Maidstone": "6", "Thanet": "3", "Dover": "2", "Total": "11"}


def test_a_viewer_who_may_see_every_record_behind_a_small_cell_sees_its_number(personas, casework):
    health = personas["health.practitioner"]
    table = indicators.get("referrals.referrals_by_district").table(scope_for(health))
    assert shown(table)["Dover"] == "2"
    assert shown(table)["Thanet"] == "fewer than 5"  # KCC's, not shared with Health


def test_filters_narrow_every_figure(personas, casework):
    manager = personas["kent-police.manager"]
    table = indicators.get("referrals.referrals_by_district").table(scope_for(manager, district="maidstone"))
    assert shown(table) == {"Maidstone": "6", "Total": "6"}


def test_time_to_first_action_median_and_90th_percentile_by_hand(personas, casework):
    for days, referral in zip((1, 2, 3, 4, 10), casework["maidstone"], strict=False):
        referral.first_action_at = referral.received_at + datetime.timedelta(days=days)
        referral.save()
    table = indicators.get("referrals.time_to_first_action").table(scope_for(personas["kent-police.manager"]))
    # percentile_cont over 1, 2, 3, 4, 10: the median is 3; the 90th
    # percentile lies 0.6 of the way from 4 to 10.
    assert shown(table) == {"Median": "3.0", "90th percentile": "7.6"}


def test_the_rate_per_10000_uses_the_districts_population(personas, casework):
    from dashboard.models import DistrictPopulation

    DistrictPopulation.objects.create(district=District.objects.get(code="maidstone"), year=2025,
                                      under_18=40000, source="Test figure")  # fmt: skip
    table = indicators.get("referrals.referral_rate_by_district").table(scope_for(personas["kent-police.manager"]))
    assert shown(table) == {"Maidstone (2025)": "1.5"}  # 6 referrals / 40,000 x 10,000


def test_the_page_shows_each_figure_with_its_definition_and_comparisons(client, personas, casework):
    client.force_login(personas["medway.supervisor"])
    page = client.get(reverse("dashboard:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Referrals received, by district" in html and "How is this counted?" in html
    assert "fewer than 5" in html and "A year before" in html


def test_the_csv_is_the_table_as_shown_and_is_logged_as_an_export(client, personas, casework):
    client.force_login(personas["medway.supervisor"])
    response = client.get(reverse("dashboard:indicator_csv", args=["referrals.referrals_by_district"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Dover", "fewer than 5", ""] in rows and ["Maidstone", "6", ""] in rows
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT, record_kind="dashboard.indicator").exists()


def test_bad_filters_are_shown_next_to_their_field(client, personas, casework):
    client.force_login(personas["kent-police.manager"])
    page = client.get(reverse("dashboard:dashboard"), {"start": "2026-13-45", "district": "atlantis"})
    assert page.status_code == 200
    assert "start" in page.context["form"].errors and "district" in page.context["form"].errors


@pytest.mark.parametrize("username", ["kcc.caseworker", "health.practitioner", "dpo", "kent-police.trainer"])
def test_only_managers_supervisors_and_analysts_open_the_dashboard(client, personas, username):
    client.force_login(personas[username])
    assert client.get(reverse("dashboard:dashboard")).status_code == 403
    assert client.get(reverse("dashboard:indicator_csv", args=["referrals.referrals_by_district"])).status_code == 403


def test_the_demo_populations_load_once_and_say_they_are_illustrative(db):
    from dashboard.demo import load_demo_populations
    from dashboard.models import DistrictPopulation

    assert load_demo_populations() == 13
    assert load_demo_populations() == 0
    assert all(
        "not an official statistic" in source for source in DistrictPopulation.objects.values_list("source", flat=True)
    )


def test_the_api_gives_the_same_figures_with_the_same_suppression(personas, casework):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(personas["medway.supervisor"])
    listed = api.get("/api/indicators/")
    assert listed.status_code == 200
    by_key = {item["key"]: item for item in listed.json()}
    assert by_key["referrals.referrals_by_district"]["definition"].startswith("Referrals whose date received")
    figures = api.get("/api/indicators/referrals.referrals_by_district/").json()
    rows = {row["label"]: (row["value"], row["shown"], row["suppressed"]) for row in figures["rows"]}
    assert rows["Maidstone"] == (6, "6", False)
    assert rows["Dover"] == (None, "fewer than 5", True)


def test_the_api_refuses_bad_filters_with_field_errors_and_strangers(personas, casework):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(personas["medway.supervisor"])
    refused = api.get("/api/indicators/referrals.referrals_by_district/", {"start": "2026-02-30", "district": "x"})
    assert refused.status_code == 400 and {"start", "district"} <= set(refused.json())
    assert api.get("/api/indicators/referrals.no_such_thing/").status_code == 404
    api.force_authenticate(personas["kcc.caseworker"])
    assert api.get("/api/indicators/").status_code == 403


def test_repeat_referrals_count_a_childs_second_referral_within_12_months(personas, casework):
    first = casework["maidstone"][0]
    again = ReferralFactory(child=first.child, created_by=personas["kcc.caseworker"],
                            received_at=first.received_at + datetime.timedelta(days=3))  # fmt: skip
    table = indicators.get("referrals.repeat_referrals").table(scope_for(personas["kent-police.manager"]))
    assert again.pk and shown(table) == {
        "First in 12 months": "11", "Repeat (another in the 12 months before)": "1", "Total": "12",
    }  # fmt: skip


def test_missing_episodes_return_interviews_and_children_missing_three_times(personas, casework):
    from tests.referrals.factories import MissingEpisodeFactory

    referral = casework["maidstone"][0]
    now = timezone.now()
    for days, interviewed_after in ((20, 24), (15, 100), (5, None)):
        found = now - datetime.timedelta(days=days)
        MissingEpisodeFactory(
            referral=referral, reported_missing_at=found - datetime.timedelta(hours=6), found_at=found,
            return_interview_done_at=found + datetime.timedelta(hours=interviewed_after) if interviewed_after else None,
        )  # fmt: skip
    table = indicators.get("referrals.missing_episode_figures").table(scope_for(personas["kent-police.manager"]))
    assert shown(table) == {
        "Episodes reported": "3", "Found": "3", "Return interview within 72 hours of being found": "1",
        "Children with 3 or more episodes": "1",
    }  # fmt: skip
    # Medway may open none of them: every one of these small figures is hidden.
    hidden = indicators.get("referrals.missing_episode_figures").table(scope_for(personas["medway.supervisor"]))
    assert set(shown(hidden).values()) == {"fewer than 5"}


def test_a_summary_reader_does_not_learn_a_full_level_field_from_a_small_cell(personas, casework):
    from accounts.models import Agency
    from sharing.models import LawfulBasis
    from sharing.services import share_record

    health = personas["health.practitioner"]
    referral = casework["thanet"][0]
    basis = LawfulBasis.objects.get(code="gdpr-public-task-safeguarding")
    share_record(
        shared_by=personas["kcc.caseworker"], record=referral, recipient_agency=Agency.objects.get(code="health"),
        level="summary", purpose="School nurse", lawful_basis=basis,
    )  # fmt: skip
    # Health now sees the referral at summary: its source agency is above that
    # level, so no figure counts it (not even as "fewer than 5"); the other
    # Thanet referrals, which Health does not see at all, are counted.
    referral.source_agency = Agency.objects.get(code="early-help")
    referral.save()
    table = indicators.get("referrals.referrals_by_source").table(scope_for(health))
    assert "Early Help" not in shown(table)
    assert shown(table)["Total"] == "10"
    manager = indicators.get("referrals.referrals_by_source").table(scope_for(personas["kent-police.manager"]))
    assert shown(manager)["Early Help"] == "1"
