"""The dashboard page's monthly trends, drill-down links to the filtered
referral list (which says how many matching records are hidden), the
snapshot's "as of" and refresh, and the board report with its disclosure."""

import csv
import datetime
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from dashboard import snapshots
from dashboard.models import DashboardSnapshot

pytestmark = pytest.mark.django_db


def drilldown_links(html: str) -> dict[str, str]:
    """Row label -> link of the "Referrals received, by district" table."""
    table = html.split('data-indicator="referrals.referrals_by_district"', 1)[1].split("</table>", 1)[0]
    return {
        label.strip(): unescape(href)
        for href, label in re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]+)<span', table)
    }


def test_each_row_links_to_the_filtered_list(client, personas, casework):
    client.force_login(personas["medway.supervisor"])
    links = drilldown_links(client.get(reverse("dashboard:dashboard")).content.decode())
    assert set(links) == {"Maidstone", "Thanet", "Dover", "Total"}
    assert links["Maidstone"].startswith(reverse("referrals:referral_list") + "?received_from=")
    assert "from=dashboard" in links["Maidstone"] and "district=" in links["Maidstone"]


def test_the_list_says_how_many_matching_records_are_hidden_with_the_small_number_rule(client, personas, casework):
    client.force_login(personas["medway.supervisor"])
    links = drilldown_links(client.get(reverse("dashboard:dashboard")).content.decode())
    maidstone = client.get(links["Maidstone"])
    assert maidstone.status_code == 200
    assert maidstone.context["object_list"] == []  # Medway may open none of Kent's referrals
    assert maidstone.context["hidden"] == "6"
    assert "6</strong> matching records are not listed" in maidstone.content.decode()
    # Dover's two are hidden too: the number is not given.
    assert client.get(links["Dover"]).context["hidden"] == "fewer than 5"


def test_nothing_is_said_hidden_when_the_viewer_sees_every_record(client, personas, casework):
    client.force_login(personas["kent-police.manager"])
    links = drilldown_links(client.get(reverse("dashboard:dashboard")).content.decode())
    listed = client.get(links["Maidstone"])
    assert len(listed.context["object_list"]) == 6
    assert listed.context["hidden"] == "" and 'data-testid="hidden-records"' not in listed.content.decode()


def test_the_hidden_count_is_only_for_dashboard_viewers_arriving_from_it(client, personas, casework):
    client.force_login(personas["medway.caseworker"])  # not a dashboard role
    today = timezone.localdate()
    query = {"received_from": str(today - datetime.timedelta(days=30)), "from": "dashboard"}
    assert client.get(reverse("referrals:referral_list"), query).context["hidden"] == ""


def test_the_received_date_filters_narrow_the_list(client, personas, casework):
    client.force_login(personas["kent-police.manager"])
    today = timezone.localdate()
    recent = client.get(reverse("referrals:referral_list"), {"received_from": str(today - datetime.timedelta(days=30))})
    assert len(recent.context["object_list"]) == 11  # not the one received 400 days ago
    old = client.get(reverse("referrals:referral_list"), {"received_to": str(today - datetime.timedelta(days=300))})
    assert len(old.context["object_list"]) == 1


def test_monthly_trend_table_and_csv(client, personas, casework):
    client.force_login(personas["medway.supervisor"])
    page = client.get(reverse("dashboard:dashboard"))
    html = page.content.decode()
    assert 'data-trend="referrals.referrals_by_district"' in html and "by month" in html
    response = client.get(reverse("dashboard:trend_csv", args=["referrals.referrals_by_district"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    months = rows[3:]
    assert len(months) == 12 and months[-1][0] == timezone.localdate().strftime("%b %Y")
    # 11 referrals, all received 10 days ago: one month or two, never an exact small number to Medway.
    values = [value for _month, value in months if value != "0"]
    assert values and all(value in ("11", "fewer than 5") or int(value) >= 5 for value in values)
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT, details__monthly=True).exists()


def test_an_indicator_without_monthly_figures_has_no_trend_csv(client, personas, casework):
    client.force_login(personas["kent-police.manager"])
    assert client.get(reverse("dashboard:trend_csv", args=["referrals.referral_rate_by_district"])).status_code == 404


def test_the_page_is_read_from_a_snapshot_and_says_as_of_when(client, personas, casework):
    manager = personas["kent-police.manager"]
    client.force_login(manager)
    first = client.get(reverse("dashboard:dashboard"))
    assert 'data-testid="as-of"' in first.content.decode()
    snapshot = DashboardSnapshot.objects.get(user=manager, filters="")
    # A referral added after the snapshot is not counted until it is refreshed.
    from tests.referrals.factories import ReferralFactory

    ReferralFactory(created_by=personas["kcc.caseworker"], received_at=timezone.now())
    assert client.get(reverse("dashboard:dashboard")).context["as_of"] == snapshot.computed_at
    refreshed = client.post(reverse("dashboard:refresh"))
    assert refreshed.status_code == 302
    assert DashboardSnapshot.objects.get(pk=snapshot.pk).computed_at > snapshot.computed_at


def test_only_managers_refresh_now(client, personas, casework):
    client.force_login(personas["medway.supervisor"])
    assert "Refresh the figures now" not in client.get(reverse("dashboard:dashboard")).content.decode()
    assert client.post(reverse("dashboard:refresh")).status_code == 403


def test_the_beat_task_refreshes_snapshots_in_use_and_drops_old_ones(client, personas, casework):
    from dashboard.tasks import refresh_snapshots

    client.force_login(personas["kent-police.manager"])
    client.get(reverse("dashboard:dashboard"), {"district": "maidstone"})
    kept = DashboardSnapshot.objects.get(filters="district=maidstone")
    old = DashboardSnapshot.objects.create(user=personas["medway.supervisor"], filters="", computed_at=timezone.now(),
                                           last_viewed_at=timezone.now() - datetime.timedelta(days=30))  # fmt: skip
    assert refresh_snapshots() == 1
    assert not DashboardSnapshot.objects.filter(pk=old.pk).exists()
    figures = DashboardSnapshot.objects.get(pk=kept.pk).figures["indicators"]["referrals.referrals_by_district"]
    assert [row[0] for row in figures["current"]["rows"]] == ["Maidstone", "Total"]


def test_a_stale_snapshot_is_recomputed(personas, casework, settings):
    settings.DASHBOARD_SNAPSHOT_MAX_AGE_MINUTES = 60
    manager = personas["kent-police.manager"]
    scope = snapshots.scope_from_key(manager, "")
    first = snapshots.figures_for(scope, "")
    DashboardSnapshot.objects.filter(pk=first.pk).update(computed_at=timezone.now() - datetime.timedelta(hours=2))
    assert snapshots.figures_for(scope, "").computed_at > timezone.now() - datetime.timedelta(minutes=1)


def test_the_board_report_shows_the_headline_figures(client, personas, casework):
    client.force_login(personas["medway.supervisor"])
    page = client.get(reverse("dashboard:board_report"), {"district": "dover"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "board report" in html and "District: Dover" in html
    lines = {label: row.shown for group in page.context["groups"].values() for label, row, _b, _y in group}
    assert lines["Referrals received, by district"] == "fewer than 5"  # Dover's 2, Health's


def test_the_board_report_pdf_asks_its_purpose_and_is_recorded_as_a_disclosure(client, personas, casework):
    client.force_login(personas["kent-police.manager"])
    refused = client.get(reverse("dashboard:board_report_pdf"), {"purpose": "  "})
    assert refused.status_code == 400 and "Say who the report is for" in refused.content.decode()
    assert not AccessEvent.objects.filter(record_kind="dashboard.board_report").exists()
    response = client.get(reverse("dashboard:board_report_pdf"),
                          {"purpose": "Safeguarding partnership board, December", "district": "maidstone"})  # fmt: skip
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AccessEvent.objects.get(record_kind="dashboard.board_report")
    assert event.action == AccessEvent.Action.EXPORT and event.reason == "Safeguarding partnership board, December"
    assert event.details["disclosure"] is True and event.details["district"] == "maidstone"


@pytest.mark.parametrize("name", ["dashboard:board_report", "dashboard:board_report_pdf"])
def test_the_board_report_is_for_dashboard_viewers_only(client, personas, name):
    client.force_login(personas["kcc.caseworker"])
    assert client.get(reverse(name), {"purpose": "x"}).status_code == 403


def test_the_api_gives_the_monthly_figures_with_the_same_suppression(personas, casework):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(personas["medway.supervisor"])
    figures = api.get("/api/indicators/referrals.referrals_by_district/", {"district": "dover"}).json()
    months = [row for row in figures["monthly"] if row["shown"] != "0"]
    assert months and all(row["shown"] == "fewer than 5" and row["value"] is None for row in months)
    rate = api.get("/api/indicators/referrals.referral_rate_by_district/").json()
    assert rate["monthly"] is None


def test_the_page_from_its_snapshot_takes_a_constant_number_of_queries(client, personas, casework,
                                                                         django_assert_max_num_queries):  # fmt: skip
    from tests.referrals.factories import ReferralFactory

    client.force_login(personas["kent-police.manager"])
    client.get(reverse("dashboard:dashboard"))
    for _ in range(20):
        ReferralFactory(created_by=personas["kcc.caseworker"], received_at=timezone.now())
    with django_assert_max_num_queries(12):
        assert client.get(reverse("dashboard:dashboard")).status_code == 200


def test_with_a_worker_the_page_says_the_figures_are_being_prepared(client, personas, casework, monkeypatch):
    """With a broker, a snapshot is computed by a worker (it takes minutes at
    scale): meanwhile the page says so, once, rather than waiting."""
    from dashboard import tasks

    queued = []
    monkeypatch.setattr(tasks.compute_snapshot, "delay", lambda *args: queued.append(args))
    manager = personas["kent-police.manager"]
    client.force_login(manager)
    page = client.get(reverse("dashboard:dashboard"), {"district": "thanet"})
    assert page.status_code == 200 and 'data-testid="preparing"' in page.content.decode()
    assert page.context["groups"] == {}
    client.get(reverse("dashboard:dashboard"), {"district": "thanet"})
    assert queued == [(manager.pk, "district=thanet")]  # asked for once
    assert client.get(reverse("dashboard:board_report"), {"district": "thanet"}).status_code == 202
    tasks.compute_snapshot(*queued[0])  # the worker's turn
    ready = client.get(reverse("dashboard:dashboard"), {"district": "thanet"})
    assert 'data-testid="as-of"' in ready.content.decode() and ready.context["groups"]
