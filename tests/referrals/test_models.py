"""Reads on the referrals models: search, review and action due dates, the
child's derived visibility and the 72-hour return interview."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Agency, District
from referrals.models import Action, Child, MissingEpisode, Referral
from sharing.models import LawfulBasis
from sharing.services import share_record
from tests.referrals.factories import ActionFactory, ChildFactory, MissingEpisodeFactory, ReferralFactory

pytestmark = pytest.mark.django_db


# --- search -------------------------------------------------------------------------


@pytest.fixture
def searchable(personas):
    jayden = ChildFactory(
        first_name="Jayden", last_name="Okoro", aliases=["JJ", "Jay Money"], date_of_birth=datetime.date(2011, 3, 14)
    )
    chloe = ChildFactory(first_name="Chloe", last_name="Whitmore", date_of_birth=datetime.date(2012, 11, 2))
    return {
        "jayden": ReferralFactory(child=jayden, reference="CSE-2026-000012"),
        "chloe": ReferralFactory(child=chloe, reference="CSE-2026-000120"),
        "old": ReferralFactory(child=chloe, reference="CSE-2025-000012"),
    }


def found(text) -> set[str]:
    return set(Referral.objects.search(text).values_list("reference", flat=True))


def test_search_by_reference_is_a_case_insensitive_prefix(searchable):
    assert found("CSE-2026-000012") == {"CSE-2026-000012"}
    assert found("cse-2026-00012") == {"CSE-2026-000120"}
    assert found("cse-2026") == {"CSE-2026-000012", "CSE-2026-000120"}
    assert found("CSE-2027") == set()


@pytest.mark.parametrize("text", ["Jayden Okoro", "okoro", "Jaydn", "Okaro", "JAYDEN"])
def test_search_finds_a_name_even_misspelt(searchable, text):
    assert found(text) == {"CSE-2026-000012"}


@pytest.mark.parametrize("text", ["Jay Money", "money"])
def test_search_finds_an_alias(searchable, text):
    assert found(text) == {"CSE-2026-000012"}


@pytest.mark.parametrize("text", ["2/11/2012", "02/11/2012", "2012-11-02", "2.11.2012"])
def test_search_by_date_of_birth(searchable, text):
    assert found(text) == {"CSE-2026-000120", "CSE-2025-000012"}


def test_search_for_someone_else_finds_nothing(searchable):
    assert found("Bartholomew Szymanski") == set()
    assert found("1/1/2010") == set()


def test_an_empty_search_filters_nothing(searchable):
    assert found("   ") == {"CSE-2026-000012", "CSE-2026-000120", "CSE-2025-000012"}


# --- review due -----------------------------------------------------------------------


def test_review_overdue_means_past_the_review_date_and_not_closed(personas):
    today = timezone.localdate()
    overdue = ReferralFactory(status="open", review_due=today - datetime.timedelta(days=1))
    due_today = ReferralFactory(status="open", review_due=today)
    closed = ReferralFactory(
        status="closed", closure_reason="risk_reduced", review_due=today - datetime.timedelta(days=30)
    )
    never_assessed = ReferralFactory(status="accepted", review_due=None)

    assert list(Referral.objects.review_overdue()) == [overdue]
    assert [r.review_overdue for r in (overdue, due_today, closed, never_assessed)] == [True, False, False, False]
    assert set(Referral.objects.review_overdue(today + datetime.timedelta(days=1))) == {overdue, due_today}


# --- the child's visibility -----------------------------------------------------------


def share(referral, by, level, recipient):
    return share_record(
        shared_by=by,
        record=referral,
        level=level,
        purpose="Joint planning",
        lawful_basis=LawfulBasis.objects.get(code="gdpr-vital-interests"),
        recipient_agency=Agency.objects.get(code=recipient),
    )


def level_of(child, user) -> str:
    return Child.objects.with_access_level(user).get(pk=child.pk).access_level


def test_a_child_is_seen_at_the_highest_level_of_their_visible_referrals(personas, protocol):
    kcc, medway = personas["kcc.caseworker"], personas["medway.caseworker"]
    child = ChildFactory()  # lives in Maidstone: KCC's
    first = ReferralFactory(child=child)
    second = ReferralFactory(child=child)

    assert not Child.objects.visible_to(medway).filter(pk=child.pk).exists()
    assert level_of(child, medway) == ""

    share(first, kcc, "summary", "medway")
    assert level_of(child, medway) == "summary"
    assert not Child.objects.visible_to(medway, level="full").filter(pk=child.pk).exists()

    share(second, kcc, "full", "medway")
    assert level_of(child, medway) == "full"
    assert Child.objects.visible_to(medway, level="full").filter(pk=child.pk).exists()
    assert level_of(child, kcc) == "change"


def test_a_child_seen_by_nobody_else_is_not_listed(personas, protocol):
    ChildFactory()  # no referral at all
    child = ReferralFactory().child

    assert list(Child.objects.visible_to(personas["kcc.caseworker"])) == [child]
    assert list(Child.objects.visible_to(personas["health.practitioner"])) == []


def test_when_a_child_moves_district_their_new_authority_sees_them(personas, protocol):
    medway = personas["medway.caseworker"]
    referral = ReferralFactory(created_by=personas["kent-police.caseworker"])
    child = referral.child
    assert level_of(child, medway) == ""

    child.district = District.objects.get(code="medway")
    child.save()

    assert level_of(child, medway) == "full"
    assert Referral.objects.visible_to(medway, level="full").filter(pk=referral.pk).exists()
    assert level_of(child, personas["kcc.caseworker"]) == ""


# --- actions ------------------------------------------------------------------------


def test_an_open_action_past_its_due_date_is_overdue(personas):
    today = timezone.localdate()
    late = ActionFactory(due_date=today - datetime.timedelta(days=1))
    due_today = ActionFactory(due_date=today)
    done = ActionFactory(
        due_date=today - datetime.timedelta(days=3),
        status="done",
        completed_at=timezone.now(),
        completed_by=personas["kcc.caseworker"],
    )
    cancelled = ActionFactory(due_date=today - datetime.timedelta(days=3), status="cancelled")

    assert list(Action.objects.overdue()) == [late]
    assert set(Action.objects.outstanding()) == {late, due_today}
    assert [a.overdue for a in (late, due_today, done, cancelled)] == [True, False, False, False]
    assert set(Action.objects.overdue(today + datetime.timedelta(days=1))) == {late, due_today}


def test_actions_are_seen_through_their_referral(personas, protocol):
    action = ActionFactory()

    assert list(Action.objects.visible_to(personas["kcc.caseworker"])) == [action]
    assert list(Action.objects.visible_to(personas["medway.caseworker"])) == []


# --- missing episodes: the return interview within 72 hours ---------------------------------


def episode(*, found_hours_ago=None, interview_hours_after_found=None):
    now = timezone.now()
    found_at = now - datetime.timedelta(hours=found_hours_ago) if found_hours_ago is not None else None
    done_at = (
        found_at + datetime.timedelta(hours=interview_hours_after_found)
        if interview_hours_after_found is not None
        else None
    )
    return MissingEpisodeFactory(
        reported_missing_at=now - datetime.timedelta(days=10), found_at=found_at, return_interview_done_at=done_at
    )


def test_the_return_interview_is_due_72_hours_after_the_child_is_found(personas):
    record = episode(found_hours_ago=10)

    assert record.return_interview_due == record.found_at + datetime.timedelta(hours=72)
    assert episode().return_interview_due is None


@pytest.mark.parametrize(
    ("hours", "in_time"), [(1, True), (72, True), (72.02, False), (200, False)], ids=["1h", "72h", "72h+1min", "200h"]
)
def test_an_interview_done_within_72_hours_is_in_time(personas, hours, in_time):
    record = episode(found_hours_ago=220, interview_hours_after_found=hours)

    assert record.return_interview_in_time is in_time
    assert record.return_interview_overdue is False


def test_in_time_is_unknown_until_the_interview_is_done(personas):
    assert episode(found_hours_ago=10).return_interview_in_time is None
    assert episode().return_interview_in_time is None


@pytest.mark.parametrize(("found_hours_ago", "overdue"), [(71, False), (73, True)])
def test_an_interview_not_done_72_hours_after_the_child_was_found_is_overdue(personas, found_hours_ago, overdue):
    assert episode(found_hours_ago=found_hours_ago).return_interview_overdue is overdue


def test_a_child_still_missing_has_no_interview_overdue(personas):
    record = episode()

    assert record.return_interview_overdue is False
    assert MissingEpisode.objects.get(pk=record.pk).found_at is None


# --- name search's word list ------------------------------------------------------------


def test_a_new_childs_name_words_are_known_at_once_and_recounted_by_the_refresh(personas):
    from referrals.models import ChildNameWord
    from referrals.services.name_words import refresh_child_name_words

    ChildFactory(first_name="Zephyrine", last_name="Okoro", aliases=["Zeph"])
    ChildFactory(first_name="Amos", last_name="Okoro")
    assert {"zephyrine", "okoro", "zeph", "amos"} <= set(ChildNameWord.objects.values_list("word", flat=True))

    Child.objects.filter(first_name="Amos").delete()
    refresh_child_name_words()
    counts = dict(ChildNameWord.objects.values_list("word", "children"))
    assert counts["okoro"] == 1 and "amos" not in counts


def test_a_misspelt_common_name_is_found_whichever_plan_search_takes(searchable, monkeypatch):
    import referrals.search

    assert found("Okaro") == {"CSE-2026-000012"}  # few children: their referrals fetched by id
    monkeypatch.setattr(referrals.search, "FEW_CHILDREN", 0)
    assert found("Okaro") == {"CSE-2026-000012"}  # "common": the newest referrals walked, child checked
    assert found("Whitmor Chloe") == {"CSE-2026-000120", "CSE-2025-000012"}


def test_a_search_of_no_words_finds_nothing(searchable):
    assert found("!!!") == set()
