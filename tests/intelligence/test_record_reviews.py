"""MoPI reviews of disruptions and problem profiles (as of reports): a
review-due date from the default retention rule, the review queue and the
home page's counts, retain / archive / dispose with rationale and next
review, and disposal leaving a tombstone and the access log, not the content."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from intelligence import services
from intelligence.models import PersonOfConcern, RetentionRule, RetentionStatus
from intelligence.models.disruptions import Disruption
from intelligence.models.profiles import ProblemProfile
from intelligence.models.reviews import DisruptionReview, ProfileReview
from sharing.refusals import StepNotAllowed
from tests.home.helpers import queues_on
from tests.intelligence.factories import IntelligenceReportFactory, LocationFactory, PersonFactory
from tests.intelligence.test_disruption_matrix import share
from tests.intelligence.test_profiles import approved, draft

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def analyst(personas):
    return personas["kent-police.analyst"]


@pytest.fixture
def approver(personas):
    return personas["kent-police.supervisor"]


def months_on(day, months):
    return RetentionRule(review_after_months=months).review_due_after(day)


def disruption(unit, **overrides):
    report = IntelligenceReportFactory(sanitised_by=unit)
    person = PersonFactory(first_name="Reviewperson", last_name="Fictional")
    report.persons.add(person)
    arguments = {"recorded_by": unit, "kind": "arrest", "occurred_on": TODAY, "persons": [person],
                 "details": "Arrested at the hotel on suspicion of trafficking"}  # fmt: skip
    return services.disruption_record(**{**arguments, **overrides})


def due_now(record):
    type(record).objects.filter(pk=record.pk).update(review_due=TODAY - datetime.timedelta(days=1))


def test_a_new_disruption_and_profile_are_due_for_review_after_the_default_rules_period(unit, analyst, protocol):
    rule = RetentionRule.objects.get(is_default=True)
    for record in (disruption(unit), draft(analyst)):
        assert record.retention_rule == rule
        assert record.review_due == months_on(TODAY, rule.review_after_months)
        assert record.retention_status == RetentionStatus.ACTIVE


def test_retain_and_archive_set_the_next_review_from_the_rule_chosen(unit, analyst, protocol):
    group_3 = RetentionRule.objects.get(code="mopi-group-3")
    for record in (disruption(unit), draft(analyst)):
        review = services.record_review(record=record, reviewed_by=unit, decision="retain", retention_rule=group_3,
                                        rationale="Still part of an active network")  # fmt: skip
        record.refresh_from_db()
        assert review.next_review_due == record.review_due == months_on(TODAY, 72)
        services.record_review(record=record, reviewed_by=unit, decision="archive", rationale="Network disrupted")
        record.refresh_from_db()
        assert (record.retention_status, record.retention_rule) == (RetentionStatus.ARCHIVED, group_3)
        assert [r.decision for r in record.reviews.all()] == ["archive", "retain"]


def test_a_review_needs_a_decision_a_rationale_and_the_unit(unit, personas, protocol):
    record = disruption(unit)
    with pytest.raises(ValidationError) as refused:
        services.record_review(record=record, reviewed_by=unit, decision="keep", rationale=" ")
    assert set(refused.value.message_dict) == {"decision", "rationale"}
    share(unit, record, agency="kcc")
    with pytest.raises(StepNotAllowed):
        services.record_review(record=record, reviewed_by=personas["kcc.caseworker"], decision="retain",
                               rationale="Shared with us")  # fmt: skip
    assert DisruptionReview.objects.count() == 0


def test_disposing_of_a_disruption_leaves_a_tombstone_and_the_access_log(client, unit, personas, protocol, child):
    record = disruption(unit)
    kid = child("maidstone", first_name="Tombchild", last_name="Fictional")
    only_here = PersonFactory(first_name="Onlyondisruption")  # on no report: only the disruption refers to it
    location = LocationFactory(name="Tombstone Test Hotel")
    report = IntelligenceReportFactory(sanitised_by=unit)
    report.locations.add(location)
    record.persons.add(only_here)
    record.locations.add(location)
    record.children.add(kid)
    share(unit, record, agency="kcc")
    events = apps.get_model("intelligence", "DisruptionEvent")
    assert events.objects.filter(pgh_obj_id=record.pk).exists()
    services.record_review(record=record, reviewed_by=unit, decision="dispose", rationale="No longer necessary")
    record.refresh_from_db()
    assert (record.retention_status, record.review_due, record.details) == (RetentionStatus.DISPOSED, None, "")
    assert record.reference.startswith("DIS-") and record.kind == "arrest" and record.disposed_at
    assert not record.persons.exists() and not record.locations.exists() and not record.children.exists()
    assert not PersonOfConcern.objects.filter(pk=only_here.pk).exists(), "an entity nothing else refers to goes"
    assert location.__class__.objects.filter(pk=location.pk).exists(), "one a report refers to stays"
    assert not events.objects.filter(pgh_obj_id=record.pk).exists(), "no content in the change history"
    assert AccessEvent.objects.filter(record_kind="intelligence.disruption", record_ids__contains=[record.pk],
                                      details__decision="dispose").exists()  # fmt: skip
    client.force_login(personas["kcc.caseworker"])
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Disposed of under MoPI review" in page and "trafficking" not in page and "Tombchild" not in page
    client.force_login(unit)
    edit = client.patch(f"/api/intelligence/disruptions/{record.pk}/", {"version": record.version, "details": "x"},
                        content_type="application/json")  # fmt: skip
    assert edit.status_code == 409
    with pytest.raises(StepNotAllowed):
        services.record_review(record=record, reviewed_by=unit, decision="retain", rationale="Changed my mind")


def test_disposing_of_a_profile_leaves_a_tombstone_and_its_records_of_sharing(client, unit, analyst, approver,
                                                                               personas, protocol):  # fmt: skip
    profile = approved(analyst, approver, assessment="Hotels on the A20 recur")
    from accounts.models import Agency
    from sharing.models import LawfulBasis

    basis = LawfulBasis.objects.get(code="dpa3-sch8-para4")
    services.profile_disseminate(profile=profile, disseminated_by=analyst, agencies=[Agency.objects.get(code="kcc")],
                                 purpose="Planning", lawful_basis=basis)  # fmt: skip
    services.record_review(record=profile, reviewed_by=unit, decision="dispose", rationale="Superseded long ago")
    profile.refresh_from_db()
    assert (profile.title, profile.assessment, profile.snapshot) == (services.TOMBSTONE_TITLE, "", {})
    assert profile.retention_status == RetentionStatus.DISPOSED and profile.period_start
    assert not apps.get_model("intelligence", "ProblemProfileEvent").objects.filter(pgh_obj_id=profile.pk).exists()
    client.force_login(personas["kcc.caseworker"])
    page = client.get(profile.get_absolute_url()).content.decode()
    assert "Disposed of under MoPI review" in page and "A20" not in page
    assert client.get(reverse("intelligence:profile_pdf", args=[profile.pk])).status_code == 404
    client.force_login(analyst)
    assert client.get(profile.get_absolute_url()).context["steps"] == []


def test_the_queue_lists_what_the_home_page_counts_for_each_kind(client, unit, analyst, personas, protocol):
    due_disruption, later_disruption = disruption(unit), disruption(unit)
    due_profile, later_profile = draft(analyst, title="Due profile"), draft(analyst, title="Later profile")
    due_now(due_disruption)
    due_now(due_profile)
    client.force_login(unit)
    home = queues_on(client.get(reverse("home")).content.decode())
    for title, due, later in (("Disruptions to review", due_disruption, later_disruption),
                              ("Problem profiles to review", due_profile, later_profile)):  # fmt: skip
        count, url = home[title]
        queue = client.get(url).content.decode()
        assert count == "1" and queue.count("data-reference=") == 1, title
        assert due.reference in queue and later.reference not in queue
    for name in ("kcc.caseworker", "health.practitioner"):
        client.force_login(personas[name])
        assert client.get(reverse("intelligence:review_queue"), {"kind": "disruption"}).status_code == 403
        assert client.get(reverse("intelligence:disruption_review", args=[due_disruption.pk])).status_code == 403
        assert client.get(reverse("intelligence:profile_review", args=[due_profile.pk])).status_code == 403


def test_the_review_pages_record_a_decision_and_show_bad_input_next_to_the_field(client, unit, analyst, protocol):
    record, profile = disruption(unit), draft(analyst)
    client.force_login(unit)
    for url in (reverse("intelligence:disruption_review", args=[record.pk]),
                reverse("intelligence:profile_review", args=[profile.pk])):  # fmt: skip
        bad = client.post(url, {"decision": "retain", "rationale": "r" * 5001})
        assert bad.status_code == 200 and "5000 characters" in bad.content.decode().replace(",", "")
        assert client.post(url, {"decision": "archive", "rationale": "Network disrupted"}).status_code == 302
    assert Disruption.objects.get(pk=record.pk).retention_status == RetentionStatus.ARCHIVED
    assert ProblemProfile.objects.get(pk=profile.pk).retention_status == RetentionStatus.ARCHIVED


def test_reviews_through_the_api_the_unit_only(client, unit, analyst, personas, protocol):
    record, profile = disruption(unit), draft(analyst)
    share(unit, record, agency="kcc")
    report = IntelligenceReportFactory(sanitised_by=unit)
    client.force_login(personas["kcc.caseworker"])
    body = {"decision": "retain", "rationale": "Shared with us"}
    assert client.post(f"/api/intelligence/disruptions/{record.pk}/review/", body,
                       content_type="application/json").status_code == 403  # fmt: skip
    assert client.post(f"/api/intelligence/profiles/{profile.pk}/review/", body,
                       content_type="application/json").status_code == 404  # fmt: skip
    client.force_login(unit)
    for url in (f"/api/intelligence/disruptions/{record.pk}/review/",
                f"/api/intelligence/profiles/{profile.pk}/review/",
                f"/api/intelligence/reports/{report.pk}/review/"):  # fmt: skip
        refused = client.post(url, {"decision": "keep", "rationale": ""}, content_type="application/json")
        assert refused.status_code == 400 and set(refused.json()) == {"decision", "rationale"}
        typed = client.post(url, {"decision": "retain", "rationale": "Kept", "next_review_due": "2030-01-01"},
                            content_type="application/json")  # fmt: skip
        assert typed.status_code == 400 and "next_review_due" in typed.json(), "the next review is never typed in"
        blank = client.post(url, {"decision": "retain", "rationale": "Kept", "retention_rule": ""},
                            content_type="application/json")  # fmt: skip
        assert blank.status_code == 400 and "retention_rule" in blank.json()
        made = client.post(url, {"decision": "retain", "rationale": "Active network", "retention_rule": "mopi-group-3"},
                           content_type="application/json")  # fmt: skip
        assert made.status_code == 201, made.json()
        assert made.json()["next_review_due"] == months_on(TODAY, 72).isoformat()
    rows = client.get(f"/api/intelligence/disruption-reviews/?disruption={record.pk}").json()["results"]
    assert [row["decision"] for row in rows] == ["retain"]
    rows = client.get(f"/api/intelligence/profile-reviews/?profile={profile.pk}").json()["results"]
    assert [(row["profile"], row["retention_rule"]) for row in rows] == [(profile.pk, "mopi-group-3")]
    # KCC reads the disruption in full, so its reviews; never the profile's, which it does not see.
    client.force_login(personas["kcc.caseworker"])
    assert len(client.get("/api/intelligence/disruption-reviews/").json()["results"]) == 1
    assert client.get("/api/intelligence/profile-reviews/").json()["results"] == []
    assert ProfileReview.objects.count() == 1


def test_a_disposed_notice_takes_no_more_steps_and_cannot_be_edited(client, unit, protocol, child):
    from tests.referrals.conftest import date_of_birth_for_age

    report = IntelligenceReportFactory(sanitised_by=unit)
    person = PersonFactory(first_name="Noticeperson")
    report.persons.add(person)
    kid = child("maidstone", first_name="Noticechild", date_of_birth=date_of_birth_for_age(13, 1))
    notice = services.disruption_record(recorded_by=unit, kind="cawn", cawn_section="s2", occurred_on=TODAY,
                                        persons=[person], children=[kid])  # fmt: skip
    services.record_review(record=notice, reviewed_by=unit, decision="dispose", rationale="Recorded in error")
    with pytest.raises(StepNotAllowed):
        services.cawn_withdraw(disruption=notice, withdrawn_by=unit, withdrawal_reason="Too late")
    client.force_login(unit)
    page = client.get(notice.get_absolute_url())
    assert page.context["steps"] == [] and not page.context["can_edit"]


def test_with_no_default_rule_new_records_are_kept_and_due_after_the_built_in_period(
    client, unit, analyst, protocol, caplog
):
    """An administrator unmarked the default retention rule: recording a
    disruption or drafting a profile, on the page or through the API, still
    saves the officer's work (before: a 500 and nothing saved), due for review
    after MoPI group 1's period; the log tells the administrator what to set
    up, and a review that names no rule is a field error, not a 500."""
    from intelligence.services.reviews import FALLBACK_REVIEW_MONTHS

    RetentionRule.objects.update(is_default=False)
    report = IntelligenceReportFactory(sanitised_by=unit)
    person = PersonFactory(first_name="Norule", last_name="Fictional")
    report.persons.add(person)
    start, end = (TODAY - datetime.timedelta(days=90)).isoformat(), TODAY.isoformat()
    client.force_login(unit)
    body = {"kind": "arrest", "occurred_on": end, "persons": [person.pk], "details": "On the page"}
    page = client.post(reverse("intelligence:disruption_new"), body)
    api = client.post("/api/intelligence/disruptions/", {"kind": "arrest", "occurred_on": end, "persons": [person.pk],
                      "details": "Through the API"}, content_type="application/json")  # fmt: skip
    assert page.status_code == 302 and api.status_code == 201, api.content
    client.force_login(analyst)
    page = client.post(reverse("intelligence:profile_new"),
                       {"title": "Profile on the page", "period_start": start, "period_end": end})  # fmt: skip
    api = client.post("/api/intelligence/profiles/", {"title": "Profile through the API", "district": "maidstone",
                      "period_start": start, "period_end": end}, content_type="application/json")  # fmt: skip
    assert page.status_code == 302 and api.status_code == 201, api.content
    made = [*Disruption.objects.all(), *ProblemProfile.objects.all()]
    assert len(made) == 4
    for record in made:
        assert record.retention_rule is None and record.review_due == months_on(TODAY, FALLBACK_REVIEW_MONTHS)
    assert "marks one rule as the default" in caplog.text

    client.force_login(unit)
    review = client.post(reverse("intelligence:disruption_review", args=[made[0].pk]),
                         {"decision": "retain", "rationale": "Still relevant"})  # fmt: skip
    assert review.status_code == 200 and "none is marked as the default" in review.content.decode()
    assert not DisruptionReview.objects.exists()
