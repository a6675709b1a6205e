"""The agenda builder's criteria (mase.agenda): missing episodes read from
the recent episodes, stuck cases from the recent activity, counts capped."""

import datetime

import pytest
from django.utils import timezone

from mase import agenda
from referrals import services as referral_services
from referrals.models import Action, ChronologyEntry, Referral
from tests.referrals.factories import ActionFactory, MissingEpisodeFactory

pytestmark = pytest.mark.django_db


def group(meeting, chair, criterion):
    return next(found for found in agenda.candidates(meeting, chair) if found.criterion == criterion)


def test_three_missing_episodes_in_90_days_qualify_and_two_or_older_ones_do_not(meeting, chair, assessed_case):
    often, twice, long_ago = assessed_case(), assessed_case(), assessed_case()
    now = timezone.now()
    for case, days in ((often, (1, 20, 80)), (twice, (3, 4)), (long_ago, (100, 120, 200))):
        for ago in days:
            MissingEpisodeFactory(referral=case, reported_missing_at=now - datetime.timedelta(days=ago))
    found = group(meeting, chair, "missing")
    assert [candidate.referral for candidate in found.candidates] == [often] and found.count == 1
    assert found.candidates[0].why.startswith("3 missing episodes since")


def test_a_case_with_no_entry_or_action_for_28_days_is_stuck(meeting, chair, assessed_case, personas):
    quiet, with_entry, with_action = assessed_case(), assessed_case(), assessed_case()
    old = timezone.now() - datetime.timedelta(days=40)
    cases = [quiet.pk, with_entry.pk, with_action.pk]
    Referral.objects.filter(pk__in=cases).update(created_at=old)
    ChronologyEntry.objects.filter(referral_id__in=cases).update(created_at=old)
    Action.objects.filter(referral_id__in=cases).update(created_at=old)
    referral_services.chronology_add(
        referral=with_entry, recorded_by=personas["kcc.caseworker"], occurred_at=timezone.now(), kind="meeting",
        summary="Strategy meeting held",
    )  # fmt: skip
    ActionFactory(referral=with_action)
    found = group(meeting, chair, "stuck")
    assert [candidate.referral for candidate in found.candidates] == [quiet]


def test_counts_stop_at_the_cap(meeting, chair, assessed_case, monkeypatch):
    for _ in range(3):
        Referral.objects.filter(pk=assessed_case().pk).update(risk_level="high")
    monkeypatch.setattr(agenda, "SHOWN_PER_CRITERION", 1)
    monkeypatch.setattr(agenda, "COUNT_CAP", 2)
    found = group(meeting, chair, "high_risk")
    assert (len(found.candidates), found.count, found.capped, found.count_label) == (1, 2, True, "2+")
    monkeypatch.setattr(agenda, "COUNT_CAP", 5)
    found = group(meeting, chair, "high_risk")
    assert (found.count, found.capped, found.count_label) == (3, False, "3")


def test_a_case_past_its_review_date_qualifies_until_closed_or_on_the_agenda(meeting, chair, assessed_case):
    from mase import services

    overdue, on_time, closed, listed = (assessed_case() for _ in range(4))
    past, later = timezone.localdate() - datetime.timedelta(days=3), timezone.localdate() + datetime.timedelta(days=9)
    Referral.objects.filter(pk__in=[overdue.pk, closed.pk, listed.pk]).update(review_due=past)
    Referral.objects.filter(pk=on_time.pk).update(review_due=later)
    Referral.objects.filter(pk=closed.pk).update(status="closed", closure_reason="no_cse_concern")
    services.agenda_item_add(meeting=meeting, added_by=chair, criterion="review_overdue", referral=listed)
    found = group(meeting, chair, "review_overdue")
    assert [candidate.referral for candidate in found.candidates] == [overdue] and found.count == 1
    assert found.candidates[0].why == f"Risk review was due on {past:%-d %B %Y}"


def test_accepted_listings_and_monitoring_due_back_by_the_meeting_are_candidates(
    meeting, make_meeting, panel, chair, assessed_case, personas
):
    from mase import services
    from mase.models import ListingRequest, ListingStatus

    def listing(**fields):
        case = assessed_case()
        request = services.listing_request_create(
            referral=case, requested_by=personas["kcc.caseworker"], panel=panel, reason="review", detail="Stuck"
        )
        ListingRequest.objects.filter(pk=request.pk).update(**fields)
        return case

    day = timezone.localtime(meeting.starts_at).date()
    accepted = listing(status=ListingStatus.ACCEPTED)
    for_this_meeting = listing(status=ListingStatus.ACCEPTED, meeting=meeting)
    listing(status=ListingStatus.ACCEPTED, meeting=make_meeting(panel, days=14))  # another meeting's
    listing(status=ListingStatus.PROPOSED)  # not decided yet
    due = listing(status=ListingStatus.MONITORING, next_listing_date=day)
    listing(status=ListingStatus.MONITORING, next_listing_date=day + datetime.timedelta(days=1))  # not yet
    found = group(meeting, chair, "listing_request")
    assert {candidate.referral for candidate in found.candidates} == {accepted, for_this_meeting} and found.count == 2
    assert found.candidates[0].why == "Requested by Amira Hussain: Review"
    found = group(meeting, chair, "monitoring_due")
    assert [candidate.referral for candidate in found.candidates] == [due] and found.count == 1
    assert found.candidates[0].why == f"Due back on {day:%-d %B %Y}"
