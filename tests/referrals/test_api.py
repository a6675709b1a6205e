"""The referrals API (/api/): who sees what, what each refusal looks like, and
that lists cost the same number of queries whatever the page size."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from accounts.models import Agency, District
from audit.models import AccessEvent
from referrals import services
from referrals.models import Child, Instrument, Referral
from sharing.default_protocol import create_default_protocol
from sharing.models import LawfulBasis
from sharing.services import share_record

pytestmark = pytest.mark.django_db

REFERRAL_SUMMARY_KEYS = {
    "id",
    "access_level",
    "reference",
    "child",
    "district",
    "risk_level",
    "status",
    "lead_professional",
}


@pytest.fixture
def protocol(personas):
    return create_default_protocol(agreed_by=personas["admin"])


@pytest.fixture
def api(personas, protocol):
    """api("kcc.caseworker") -> an API client signed in (session) as that persona."""

    def client_for(username: str | None = None) -> APIClient:
        client = APIClient()
        if username:
            client.force_login(personas[username])
        return client

    return client_for


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


@pytest.fixture
def make_referral(personas, protocol):
    """make_referral("kent-police.caseworker", "maidstone") -> a referral about a new 14-year-old child."""

    def make(by: str = "kent-police.caseworker", district: str = "maidstone", **fields) -> Referral:
        fields.setdefault(
            "new_child",
            {
                "first_name": "Kayleigh",
                "last_name": "Test",
                "date_of_birth": years_ago(14),
                "district": District.objects.get(code=district),
            },
        )
        return services.referral_create(
            created_by=personas[by],
            received_at=timezone.now() - datetime.timedelta(hours=2),
            channel="phone",
            referrer_name="A teacher",
            concern_summary="Seen getting into cars with older men after school",
            consent_outcome="given",
            **fields,
        )

    return make


@pytest.fixture
def police_referral(make_referral):
    """Owned by Kent Police, about a child in Maidstone (KCC's area): KCC sees it in full, Medway not at all."""
    return make_referral("kent-police.caseworker", "maidstone")


@pytest.fixture
def kcc_referral(make_referral):
    """Owned by KCC, so KCC staff can change it."""
    return make_referral("kcc.caseworker", "maidstone")


def share_summary_with_health(personas, referral):
    return share_record(
        shared_by=personas["kent-police.caseworker"],
        record=referral,
        recipient_agency=Agency.objects.get(code="health"),
        level="summary",
        purpose="The sexual health nurse is seeing the child",
        lawful_basis=LawfulBasis.objects.get(code="dpa3-sch8-para4"),
    )


def referral_url(referral, suffix=""):
    return f"/api/referrals/{referral.pk}/{suffix}"


# --- reading: who sees what -----------------------------------------------------------


def test_kcc_caseworker_sees_a_maidstone_childs_referral_in_full(api, police_referral):
    client = api("kcc.caseworker")
    response = client.get(referral_url(police_referral))
    assert response.status_code == 200
    body = response.json()
    assert body["access_level"] == "full"
    assert body["reference"] == police_referral.reference
    assert body["concern_summary"] == "Seen getting into cars with older men after school"
    assert body["child"]["first_name"] == "Kayleigh"
    assert body["district"] == "maidstone"
    assert body["owning_agency"] == "kent-police"

    listed = client.get("/api/referrals/").json()
    assert [row["id"] for row in listed["results"]] == [police_referral.pk]


def test_medway_caseworker_gets_404_for_a_kent_childs_referral(api, police_referral):
    client = api("medway.caseworker")
    assert client.get(referral_url(police_referral)).status_code == 404
    assert client.get("/api/referrals/").json()["results"] == []
    assert client.get(f"/api/children/{police_referral.child_id}/").status_code == 404


def test_health_sees_nothing_until_shared_then_only_the_summary(api, personas, police_referral):
    client = api("health.practitioner")
    assert client.get(referral_url(police_referral)).status_code == 404
    assert client.get(f"/api/children/{police_referral.child_id}/").status_code == 404

    share_summary_with_health(personas, police_referral)

    body = client.get(referral_url(police_referral)).json()
    assert set(body) == REFERRAL_SUMMARY_KEYS
    assert body["access_level"] == "summary"
    assert "concern_summary" not in body
    [row] = client.get("/api/referrals/").json()["results"]
    assert set(row) == REFERRAL_SUMMARY_KEYS

    child = client.get(f"/api/children/{police_referral.child_id}/").json()
    assert child["access_level"] == "summary"
    assert set(child) == {
        "id",
        "access_level",
        "first_name",
        "last_name",
        "aliases",
        "date_of_birth",
        "estimated_age",
        "district",
    }

    # Records of the referral are for full-level readers only.
    entry = services.chronology_add(
        referral=police_referral,
        recorded_by=personas["kent-police.caseworker"],
        occurred_at=timezone.now(),
        kind="note",
        summary="Spoke to the school",
    )
    assert client.get(f"/api/chronology-entries/{entry.pk}/").status_code == 404
    assert client.get(f"/api/chronology-entries/?referral={police_referral.pk}").json()["results"] == []
    assert api("kcc.caseworker").get(f"/api/chronology-entries/{entry.pk}/").status_code == 200
    # Seeing the summary is not enough to add to the record.
    refused = client.post(
        "/api/chronology-entries/",
        {"referral": police_referral.pk, "occurred_at": timezone.now().isoformat(), "summary": "Clinic visit"},
        format="json",
    )
    assert refused.status_code == 403
    assert refused.json()["detail"]


def test_children_list_shows_children_of_visible_referrals_only(api, police_referral, make_referral):
    medway_child = make_referral("medway.caseworker", "medway").child
    kcc_ids = {row["id"] for row in api("kcc.caseworker").get("/api/children/").json()["results"]}
    assert kcc_ids == {police_referral.child_id}
    medway_ids = {row["id"] for row in api("medway.caseworker").get("/api/children/").json()["results"]}
    assert medway_ids == {medway_child.pk}
    found = api("kcc.caseworker").get("/api/children/?q=Kayleig").json()["results"]
    assert [row["id"] for row in found] == [police_referral.child_id]


def test_lists_and_reads_are_logged(api, personas, police_referral):
    client = api("kcc.caseworker")
    client.get("/api/referrals/")
    client.get(referral_url(police_referral))
    client.get(f"/api/children/{police_referral.child_id}/")
    entry = services.chronology_add(
        referral=police_referral,
        recorded_by=personas["kcc.caseworker"],
        occurred_at=timezone.now(),
        kind="note",
        summary="Home visit",
    )
    client.get(f"/api/chronology-entries/?referral={police_referral.pk}")
    events = {
        (action, kind, tuple(ids))
        for action, kind, ids in AccessEvent.objects.filter(user=personas["kcc.caseworker"]).values_list(
            "action", "record_kind", "record_ids"
        )
    }
    assert events >= {
        ("list", "referrals.referral", (str(police_referral.pk),)),
        ("view", "referrals.referral", (str(police_referral.pk),)),
        ("view", "referrals.child", (str(police_referral.child_id),)),
        ("list", "referrals.chronologyentry", (str(entry.pk),)),
    }


# --- authentication ---------------------------------------------------------------------


def test_anonymous_callers_get_401(api, police_referral):
    response = api().get("/api/referrals/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_token_authentication(personas, police_referral, capsys):
    call_command("create_api_token", "kcc.caseworker", "--scope", "read_write")
    key = capsys.readouterr().out.strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(referral_url(police_referral))
    assert response.status_code == 200
    assert response.json()["access_level"] == "full"
    # Writes with a token need no CSRF token.
    created = client.post(
        "/api/chronology-entries/",
        {"referral": police_referral.pk, "occurred_at": timezone.now().isoformat(), "summary": "Phoned mum"},
        format="json",
    )
    assert created.status_code == 201, created.json()

    call_command("create_api_token", "kcc.caseworker", "--scope", "read_write", "--rotate")
    assert client.get(referral_url(police_referral)).status_code == 401
    assert capsys.readouterr().out.strip() != key


def test_create_api_token_refuses_unknown_users(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody")


def test_session_writes_need_a_csrf_token(personas, police_referral):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(personas["kcc.caseworker"])
    response = client.post(
        "/api/chronology-entries/",
        {"referral": police_referral.pk, "occurred_at": timezone.now().isoformat(), "summary": "Phoned mum"},
        format="json",
    )
    assert response.status_code == 403


# --- creating referrals ----------------------------------------------------------------------


def referral_body(**overrides):
    body = {
        "new_child": {
            "first_name": "Jade",
            "last_name": "Example",
            "date_of_birth": str(years_ago(15)),
            "district": "maidstone",
        },
        "received_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "channel": "say_something",
        "referrer_name": "Helpline call handler",
        "concern_summary": "Older boyfriend, new phone, missing overnight",
        "consent_outcome": "not_sought",
        "consent_not_sought_reason": "increase_risk",
        "exploitation_models": ["relationship"],
    }
    body.update(overrides)
    return body


def test_create_a_referral_about_a_new_child(api, protocol):
    response = api("kcc.caseworker").post("/api/referrals/", referral_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"].startswith("CSE-")
    assert body["status"] == "received"
    assert body["access_level"] == "change"
    assert body["owning_agency"] == "kcc"
    assert body["child"]["first_name"] == "Jade"
    assert body["version"] == 1
    assert Child.objects.filter(pk=body["child"]["id"], district__code="maidstone").exists()


def test_a_name_with_a_right_to_left_override_is_refused_and_nothing_saved(api, protocol):
    body = referral_body(referrer_name="Helpline \u202eeman")
    body["new_child"]["first_name"] = "Ja\u202ede"
    response = api("kcc.caseworker").post("/api/referrals/", body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "invisible control characters" in errors["new_child"]["first_name"][0]
    assert "invisible control characters" in errors["referrer_name"][0]
    assert not Child.objects.filter(first_name__startswith="Ja").exists()


def test_create_a_referral_about_a_child_the_user_can_see(api, police_referral):
    body = referral_body(child=police_referral.child_id)
    del body["new_child"]
    response = api("kcc.caseworker").post("/api/referrals/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["child"]["id"] == police_referral.child_id


def test_only_the_cse_team_is_told_a_referral_needs_linking(api, police_referral):
    # Medway records a referral about a child very like one only KCC and the police can see.
    body = referral_body(
        new_child={
            "first_name": "Kayleigh",
            "last_name": "Test",
            "date_of_birth": str(years_ago(14)),
            "district": "medway",
        }
    )
    created = api("medway.caseworker").post("/api/referrals/", body, format="json")
    assert created.status_code == 201, created.json()
    assert "needs_linking" not in created.json()
    as_cse_team = api("kent-police.caseworker").get(f"/api/referrals/{created.json()['id']}/").json()
    assert as_cse_team["needs_linking"] is True


def test_a_child_the_user_cannot_see_is_a_field_error_like_one_that_does_not_exist(api, police_referral):
    client = api("medway.caseworker")
    hidden = referral_body(child=police_referral.child_id)
    missing = referral_body(child=999999)
    del hidden["new_child"], missing["new_child"]
    hidden_errors = client.post("/api/referrals/", hidden, format="json").json()
    missing_errors = client.post("/api/referrals/", missing, format="json").json()
    assert list(hidden_errors) == ["child"]
    assert hidden_errors["child"][0].replace(str(police_referral.child_id), "N") == missing_errors["child"][0].replace(
        "999999", "N"
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {
                "new_child": {
                    "first_name": "Old",
                    "last_name": "Enough",
                    "date_of_birth": "2000-01-01",
                    "district": "maidstone",
                }
            },
            "date_of_birth",
        ),
        ({"received_at": (timezone.now() + datetime.timedelta(days=2)).isoformat()}, "received_at"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"exploitation_models": ["unheard_of"]}, "exploitation_models"),
        ({"consent_outcome": "not_sought", "consent_not_sought_reason": ""}, "consent_not_sought_reason"),
        ({"child": 1}, "child"),  # both a child and a new child
        ({"reference": "CSE-2020-000001"}, "reference"),  # read-only
        ({"concern_summary": "   "}, "concern_summary"),
    ],
)
def test_bad_referrals_are_400_with_field_errors(api, protocol, overrides, field):
    response = api("kcc.caseworker").post("/api/referrals/", referral_body(**overrides), format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    assert isinstance(errors[field], list | dict)
    assert not Referral.objects.exists()


def test_missing_fields_are_named(api, protocol):
    response = api("kcc.caseworker").post("/api/referrals/", {"new_child": {"first_name": "X"}}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert {"received_at", "channel", "referrer_name", "concern_summary", "consent_outcome"} <= set(errors)
    assert {"last_name", "district"} <= set(errors["new_child"])


def test_an_estimated_age_of_18_is_refused(api, protocol):
    body = referral_body(new_child={"first_name": "A", "last_name": "B", "estimated_age": 18, "district": "medway"})
    response = api("medway.caseworker").post("/api/referrals/", body, format="json")
    assert response.status_code == 400
    assert "estimated_age" in response.json()


# --- editing referrals --------------------------------------------------------------------


def test_patch_needs_the_version(api, kcc_referral):
    response = api("kcc.caseworker").patch(referral_url(kcc_referral), {"immediate_risk": True}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()


def test_patch_with_the_current_version_saves_and_bumps_it(api, kcc_referral):
    response = api("kcc.caseworker").patch(
        referral_url(kcc_referral), {"version": 1, "concern_summary": "Now also missing from school"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert response.json()["concern_summary"] == "Now also missing from school"


def test_patch_with_a_stale_version_is_409_with_the_changes(api, personas, kcc_referral):
    services.referral_update(
        referral=kcc_referral, changed_by=personas["kcc.supervisor"], expected_version=1, concern_summary="Theirs"
    )
    response = api("kcc.caseworker").patch(
        referral_url(kcc_referral), {"version": 1, "concern_summary": "Mine", "channel": "phone"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["detail"]
    assert body["version"] == 2
    # What changed since the version the client loaded, from the change history.
    assert body["changes"] == [
        {
            "field": "concern_summary",
            "label": "Concern summary",
            "yours": "Seen getting into cars with older men after school",
            "current": "Theirs",
        }
    ]
    kcc_referral.refresh_from_db()
    assert kcc_referral.concern_summary == "Theirs"


def test_a_stale_edit_names_changed_records_and_choices_readably(api, personas, kcc_referral):
    services.referral_update(
        referral=kcc_referral,
        changed_by=personas["kcc.supervisor"],
        expected_version=1,
        source_agency=Agency.objects.get(code="health"),
        channel="email",
    )
    response = api("kcc.caseworker").patch(
        referral_url(kcc_referral), {"version": 1, "immediate_risk": True}, format="json"
    )
    assert response.status_code == 409
    changes = {change["field"]: (change["yours"], change["current"]) for change in response.json()["changes"]}
    assert changes == {"source_agency": (None, "Health"), "channel": ("Phone", "E-mail")}


def test_patch_refuses_fields_the_workflow_owns(api, kcc_referral):
    response = api("kcc.caseworker").patch(
        referral_url(kcc_referral), {"version": 1, "status": "closed"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


def test_patch_needs_change_access(api, personas, police_referral):
    # KCC sees the police referral in full, but may not change it.
    response = api("kcc.caseworker").patch(referral_url(police_referral), {"version": 1}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert (
        api("medway.caseworker").patch(referral_url(police_referral), {"version": 1}, format="json").status_code == 404
    )
    share_summary_with_health(personas, police_referral)
    assert (
        api("health.practitioner").patch(referral_url(police_referral), {"version": 1}, format="json").status_code
        == 403
    )


def test_put_is_not_offered(api, kcc_referral):
    assert api("kcc.caseworker").put(referral_url(kcc_referral), {"version": 1}, format="json").status_code == 405


# --- workflow -----------------------------------------------------------------------------


def step(client, referral, name, **body):
    return client.post(referral_url(referral, f"workflow/{name}/"), body, format="json")


def test_the_workflow_through_the_api(api, personas, kcc_referral):
    caseworker, supervisor = api("kcc.caseworker"), api("kcc.supervisor")
    response = step(caseworker, kcc_referral, "triage", note="Known to the school nurse", version=1)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "triaged"

    refused = step(caseworker, kcc_referral, "accept")
    assert refused.status_code == 403
    assert "supervisor" in refused.json()["detail"].lower()

    assert step(supervisor, kcc_referral, "accept", note="CSE team will take this").json()["status"] == "accepted"
    assigned = step(supervisor, kcc_referral, "assign", lead_professional=personas["kcc.caseworker"].pk)
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["lead_professional"]["name"] == personas["kcc.caseworker"].display_name

    again = step(caseworker, kcc_referral, "triage", note="Again")
    assert again.status_code == 409
    assert "accepted" in again.json()["detail"]


def test_a_stale_version_on_a_step_is_409(api, kcc_referral):
    response = step(api("kcc.caseworker"), kcc_referral, "triage", note="Checked", version=7)
    assert response.status_code == 409
    assert response.json()["changes"] == []
    assert response.json()["version"] == 1


def test_step_arguments_are_checked(api, kcc_referral):
    client = api("kcc.caseworker")
    assert "note" in step(client, kcc_referral, "triage").json()
    step(client, kcc_referral, "triage", note="Done")
    assert "outcome" in step(client, kcc_referral, "decide", outcome="accepted").json()
    assert step(client, kcc_referral, "decide", outcome="signposted").json()["status"] == "signposted"
    closed = step(api("kcc.supervisor"), kcc_referral, "close", reason="no_such_reason")
    assert closed.status_code == 400
    assert "reason" in closed.json()


def test_unknown_steps_and_hidden_referrals_are_404(api, kcc_referral):
    assert step(api("kcc.caseworker"), kcc_referral, "escalate").status_code == 404
    assert step(api("medway.caseworker"), kcc_referral, "triage", note="x").status_code == 404


# --- risk assessments -------------------------------------------------------------------------


@pytest.fixture
def accepted_referral(personas, kcc_referral):
    services.referral_triage(referral=kcc_referral, triaged_by=personas["kcc.caseworker"], note="Triaged")
    return services.referral_accept(referral=kcc_referral, accepted_by=personas["kcc.supervisor"])


def toolkit(client):
    instruments = client.get("/api/instruments/").json()
    return next(instrument for instrument in instruments if instrument["code"] == "kent-medway-toolkit")


def test_submit_approve_and_return_assessments(api, accepted_referral):
    caseworker, supervisor = api("kcc.caseworker"), api("kcc.supervisor")
    instrument = toolkit(caseworker)
    missing = next(indicator for indicator in instrument["indicators"] if indicator["code"] == "missing")
    body = {
        "referral": accepted_referral.pk,
        "instrument": instrument["id"],
        "answers": [{"indicator": missing["id"], "answer": "yes", "timeframe": "current", "evidence": "Twice"}],
        "professional_level": "high",
    }
    no_rationale = caseworker.post("/api/assessments/", body, format="json")
    assert no_rationale.status_code == 400
    assert "rationale" in no_rationale.json()

    body["rationale"] = "Seen at a hotel known for exploitation"
    created = caseworker.post("/api/assessments/", body, format="json")
    assert created.status_code == 201, created.json()
    assessment = created.json()
    assert assessment["computed_level"] == "medium"
    assert assessment["professional_level"] == "high"
    assert assessment["status"] == "submitted"
    assert assessment["answers"][0]["indicator_code"] == "missing"

    assert caseworker.post(f"/api/assessments/{assessment['id']}/approve/").status_code == 403
    assert api("medway.caseworker").post(f"/api/assessments/{assessment['id']}/approve/").status_code == 404
    approved = supervisor.post(f"/api/assessments/{assessment['id']}/approve/")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    referral = caseworker.get(referral_url(accepted_referral)).json()
    assert (referral["risk_level"], referral["status"]) == ("high", "risk_assessed")

    returned = supervisor.post(f"/api/assessments/{assessment['id']}/return/", {"reason": "Too late"}, format="json")
    assert returned.status_code == 409


def test_assessment_shape_errors(api, accepted_referral):
    client = api("kcc.caseworker")
    instrument = toolkit(client)
    response = client.post(
        "/api/assessments/",
        {
            "referral": accepted_referral.pk,
            "instrument": instrument["id"],
            "professional_level": "extreme",
            "answers": [{"indicator": 999999, "answer": "maybe"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"professional_level", "answers"} <= set(response.json())


def test_assessing_before_acceptance_is_409(api, kcc_referral):
    client = api("kcc.caseworker")
    body = {
        "referral": kcc_referral.pk,
        "instrument": toolkit(client)["id"],
        "answers": [],
        "professional_level": "low",
    }
    response = client.post("/api/assessments/", body, format="json")
    assert response.status_code == 409


# --- chronology, actions, missing episodes ----------------------------------------------------


def test_chronology(api, police_referral):
    client = api("kcc.caseworker")
    future = client.post(
        "/api/chronology-entries/",
        {
            "referral": police_referral.pk,
            "occurred_at": (timezone.now() + datetime.timedelta(days=1)).isoformat(),
            "summary": "Will happen",
        },
        format="json",
    )
    assert future.status_code == 400
    assert "occurred_at" in future.json()
    created = client.post(
        "/api/chronology-entries/",
        {
            "referral": police_referral.pk,
            "occurred_at": timezone.now().isoformat(),
            "kind": "contact",
            "summary": "Home visit",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["agency"] == "kcc"
    listed = client.get(f"/api/chronology-entries/?referral={police_referral.pk}").json()["results"]
    assert [row["id"] for row in listed] == [created.json()["id"]]
    assert client.get("/api/chronology-entries/?referral=abc").status_code == 400
    # Medway cannot see the referral: writing to it is refused like a referral that does not exist.
    refused = api("medway.caseworker").post(
        "/api/chronology-entries/",
        {"referral": police_referral.pk, "occurred_at": timezone.now().isoformat(), "summary": "x"},
        format="json",
    )
    assert refused.status_code == 400
    assert "referral" in refused.json()


def test_actions(api, personas, police_referral):
    client = api("kcc.caseworker")
    tomorrow = str(timezone.localdate() + datetime.timedelta(days=1))
    no_owner_access = client.post(
        "/api/actions/",
        {
            "referral": police_referral.pk,
            "description": "Visit",
            "owner": personas["medway.caseworker"].pk,
            "due_date": tomorrow,
        },
        format="json",
    )
    assert no_owner_access.status_code == 400
    assert "owner" in no_owner_access.json()
    created = client.post(
        "/api/actions/",
        {
            "referral": police_referral.pk,
            "description": "Visit",
            "owner": personas["kcc.caseworker"].pk,
            "due_date": tomorrow,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    action_id = created.json()["id"]
    outcome = {"outcome": "School visited; attendance plan agreed"}
    assert api("medway.caseworker").post(f"/api/actions/{action_id}/done/", outcome).status_code == 404
    # As on the page, marking done asks what came of it: a 400 naming the field, and the action stays open.
    for body in ({}, {"outcome": "   "}, {"outcome": "x" * 5001}):
        refused = client.post(f"/api/actions/{action_id}/done/", body, format="json")
        assert refused.status_code == 400 and "outcome" in refused.json(), body
    assert client.get(f"/api/actions/{action_id}/").json()["status"] == "open"
    done = client.post(f"/api/actions/{action_id}/done/", outcome, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    chronology = client.get("/api/chronology-entries/", {"referral": police_referral.pk}).json()["results"]
    assert any("Outcome: School visited; attendance plan agreed" in entry["summary"] for entry in chronology)
    assert client.post(f"/api/actions/{action_id}/done/", outcome, format="json").status_code == 409


def test_missing_episodes(api, police_referral):
    client = api("kcc.caseworker")
    reported = timezone.now() - datetime.timedelta(days=1)
    created = client.post(
        "/api/missing-episodes/",
        {"referral": police_referral.pk, "reported_missing_at": reported.isoformat(), "missing_from": "home"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = f"/api/missing-episodes/{created.json()['id']}/"
    early = client.patch(url, {"found_at": (reported - datetime.timedelta(hours=1)).isoformat()}, format="json")
    assert early.status_code == 400
    assert "found_at" in early.json()
    found = client.patch(url, {"found_at": timezone.now().isoformat(), "found_location": "Chatham"}, format="json")
    assert found.status_code == 200, found.json()
    assert found.json()["found_location"] == "Chatham"
    assert found.json()["missing_from"] == "home"
    assert api("medway.caseworker").patch(url, {"cse_linked": True}, format="json").status_code == 404


# --- constant query counts --------------------------------------------------------------------


@pytest.fixture
def many_records(personas, make_referral):
    """55 police referrals about Maidstone children, each with a chronology
    entry, an action and a missing episode."""
    police = personas["kent-police.caseworker"]
    for number in range(55):
        referral = make_referral(
            new_child={
                "first_name": f"Child{number}",
                "last_name": "Many",
                "date_of_birth": years_ago(13, number),
                "district": District.objects.get(code="maidstone"),
            }
        )
        services.chronology_add(
            referral=referral,
            recorded_by=personas["kent-police.caseworker"],
            occurred_at=timezone.now(),
            kind="note",
            summary=f"Entry {number}",
        )
        services.action_create(
            referral=referral, created_by=police, description="Visit", owner=police, due_date=timezone.localdate()
        )
        services.missing_episode_record(
            referral=referral,
            recorded_by=police,
            reported_missing_at=timezone.now() - datetime.timedelta(hours=5),
            found_at=timezone.now() - datetime.timedelta(hours=1),
            missing_from="care_placement",
        )


@pytest.mark.parametrize(
    "endpoint",
    ["/api/referrals/", "/api/children/", "/api/chronology-entries/", "/api/actions/", "/api/missing-episodes/"],
)
def test_lists_cost_the_same_queries_at_any_page_size(api, many_records, endpoint, django_assert_max_num_queries):
    client = api("kcc.caseworker")
    with CaptureQueriesContext(connection) as small:
        response = client.get(f"{endpoint}?page_size=5")
    assert len(response.json()["results"]) == 5
    with django_assert_max_num_queries(len(small)):
        response = client.get(f"{endpoint}?page_size=50")
    assert len(response.json()["results"]) == 50
    next_page = client.get(response.json()["next"]).json()["results"]
    assert len(next_page) == 5


def test_assessment_list_is_constant_too(api, accepted_referral, django_assert_max_num_queries):
    client = api("kcc.caseworker")
    instrument = Instrument.objects.get(code="kent-medway-toolkit")
    indicators = [indicator["id"] for indicator in toolkit(client)["indicators"]][:3]
    for _ in range(6):
        client.post(
            "/api/assessments/",
            {
                "referral": accepted_referral.pk,
                "instrument": instrument.pk,
                "professional_level": "high",
                "rationale": "Judgement",
                "answers": [{"indicator": i, "answer": "yes", "timeframe": "current"} for i in indicators],
            },
            format="json",
        )
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/assessments/?page_size=1").json()["results"]) == 1
    with django_assert_max_num_queries(len(small)):
        assert len(client.get("/api/assessments/?page_size=6").json()["results"]) == 6


def test_page_size_is_capped_at_100(api, protocol):
    from referrals.api.views import ReferralViewSet

    assert ReferralViewSet.pagination_class.max_page_size == 100


# --- schema and documentation -------------------------------------------------------------------


def test_schema_is_an_openapi_document_with_the_referral_paths(api, protocol):
    response = api("kcc.caseworker").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document = response.json()
    validate_schema(document)  # against the OpenAPI 3 JSON schema; raises if invalid
    assert {
        "/api/referrals/",
        "/api/referrals/{id}/",
        "/api/referrals/{id}/workflow/{step}/",
        "/api/children/",
        "/api/assessments/{id}/approve/",
        "/api/actions/{id}/done/",
    } <= set(document["paths"])
    assert "patch" in document["paths"]["/api/referrals/{id}/"]
    assert "put" not in document["paths"]["/api/referrals/{id}/"]
    done = document["paths"]["/api/actions/{id}/done/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert document["components"]["schemas"][done["$ref"].rsplit("/", 1)[1]]["required"] == ["outcome"]


def test_schema_and_docs_need_sign_in(api, personas, capsys):
    for path in ("/api/schema/", "/api/docs/"):
        response = api().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    call_command("create_api_token", "kcc.caseworker")
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {capsys.readouterr().out.strip()}")
    assert token.get("/api/schema/").status_code == 200
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert bad.get("/api/schema/").status_code == 401


def test_docs_page_loads_everything_from_this_service(api, protocol):
    client = api("kcc.caseworker")
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html
    assert "<script>" not in html  # every script has a src on this site
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "http://" not in html
    assert "https://" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
    assert "/api/schema/" in script.content.decode()


def test_using_a_token_counts_as_activity_for_the_dormant_account_check(personas, police_referral, capsys):
    from accounts.models import User
    from accounts.services import deactivate_dormant_accounts

    user = personas["kcc.caseworker"]
    User.objects.filter(pk=user.pk).update(last_login=None, date_joined=timezone.now() - datetime.timedelta(days=400))
    call_command("create_api_token", "kcc.caseworker")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {capsys.readouterr().out.strip()}")
    assert client.get(referral_url(police_referral)).status_code == 200
    assert "kcc.caseworker" not in deactivate_dormant_accounts(dormant_days=90)
    user.refresh_from_db()
    assert user.is_active and user.last_login is not None


def test_a_childs_details_are_edited_through_a_referral_the_caller_may_change(api, personas, referral):
    record = referral(by="kcc.caseworker", district="maidstone")
    url = f"/api/children/{record.child_id}/"
    kcc = api("kcc.caseworker")
    # A move to another authority is a supervisor's (or the CSE team's): test_child_moves.py.
    moved = api("kcc.supervisor").patch(
        url, {"version": 1, "referral": record.pk, "district": "medway", "school": "Rochester High"}
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["district"] == "medway" and moved.json()["school"] == "Rochester High"

    stale = kcc.patch(url, {"version": 1, "referral": record.pk, "first_name": "Bea"}, format="json")
    assert stale.status_code == 409
    assert {change["field"] for change in stale.json()["changes"]} == {"district", "school"}

    # Medway now sees the referral in full, not at change: it may not edit the child.
    refused = api("medway.caseworker").patch(url, {"version": 2, "referral": record.pk, "first_name": "Bea"})
    assert refused.status_code == 400 and "referral" in refused.json()
    assert api("health.practitioner").patch(url, {"version": 2, "referral": record.pk}).status_code == 404
    bad = kcc.patch(url, {"version": 2, "referral": record.pk, "date_of_birth": "2099-01-01", "status": "x"})
    assert bad.status_code == 400 and "status" in bad.json()
    future = kcc.patch(url, {"version": 2, "referral": record.pk, "date_of_birth": "2099-01-01"})
    assert future.status_code == 400 and "date_of_birth" in future.json()
    record.child.refresh_from_db()
    assert record.child.first_name != "Bea" and record.child.version == 2
