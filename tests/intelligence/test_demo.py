"""The demo intelligence: plainly fictional, something for each group to see,
and loaded once."""

import pytest
from django.core.management import call_command

from accounts.models import User
from intelligence.demo import PREFIX, load_demo_intelligence, load_demo_later
from intelligence.models import Association, IntelligenceReport, PersonOfConcern, ReportOriginal, Submission

pytestmark = pytest.mark.django_db


def counts():
    return [model.objects.count() for model in (Submission, IntelligenceReport, ReportOriginal, PersonOfConcern,
                                                 Association)]  # fmt: skip


@pytest.mark.timeout(600)
def test_the_demo_is_fictional_loaded_once_and_gives_each_group_its_work(personas, protocol, capsys):
    added = load_demo_intelligence(networks=1, submissions=16, direct=4)
    assert (
        added
        == Submission.objects.count() + IntelligenceReport.objects.count()
        == 16 + IntelligenceReport.objects.count()
    )
    before = counts()
    assert all(before)
    assert load_demo_intelligence(networks=1, submissions=16, direct=4) == 0
    load_demo_later()  # disruptions, reviews and profiles: loaded once too (test below)
    before = counts()
    call_command("load_demo_intelligence")
    assert "already loaded" in capsys.readouterr().out
    assert counts() == before
    # Every text is fictional, but a disposed report's tombstone, which holds none.
    kept = IntelligenceReport.objects.exclude(retention_status="disposed")
    assert IntelligenceReport.objects.filter(retention_status="disposed", sanitised_text="").count() == 1
    assert all(report.sanitised_text.startswith(PREFIX) for report in kept)
    assert all(original.original_text.startswith(PREFIX) for original in ReportOriginal.objects.filter(report__in=kept))
    assert all(submission.what_happened.startswith(PREFIX)
               for submission in Submission.objects.exclude(report__retention_status="disposed"))  # fmt: skip
    assert all(
        phone.startswith("+447700900") for person in PersonOfConcern.objects.all() for phone in person.phone_numbers
    )
    # The unit has a triage queue; partners see their own submissions.
    unit = User.objects.get(username="kent-police.intelligence-officer")
    assert Submission.objects.visible_to(unit).filter(status="received").exists()
    nurse = User.objects.get(username="health.practitioner")
    assert Submission.objects.visible_to(nurse).exists()
    assert set(Submission.objects.visible_to(nurse).values_list("submitted_by", flat=True)) == {nurse.pk}


@pytest.mark.timeout(600)
def test_the_later_demo_has_cawns_in_every_state_and_two_profiles_once(personas, protocol, child):
    from django.utils import timezone

    from intelligence.demo import CAWN_STATES, load_demo_later
    from intelligence.models import Disruption, ProblemProfile
    from referrals.models import Child
    from tests.referrals.factories import date_of_birth_for_age

    for age, looked_after in ((13, False), (14, False), (16, True)):
        made = child("maidstone", date_of_birth=date_of_birth_for_age(age, 5))
        Child.objects.filter(pk=made.pk).update(external_references={"demo": True}, looked_after=looked_after)
    load_demo_intelligence(networks=1, submissions=8, direct=4)
    added = load_demo_later()
    cawns = Disruption.objects.filter(kind="cawn")
    assert set(cawns.values_list("status", flat=True)) == set(CAWN_STATES)
    assert {"s2", "s49"} <= set(cawns.values_list("cawn_section", flat=True))
    assert set(Disruption.objects.exclude(kind="cawn").values_list("kind", flat=True)) == {
        "arrest", "charge", "sro", "shpo", "licensing_referral", "business_visit", "warning_letter",
    }  # fmt: skip
    assert sorted(ProblemProfile.objects.values_list("status", flat=True)) == ["disseminated", "draft"]
    assert IntelligenceReport.objects.filter(retention_status="disposed").count() == 1
    assert IntelligenceReport.objects.filter(review_due__lt=timezone.localdate()).exists()
    assert all(d.details.startswith(PREFIX) for d in Disruption.objects.all())
    assert added == Disruption.objects.count() + 2
    assert load_demo_later() == 0
