"""Drilling down (issue #13): MASE figures open the dashboard's own list of
the records behind them (what the viewer may open in full, and how many
others match), and "n hidden" stays on every page, sort and filter of a list
reached from the dashboard."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import District
from dashboard import views
from tests.dashboard.helpers import referral

pytestmark = pytest.mark.django_db


def links_of(html: str, key: str) -> dict[str, str]:
    table = html.split(f'data-indicator="{key}"', 1)[1].split("</table>", 1)[0]
    return {
        unescape(label.strip()): unescape(href)
        for href, label in re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]+)<span', table)
    }


def test_mase_meetings_held_link_to_the_meetings_behind_them(client, personas, mase_year):
    client.force_login(personas["kcc.supervisor"])  # of the panel's agency
    links = links_of(client.get(reverse("dashboard:dashboard")).content.decode(), "mase.meetings_held")
    assert len(links) == 2  # the panel's kind and the total
    total = client.get(links["Total"])
    assert total.status_code == 200
    # The two meetings held in the period (not the one 400 days ago, not the one to come).
    assert len(total.context["records"]) == 2
    assert total.context["hidden"] == ""
    # Medway's supervisor may open neither (a KCC panel): none listed, the number not given.
    client.force_login(personas["medway.supervisor"])
    links = links_of(client.get(reverse("dashboard:dashboard")).content.decode(), "mase.meetings_held")
    hidden = client.get(links["Total"])
    assert hidden.context["records"] == []
    assert hidden.context["hidden"] == "fewer than 5"
    assert "Fewer than 5</strong> matching records are not listed" in hidden.content.decode()


def test_mase_actions_by_owning_agency_link_to_that_agencys_actions(client, personas, mase_year):
    client.force_login(personas["kcc.supervisor"])
    html = client.get(reverse("dashboard:dashboard")).content.decode()
    open_links = links_of(html, "mase.actions_open")
    kcc = client.get(open_links["Kent County Council Children's Services"])
    assert len(kcc.context["records"]) == 2  # the two open KCC actions
    assert len(client.get(links_of(html, "mase.actions_overdue")["Total"]).context["records"]) == 1
    listed = client.get(links_of(html, "mase.children_listed")["Children discussed"])
    assert len(listed.context["records"]) == 1  # child A's item at the first meeting
    assert len(client.get(links_of(html, "mase.children_listed")["Children listed"]).context["records"]) == 3
    client.force_login(personas["medway.supervisor"])
    html = client.get(reverse("dashboard:dashboard")).content.decode()
    completed = client.get(links_of(html, "mase.actions_completed")["Total"])
    assert len(completed.context["records"]) == 1  # Medway's, completed two days ago


def test_the_records_list_keeps_the_hidden_count_on_every_page_and_sort(client, personas, mase_year, monkeypatch):
    monkeypatch.setattr(views.RecordsView, "per_page", 1)
    client.force_login(personas["kcc.supervisor"])
    url = reverse("dashboard:records", args=["mase.actions_open"])
    first = client.get(url)
    assert len(first.context["records"]) == 1 and first.context["next_url"]
    assert client.get(url + first.context["next_url"]).context["page"].number == 2
    kcc_only = [str(record) for record, _ in first.context["records"]]
    assert kcc_only and all(text in unescape(first.content.decode()) for text in kcc_only)
    # Medway's supervisor: sees none of them, told on each page and sort, and with a filter changed,
    # and no page carries what the KCC supervisor's listed.
    client.force_login(personas["medway.supervisor"])
    for query in ({}, {"page": "2"}, {"sort": "oldest"}, {"district": "maidstone"}):
        page = client.get(url, query)
        assert page.context["hidden"] == "fewer than 5", query
        assert not any(text in unescape(page.content.decode()) for text in kcc_only), query
    assert client.get(url, {"start": "2026-02-30"}).status_code == 200  # a bad date: the default period


def test_records_of_an_indicator_without_a_list_or_hidden_from_the_viewer_is_a_404(client, personas, casework):
    client.force_login(personas["kent-police.manager"])
    assert client.get(reverse("dashboard:records", args=["referrals.referrals_by_district"])).status_code == 404
    assert client.get(reverse("dashboard:records", args=["nothing.here"])).status_code == 404
    client.force_login(personas["medway.caseworker"])  # not a dashboard role
    assert client.get(reverse("dashboard:records", args=["mase.meetings_held"])).status_code == 403


def test_the_referral_list_keeps_the_hidden_count_on_paging_sorting_and_filter_change(client, personas, casework):
    for _ in range(2):
        referral(personas, received_days_ago=10, by="medway.caseworker", district="medway")
    client.force_login(personas["medway.supervisor"])
    today = timezone.localdate()
    query = {"received_from": str(today - datetime.timedelta(days=30)), "from": "dashboard", "page_size": "1"}
    first = client.get(reverse("referrals:referral_list"), query)
    assert (len(first.context["object_list"]), first.context["hidden"]) == (1, "11")
    second = client.get(first.context["next_url"])
    assert len(second.context["object_list"]) == 1 and second.context["hidden"] == "11"
    sorted_url = first.context["sort_links"]["reference"][0]
    assert client.get(reverse("referrals:referral_list") + sorted_url).context["hidden"] == "11"
    # The filter form carries the dashboard mark, so a changed filter still counts.
    assert '<input type="hidden" name="from" value="dashboard">' in first.content.decode()
    maidstone = District.objects.get(code="maidstone").pk
    changed = client.get(reverse("referrals:referral_list"), {**query, "district": maidstone})
    assert changed.context["hidden"] == "6"
