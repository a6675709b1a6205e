"""The intelligence API: the same visibility, levels and refusals as the pages."""

import pytest

from intelligence.models import IntelligenceReport, ReportOriginal, Submission
from tests.intelligence.factories import IntelligenceReportFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_partner_submits_through_the_api(client, personas, protocol, child):
    nurse = personas["health.practitioner"]
    client.force_login(nurse)
    response = post(client, "/api/intelligence/submissions/", {"what_happened": "Girl in a taxi", "how_known": "saw"})
    assert response.status_code == 201
    body = response.json()
    assert body["reference"].startswith("SUB-") and body["access_level"] == "full" and body["status"] == "received"
    assert post(client, "/api/intelligence/submissions/", {"how_known": "saw"}).status_code == 400
    # A child the nurse cannot see and one that does not exist get the same answer.
    hidden = child("maidstone")
    unseen = post(
        client, "/api/intelligence/submissions/", {"what_happened": "x", "how_known": "saw", "children": [hidden.pk]}
    )
    missing = post(
        client, "/api/intelligence/submissions/", {"what_happened": "x", "how_known": "saw", "children": [10**9]}
    )
    assert unseen.status_code == missing.status_code == 400
    assert unseen.json() == missing.json()
    assert Submission.objects.count() == 1


def test_the_unit_grades_through_the_api_and_partners_cannot(client, personas, protocol, unit):
    submission = SubmissionFactory(submitted_by=personas["health.practitioner"])
    body = {
        "submission": submission.pk, "title": "Subject", "original_text": "Original", "sanitised_text": "Sanitised",
        "scheme": "3x5x2", "source_evaluation": "1", "intelligence_assessment": "A", "handling_code": "P",
        "source_type": "partner",
    }  # fmt: skip
    client.force_login(personas["kcc.supervisor"])
    assert post(client, "/api/intelligence/reports/", body).status_code == 400  # the submission is not KCC's to see
    assert post(client, "/api/intelligence/reports/", {**body, "submission": None}).status_code == 403
    client.force_login(unit)
    refused = post(client, "/api/intelligence/reports/", {**body, "source_evaluation": "B"})
    assert refused.status_code == 400 and "source_evaluation" in refused.json()
    made = post(client, "/api/intelligence/reports/", body)
    assert made.status_code == 201 and made.json()["access_level"] == "change"
    report = IntelligenceReport.objects.get()
    original = client.get(f"/api/intelligence/originals/{report.original.pk}/").json()
    assert (original["grading"], original["original_text"]) == ("1-A-P", "Original")
    assert post(client, "/api/intelligence/reports/", body).status_code == 409  # graded already


def test_originals_are_never_listed_or_read_outside_the_unit(client, personas, protocol, unit):
    report = IntelligenceReportFactory(sanitised_by=unit)
    original = ReportOriginal.objects.get(report=report)
    for name in ("kcc.caseworker", "health.practitioner", "dpo", "admin", "kent-police.trainer"):
        client.force_login(personas[name])
        assert client.get("/api/intelligence/originals/").json()["results"] == []
        assert client.get(f"/api/intelligence/originals/{original.pk}/").status_code == 404
    client.force_login(unit)
    assert [row["id"] for row in client.get("/api/intelligence/originals/").json()["results"]] == [original.pk]


def test_every_intelligence_endpoint_is_in_the_openapi_schema(client, personas):
    client.force_login(personas["kcc.caseworker"])
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in ("submissions", "reports", "originals", "persons", "locations", "vehicles", "associations"):
        assert f"/api/intelligence/{path}/" in schema["paths"], path
        assert f"/api/intelligence/{path}/{{id}}/" in schema["paths"], path
