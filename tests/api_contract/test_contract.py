"""The API keeps its OpenAPI contract (issue #14, item 6). schemathesis checks
it against a live server in CI (.ci/schemathesis, settings in
schemathesis.toml beside this file); these are the regression tests of what
it found, fixed once for every app (cse_team/openapi.py, cse_team/api.py,
sharing.field_levels.StrictPageSize)."""

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LISTS = ["/api/referrals/", "/api/children/", "/api/actions/", "/api/training/sessions/", "/api/intelligence/reports/"]


@pytest.fixture
def schema(client, personas):
    client.force_login(personas["kcc.caseworker"])
    return json.loads(client.get(reverse("api_schema"), {"format": "json"}).content)


@pytest.fixture
def caseworker(client, personas):
    client.force_login(personas["kcc.caseworker"])
    return client


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_the_answers_any_operation_can_give(schema):
    for path, method, operation in operations(schema):
        documented = set(operation["responses"])
        assert {"401", "403", "404", "429"} <= documented, (method, path)
        assert "Retry-After" in operation["responses"]["429"]["headers"], (method, path)
        if any(p["in"] == "query" for p in operation.get("parameters", [])) or "requestBody" in operation:
            assert "400" in documented, (method, path)


def test_request_bodies_are_json_only(schema, caseworker):
    for path, method, operation in operations(schema):
        if "requestBody" in operation:
            assert set(operation["requestBody"]["content"]) == {"application/json"}, (method, path)
    form_post = caseworker.post("/api/intelligence/submissions/", {"what_happened": "x", "how_known": "saw"})
    assert form_post.status_code == 415


def test_page_size_is_a_whole_number_from_one(schema, caseworker):
    parameter = next(p for p in schema["paths"]["/api/referrals/"]["get"]["parameters"] if p["name"] == "page_size")
    assert parameter["schema"]["minimum"] == 1
    for path in LISTS:
        for bad in ("null", "0", "-3", "2.5"):
            answer = caseworker.get(path, {"page_size": bad})
            assert answer.status_code == 400, (path, bad)
            assert answer.json() == {"page_size": ["Give a whole number from 1."]}
        assert caseworker.get(path, {"page_size": "2"}).status_code == 200


def test_a_number_is_not_text(caseworker):
    answer = caseworker.post(
        "/api/intelligence/submissions/", {"what_happened": 12, "how_known": "saw"}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json()["what_happened"] == ["Not a valid string."]


def test_yes_or_one_is_not_true(caseworker, personas):
    from referrals.models import Referral

    answer = caseworker.post(
        "/api/referrals/",
        {"immediate_risk": "yes", "referrer_name": 7, "channel": "phone"},
        content_type="application/json",
    )
    assert answer.status_code == 400
    errors = answer.json()
    assert errors["immediate_risk"] == ["Must be a valid boolean."]
    assert errors["referrer_name"] == ["Not a valid string."]
    assert not Referral.objects.exists()


def test_a_path_under_api_that_matches_nothing_is_a_json_404(caseworker, settings):
    settings.DEBUG = False
    answer = caseworker.get("/api/referrals/not.an.id/")
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json" and answer.json() == {"detail": "Not found."}
    # Pages keep the service's own 404 page.
    assert "text/html" in caseworker.get("/referrals/no/such/page/").headers["Content-Type"]


def test_a_nul_in_the_query_is_a_json_400_and_documented(schema, caseworker):
    answer = caseworker.get("/api/children/", {"q": "a\x00b"})
    assert answer.status_code == 400 and "detail" in answer.json()
    q = next(p for p in schema["paths"]["/api/children/"]["get"]["parameters"] if p["name"] == "q")
    assert q["schema"]["pattern"] == "^[^\\x00]*$"


def test_read_only_fields_that_may_be_empty_or_left_out_say_so(schema):
    components = schema["components"]["schemas"]
    action = components["Action"]["properties"]
    assert action["completed_by"].get("nullable") is True  # a nullable foreign key, nested
    referral = components["Referral"]
    # A summary reader gets the summary fields only: the rest are not required.
    assert "reference" in referral["required"] and "concern_summary" not in referral["required"]
    session = components["Session"]
    assert "attendees" not in session.get("required", [])  # left out for all but trainers and managers
    timeframe = components["IndicatorAnswer"]["properties"]["timeframe"]
    assert any(option.get("$ref", "").endswith("BlankEnum") for option in timeframe.get("oneOf", [])), timeframe


def test_dates_before_1900_are_refused_as_the_forms_refuse_them(caseworker, personas):
    """Issue #14: the API stored reported_missing_at 0001-01-01, which the
    episode's page could then not save again; an action due 31/12/9999 and a
    consent date of 0001-01-01 were accepted."""
    from referrals.models import Action
    from sharing.default_protocol import create_default_protocol
    from tests.referrals.factories import MissingEpisodeFactory, ReferralFactory

    create_default_protocol(agreed_by=personas["admin"])
    referral = ReferralFactory(created_by=personas["kcc.caseworker"])
    episode = MissingEpisodeFactory(referral=referral)
    answer = caseworker.patch(f"/api/missing-episodes/{episode.pk}/", {"reported_missing_at": "0001-01-01T00:01:15Z"},
                              content_type="application/json")  # fmt: skip
    assert answer.status_code == 400
    assert "after 1900" in json.dumps(answer.json())
    episode.refresh_from_db()
    assert episode.reported_missing_at.year > 1900
    due = caseworker.post("/api/actions/", {"referral": referral.pk, "description": "Visit school",
                                            "owner": personas["kcc.caseworker"].pk, "due_date": "9999-12-31"},
                          content_type="application/json")  # fmt: skip
    assert due.status_code == 400 and "within 5 years" in json.dumps(due.json())
    assert not Action.objects.filter(referral=referral).exists()
    consent = caseworker.patch(f"/api/referrals/{referral.pk}/", {"consent_decided_on": "0001-01-01",
                                                                   "version": referral.version},
                               content_type="application/json")  # fmt: skip
    assert consent.status_code == 400 and "after 1900" in json.dumps(consent.json())


def test_the_concern_summary_has_the_forms_maximum_in_the_api_and_the_services(caseworker, personas):
    """Issue #14: the concern summary accepted 1 MB."""
    from django.core.exceptions import ValidationError

    from referrals import services
    from referrals.models.referrals import CONCERN_SUMMARY_MAX_LENGTH
    from sharing.default_protocol import create_default_protocol
    from tests.referrals.factories import ReferralFactory

    create_default_protocol(agreed_by=personas["admin"])
    referral = ReferralFactory(created_by=personas["kcc.caseworker"], concern_summary="Seen with older men")
    too_long = "x" * (CONCERN_SUMMARY_MAX_LENGTH + 1)
    body = {"concern_summary": too_long, "version": referral.version}
    answer = caseworker.patch(f"/api/referrals/{referral.pk}/", body, content_type="application/json")
    assert answer.status_code == 400 and "concern_summary" in answer.json()
    referral.refresh_from_db()
    assert referral.concern_summary == "Seen with older men"
    with pytest.raises(ValidationError, match="10,000 characters or fewer"):
        services.referral_update(referral=referral, changed_by=personas["kcc.caseworker"],
                                 expected_version=referral.version, concern_summary=too_long)  # fmt: skip
