"""MoPI review and retention: review dates computed from the rule, the review
queue (the home page counts what the queue lists), retain / archive /
dispose, and disposal leaving a tombstone and the access log, not the content."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from intelligence import services
from intelligence.models import (
    Association,
    IntelligenceReport,
    PersonOfConcern,
    RetentionRule,
    RetentionStatus,
    Review,
)
from sharing.refusals import StepNotAllowed
from tests.home.helpers import queues_on
from tests.intelligence.test_services import make_report, share_with

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def months_on(day, months):
    return RetentionRule(review_after_months=months).review_due_after(day)


def test_a_new_report_is_due_for_review_after_the_default_rules_period(unit, protocol):
    report = make_report(unit)
    rule = RetentionRule.objects.get(is_default=True)
    assert report.retention_rule == rule
    assert report.review_due == months_on(TODAY, rule.review_after_months)
    assert months_on(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert months_on(datetime.date(2026, 11, 15), 72) == datetime.date(2032, 11, 15)


def due_now(report):
    IntelligenceReport.objects.filter(pk=report.pk).update(review_due=TODAY - datetime.timedelta(days=1))


def test_retain_and_archive_set_the_next_review_from_the_rule_chosen(unit, protocol):
    report = make_report(unit)
    group_3 = RetentionRule.objects.get(code="mopi-group-3")
    review = services.report_review(report=report, reviewed_by=unit, decision="retain", retention_rule=group_3,
                                    rationale="Still part of an active network")  # fmt: skip
    report.refresh_from_db()
    assert review.next_review_due == report.review_due == months_on(TODAY, 72)
    assert report.retention_status == RetentionStatus.ACTIVE
    services.report_review(report=report, reviewed_by=unit, decision="archive", rationale="Network disrupted")
    report.refresh_from_db()
    assert (report.retention_status, report.retention_rule) == (RetentionStatus.ARCHIVED, group_3)


def test_a_review_needs_a_decision_and_a_rationale_and_the_unit(unit, personas, protocol):
    report = make_report(unit)
    with pytest.raises(ValidationError) as refused:
        services.report_review(report=report, reviewed_by=unit, decision="keep", rationale=" ")
    assert set(refused.value.message_dict) == {"decision", "rationale"}
    share_with(report, unit, "health")
    with pytest.raises(StepNotAllowed):
        services.report_review(report=report, reviewed_by=personas["health.practitioner"], decision="retain",
                               rationale="Shared with us")  # fmt: skip
    assert Review.objects.count() == 0


@pytest.fixture
def linked_report(unit, protocol):
    """A report with a person only it refers to, a person another report refers to, and an association."""
    report = make_report(unit, title="Hotel pattern")
    other = make_report(unit, title="Another report")
    only_here = services.person_link(report=report, linked_by=unit, first_name="Onlyhere", last_name="Fictional")
    shared = services.person_link(report=report, linked_by=unit, first_name="Twice", last_name="Fictional")
    services.person_link(report=other, linked_by=unit, existing=shared)
    services.association_create(report=report, created_by=unit, a=("person", only_here), b=("person", shared),
                                type="associate")  # fmt: skip
    return report, only_here, shared


def test_disposal_leaves_a_tombstone_and_the_access_log_not_the_content(client, unit, personas, linked_report):
    report, only_here, shared = linked_report
    share_with(report, unit, "health")
    event_model = apps.get_model("intelligence", "IntelligenceReportEvent")
    assert event_model.objects.filter(pgh_obj_id=report.pk).exists()
    services.report_review(report=report, reviewed_by=unit, decision="dispose", rationale="No longer necessary")
    report.refresh_from_db()
    assert (report.retention_status, report.review_due, report.sanitised_text) == ("disposed", None, "")
    assert report.title == services.TOMBSTONE_TITLE and report.original.original_text == ""
    assert not Association.objects.filter(report=report).exists()
    assert not PersonOfConcern.objects.filter(pk=only_here.pk).exists(), "an entity only it referred to goes"
    assert PersonOfConcern.objects.filter(pk=shared.pk).exists(), "one another report refers to stays"
    assert not event_model.objects.filter(pgh_obj_id=report.pk).exists(), "no content in the change history"
    person_events = apps.get_model("intelligence", "PersonOfConcernEvent")
    assert not person_events.objects.filter(pgh_obj_id=only_here.pk).exists()
    assert AccessEvent.objects.filter(record_kind="intelligence.intelligencereport", record_ids__contains=[report.pk],
                                      details__decision="dispose").exists()  # fmt: skip
    # The partner it was shared with finds the tombstone, and nothing of what it said.
    client.force_login(personas["health.practitioner"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Disposed of under MoPI review" in page and "Hotel pattern" not in page and "takeaway" not in page
    with pytest.raises(StepNotAllowed):
        services.report_review(report=report, reviewed_by=unit, decision="retain", rationale="Changed my mind")


def test_the_queue_lists_what_the_home_page_counts(client, unit, personas, protocol):
    due = make_report(unit, title="Due report")
    later = make_report(unit, title="Later report")
    disposed = make_report(unit, title="Gone report")
    due_now(due)
    due_now(disposed)
    services.report_review(report=disposed, reviewed_by=unit, decision="dispose", rationale="Not necessary")
    client.force_login(unit)
    count, url = queues_on(client.get(reverse("home")).content.decode())["Intelligence to review"]
    queue = client.get(url).content.decode()
    assert count == "1" and queue.count("data-reference=") == 1
    assert due.reference in queue and later.reference not in queue
    for name in ("kcc.caseworker", "health.practitioner", "kent-police.trainer"):
        client.force_login(personas[name])
        assert client.get(reverse("intelligence:review_queue")).status_code == 403
        assert client.get(reverse("intelligence:report_review", args=[due.pk])).status_code == 403
        assert "Intelligence to review" not in client.get(reverse("home")).content.decode()


def test_the_review_page_records_a_decision_and_shows_bad_input_next_to_the_field(client, unit, protocol):
    report = make_report(unit)
    client.force_login(unit)
    url = reverse("intelligence:report_review", args=[report.pk])
    bad = client.post(url, {"decision": "retain", "rationale": ""})
    assert bad.status_code == 200 and "Give the rationale for the decision" in bad.content.decode()
    done = client.post(url, {"decision": "archive", "rationale": "Network disrupted"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.retention_status == "archived"
    api = client.get(f"/api/intelligence/reviews/?report={report.pk}").json()
    assert [row["decision"] for row in api["results"]] == ["archive"]
    assert client.get(f"/api/intelligence/reviews/{api['results'][0]['id']}/").status_code == 200


def test_reviews_are_seen_only_through_a_report_seen_in_full(client, unit, personas, protocol):
    report = make_report(unit)
    review = services.report_review(report=report, reviewed_by=unit, decision="retain", rationale="Active network")
    client.force_login(personas["kcc.caseworker"])
    assert client.get(f"/api/intelligence/reviews/{review.pk}/").status_code == 404
    assert client.get("/api/intelligence/reviews/").json()["results"] == []
