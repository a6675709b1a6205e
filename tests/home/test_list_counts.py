"""The filtered referral list tells its reader how many match, keeps "Selected
filters" in step with the filters as htmx updates the results, announces the
count to a screen reader, and offers ways on when nothing matches."""

import pytest
from django.urls import reverse

from referrals.views import referrals as referral_views

pytestmark = pytest.mark.django_db


def test_the_list_says_how_many_referrals_match(client, personas, referral_at, referral):
    referral_at("accepted")
    referral()
    referral(by="medway.caseworker", district="medway")  # not seen by KCC: not counted
    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("referrals:referral_list")).content.decode()
    assert 'data-testid="referral-count">2 referrals<' in page
    one = client.get(reverse("referrals:referral_list"), {"status": "accepted"}).content.decode()
    assert 'data-testid="referral-count">1 referral<' in one


def test_the_count_is_capped_and_costs_one_query(client, personas, referral, monkeypatch):
    for _ in range(3):
        referral()
    monkeypatch.setattr(referral_views, "COUNT_CAP", 2)
    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("referrals:referral_list"), {"page_size": 1}).content.decode()
    assert 'data-testid="referral-count">More than 2 referrals<' in page


def test_an_htmx_update_brings_the_selected_filters_and_announces_the_count(client, personas, referral_at, referral):
    referral_at("accepted")
    referral()
    client.force_login(personas["kcc.caseworker"])
    full = client.get(reverse("referrals:referral_list")).content.decode()
    assert 'id="referral-count-status" class="govuk-visually-hidden" role="status" aria-live="polite"' in full
    update = client.get(
        reverse("referrals:referral_list"),
        {"status": "accepted"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="referral-results",
    ).content.decode()
    assert "<html" not in update
    assert '<div id="selected-filters" hx-swap-oob="true"' in update
    assert "Remove this filter: </span>Status: Accepted" in update
    assert '<div id="referral-count-status" hx-swap-oob="innerHTML">1 referral, with 1 filter</div>' in update


def test_no_match_offers_to_remove_each_filter_and_the_search(client, personas, referral_at):
    referral_at("accepted", new_child={"first_name": "Imogen", "last_name": "Fairweather"})
    client.force_login(personas["kcc.caseworker"])
    response = client.get(reverse("referrals:referral_list"), {"status": "closed", "q": "Imogen"})
    page = response.content.decode()
    assert "No referrals match" in page and 'data-testid="referral-count">0 referrals for' in page
    removals = {label: url for label, _, url in response.context["filter_removals"]}
    assert set(removals) == {"Status", "Search"}
    assert "remove “Status: Closed”" in page and "remove “Search: Imogen”" in page
    # Each suggestion leads to referrals: without the status, Imogen's accepted referral is found.
    assert (
        'data-testid="referral-count">1 referral'
        in client.get(reverse("referrals:referral_list") + removals["Status"]).content.decode()
    )


def test_an_empty_list_without_filters_says_why(client, personas, protocol):
    client.force_login(personas["health.practitioner"])
    page = client.get(reverse("referrals:referral_list")).content.decode()
    assert "There are no referrals you may see yet" in page
