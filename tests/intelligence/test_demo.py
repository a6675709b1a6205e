"""The demo intelligence: plainly fictional, something for each group to see,
and loaded once."""

import pytest
from django.core.management import call_command

from accounts.models import User
from intelligence.demo import PREFIX, load_demo_intelligence
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
    call_command("load_demo_intelligence")
    assert "already loaded" in capsys.readouterr().out
    assert counts() == before
    assert all(report.sanitised_text.startswith(PREFIX) for report in IntelligenceReport.objects.all())
    assert all(original.original_text.startswith(PREFIX) for original in ReportOriginal.objects.all())
    assert all(submission.what_happened.startswith(PREFIX) for submission in Submission.objects.all())
    assert all(
        phone.startswith("+447700900") for person in PersonOfConcern.objects.all() for phone in person.phone_numbers
    )
    # The unit has a triage queue; partners see their own submissions.
    unit = User.objects.get(username="kent-police.intelligence-officer")
    assert Submission.objects.visible_to(unit).filter(status="received").exists()
    nurse = User.objects.get(username="health.practitioner")
    assert Submission.objects.visible_to(nurse).exists()
    assert set(Submission.objects.visible_to(nurse).values_list("submitted_by", flat=True)) == {nurse.pk}
