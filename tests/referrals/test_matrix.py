"""The permission matrix for referrals: every persona against a referral owned
by every agency about a child in a KCC district and in Medway, on every page
and API endpoint that shows one, checked against the plain-Python reference
model of the protocol in force and the shares (tests/sharing/harness.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency
from referrals import services
from sharing import services as sharing_services
from sharing.models import LawfulBasis
from tests.referrals.conftest import new_child_fields
from tests.route_claims import other_apps_claims, project_routes
from tests.sharing import reference_model as ref
from tests.sharing.harness import (
    NO_CASE_ACCESS,
    RECORDER,
    CanarySpec,
    MatrixSpec,
    casework_personas,
    make_records,
    plant_canaries,
    reference_grants,
    reference_rules,
    run_canaries,
    run_matrix,
)

pytestmark = pytest.mark.django_db

OVERSIGHT = ("dpo", "admin")  # NO_CASE_ACCESS who oversee access

# Names far apart, so that no record looks like another's child and each
# search finds exactly one.
SURNAMES = {
    ("kent-police", "maidstone"): "Abernathy",
    ("kent-police", "medway"): "Blomqvist",
    ("kcc", "maidstone"): "Castellanos",
    ("kcc", "medway"): "Drummondville",
    ("medway", "maidstone"): "Eriksdottir",
    ("medway", "medway"): "Fairbrother",
    ("health", "maidstone"): "Gallagher",
    ("health", "medway"): "Hollingsworth",
    ("early-help", "maidstone"): "Ibrahimovic",
    ("early-help", "medway"): "Jovanovich",
}


def referral_spec(personas) -> MatrixSpec:
    def make_record(owner, district):
        surname = SURNAMES[(owner, district)]
        return services.referral_create(
            created_by=personas[RECORDER[owner]],
            new_child=new_child_fields(district, first_name="Matrix", last_name=surname),
            received_at=timezone.now(),
            channel="phone",
            referrer_name="Matrix referrer",
            concern_summary=f"Concern only full readers see: {owner} in {district}",
            consent_outcome="given",
        )

    return MatrixSpec(
        make_record=make_record,
        detail_url=lambda record: reverse("referrals:referral_detail", args=[record.pk]),
        list_url=reverse("referrals:referral_list") + "?page_size=100",
        api_list_url="/api/referrals/?page_size=100",
        api_detail_url=lambda record: f"/api/referrals/{record.pk}/",
        summary_text=lambda record: record.reference,
        full_text=lambda record: record.concern_summary,
        full_only_api_field="concern_summary",
        search_url=lambda record: f"{reverse('referrals:referral_list')}?q={record.child.last_name}",
        authority=lambda record: record.child.district.childrens_services.code,
    )


@pytest.fixture
def shared_records(personas, protocol):
    spec = referral_spec(personas)
    records = make_records(spec)
    by_owner = {(record.owning_agency.code, record.child.district.code): record for record in records}
    basis = LawfulBasis.objects.get
    sharing_services.share_record(
        shared_by=personas["kcc.caseworker"],
        record=by_owner[("kcc", "maidstone")],
        recipient_agency=Agency.objects.get(code="health"),
        level="summary",
        purpose="Nurse involved",
        lawful_basis=basis(code="gdpr-public-task-safeguarding"),
    )
    sharing_services.share_record(
        shared_by=personas["kent-police.caseworker"],
        record=by_owner[("kent-police", "medway")],
        recipient_user=personas["early-help.practitioner"],
        level="full",
        purpose="Family support",
        lawful_basis=basis(code="dpa3-sch8-para4"),
    )
    revoked = sharing_services.share_record(
        shared_by=personas["medway.caseworker"],
        record=by_owner[("medway", "medway")],
        recipient_agency=Agency.objects.get(code="health"),
        level="full",
        purpose="Briefly involved",
        lawful_basis=basis(code="gdpr-public-task-safeguarding"),
    )
    sharing_services.revoke_share(share=revoked, revoked_by=personas["medway.caseworker"], reason="No longer involved")
    return spec, records


def person_of(user) -> ref.Person:
    return ref.Person(
        user_id=user.pk,
        agency=user.agency.code,
        is_cse_team_member=user.is_cse_team_member,
        reads_casework=ref.reads_casework(user.role_codes),
    )


def test_every_persona_sees_exactly_the_referrals_the_protocol_and_shares_allow(client, personas, shared_records):
    spec, records = shared_records
    casework = casework_personas(personas)
    checks, failures = run_matrix(client, casework, spec, records)
    assert failures == []
    assert checks == len(casework) * len(records) * 5


# Pages and endpoints about one referral, with the level each needs.
CSE_TEAM_ONLY = {"link"}


def record_on_case(record, recorder):
    """A chronology entry, an action, a missing episode and an assessment on the
    referral, for the pages and endpoints that show one of them."""
    from referrals.models import Instrument, RiskAssessment

    when = record.received_at
    entry = services.chronology_add(referral=record, recorded_by=recorder, occurred_at=when, kind="note", summary="x")
    action = services.action_create(
        referral=record, created_by=recorder, description="x", owner=recorder, due_date=timezone.localdate()
    )
    episode = services.missing_episode_record(
        referral=record, recorded_by=recorder, reported_missing_at=when, missing_from="home"
    )
    # Submitted: a draft is its assessor's unfinished work, on no page or endpoint.
    assessment = RiskAssessment.objects.create(
        referral=record,
        status=RiskAssessment.Status.SUBMITTED,
        instrument=Instrument.objects.get(code="seraf", version=1),
        computed_level="low",
        professional_level="low",
        assessed_by=recorder,
        agency=recorder.agency,
    )
    return {"entry": entry, "action": action, "episode": episode, "assessment": assessment}


def referral_pages(record) -> dict[str, tuple[str, str]]:
    pk = record.pk
    on_case = record.on_case
    return {
        "chronology API": (f"/api/chronology-entries/{on_case['entry'].pk}/", "full"),
        "action API": (f"/api/actions/{on_case['action'].pk}/", "full"),
        "missing episode API": (f"/api/missing-episodes/{on_case['episode'].pk}/", "full"),
        "assessment API": (f"/api/assessments/{on_case['assessment'].pk}/", "full"),
        "assessment page": (reverse("referrals:assessment_detail", args=[pk, on_case["assessment"].pk]), "full"),
        "missing episode page": (reverse("referrals:missing_episode_edit", args=[pk, on_case["episode"].pk]), "full"),
        "edit": (reverse("referrals:referral_edit", args=[pk]), "change"),
        "child edit": (reverse("referrals:child_edit", args=[pk]), "change"),
        # Linking to a known child is the CSE team's (CSE_TEAM_ONLY below).
        "link": (reverse("referrals:referral_link", args=[pk]), "change"),
        "workflow": (reverse("referrals:referral_step", args=[pk, "triage"]), "full"),
        "assessment": (reverse("referrals:assessment_new", args=[pk]), "change"),
        "chronology": (reverse("referrals:chronology_new", args=[pk]), "full"),
        "action": (reverse("referrals:action_new", args=[pk]), "full"),
        "missing episode": (reverse("referrals:missing_episode_new", args=[pk]), "full"),
        "assessment form": (
            reverse("referrals:assessment_form", args=[pk, on_case["assessment"].instrument_id]),
            "change",
        ),
        "action completion": (reverse("referrals:action_complete", args=[pk, on_case["action"].pk]), "full"),
        # Anyone who sees the record may open the form; the service refuses a
        # share above the sharer's level (tests/sharing).
        "share page": (reverse("sharing:share_create", args=["referrals.referral", pk]), "summary"),
        "child API": (f"/api/children/{record.child_id}/", "summary"),
        "why can I see this": (reverse("sharing:record_explanation", args=["referrals.referral", pk]), "summary"),
        # The case summary to print, at the reader's level (its fields: the canaries below).
        "print": (reverse("referrals:referral_print", args=[pk]), "summary"),
    }


# About 3,200 requests: over the default 300 s on a loaded two-core machine.
@pytest.mark.timeout(900)
def test_every_page_about_a_referral_answers_404_below_the_level_it_needs(client, personas, shared_records):
    _, records = shared_records
    for record in records:
        record.on_case = record_on_case(record, personas[RECORDER[record.owning_agency.code]])
    kind = records[0]._meta.label_lower
    rules, grants = reference_rules(kind), reference_grants(kind)
    failures, checks = [], 0
    for username, user in personas.items():
        person = person_of(user)
        client.force_login(user)
        for record in records:
            subject = ref.Record(
                record_id=record.pk,
                owner=record.owning_agency.code,
                authority=record.child.district.childrens_services.code,
            )
            level = ref.expected_level(person, subject, rules, grants)
            for page, (url, needed) in referral_pages(record).items():
                allowed = level is not None and ref.RANK[level] >= ref.RANK[needed]
                allowed = allowed and (page not in CSE_TEAM_ONLY or user.is_cse_team_member)
                status = client.get(url).status_code
                checks += 1
                if allowed != (status == 200) or (not allowed and status != 404):
                    failures.append(f"{username} -> {record} {page} (level {level}, needs {needed}): {status}")
    assert failures == []
    assert checks == len(personas) * len(records) * len(referral_pages(records[0]))


def test_dependent_records_are_listed_only_to_full_readers(client, personas, shared_records):
    """A summary reader of a referral sees none of its chronology, actions or
    episodes through the API: Health holds a summary share of KCC's referral."""
    _, records = shared_records
    kcc_maidstone = next(r for r in records if r.owning_agency.code == "kcc" and r.child.district.code == "maidstone")
    services.chronology_add(
        referral=kcc_maidstone,
        recorded_by=personas["kcc.caseworker"],
        occurred_at=kcc_maidstone.received_at,
        kind="note",
        summary="A note for full readers only",
    )
    client.force_login(personas["health.practitioner"])
    assert client.get(f"/api/referrals/{kcc_maidstone.pk}/").status_code == 200
    listed = client.get(f"/api/chronology-entries/?referral={kcc_maidstone.pk}").json()
    assert listed["results"] == []
    client.force_login(personas["kcc.supervisor"])
    listed = client.get(f"/api/chronology-entries/?referral={kcc_maidstone.pk}").json()
    assert [row["summary"] for row in listed["results"]] == ["A note for full readers only"]


def test_roles_without_case_access_get_404_on_every_casework_page_and_keep_their_oversight_pages(
    client, personas, shared_records
):
    """Finding 7: the DPO, the administrator and the trainer are Kent Police
    staff outside the CSE team; the owning-agency rule gave them change on every
    Kent Police referral (the DPO added a chronology entry through the API)."""
    spec, records = shared_records
    police = [record for record in records if record.owning_agency.code == "kent-police"]
    for record in records:
        record.on_case = record_on_case(record, personas[RECORDER[record.owning_agency.code]])
    failures = []
    for username in sorted(NO_CASE_ACCESS):
        client.force_login(personas[username])
        listed = client.get(spec.list_url).content.decode()
        api_ids = {row["id"] for row in client.get(spec.api_list_url).json()["results"]}
        if client.get("/api/children/").json()["results"]:
            failures.append(f"{username}: children API lists children")
        for record in records:
            pages = {
                "referral page": spec.detail_url(record),
                "referral API": spec.api_detail_url(record),
                "share": reverse("sharing:share_create", args=["referrals.referral", record.pk]),
                **{page: url for page, (url, _) in referral_pages(record).items()},
            }
            for page, url in pages.items():
                status = client.get(url).status_code
                if status != 404:
                    failures.append(f"{username} -> {record} {page}: {status}")
            if record.reference in listed or record.pk in api_ids:
                failures.append(f"{username} -> {record}: listed")
            if record.reference in client.get(spec.search_url(record)).content.decode():
                failures.append(f"{username} -> {record}: found by search")
        # Writing is refused too: the DPO added a chronology entry through the API.
        response = client.post(
            "/api/chronology-entries/",
            {"referral": police[0].pk, "occurred_at": timezone.now().isoformat(), "kind": "note", "summary": "x"},
            content_type="application/json",
        )
        if response.status_code not in (400, 404):
            failures.append(f"{username}: chronology entry API answered {response.status_code}")
    assert failures == []
    assert not police[0].chronology.filter(summary="x", recorded_by__username__in=NO_CASE_ACCESS).exists()

    for username in OVERSIGHT:
        client.force_login(personas[username])
        assert client.get(reverse("audit:accessevent_list")).status_code == 200
        assert client.get(reverse("sharing:protocol_in_force")).status_code == 200
        for record in records:
            for name in ("sharing:record_audience", "sharing:record_viewers"):
                response = client.get(reverse(name, args=["referrals.referral", record.pk]))
                assert response.status_code == 200, (username, record, name)
                assert record.concern_summary not in response.content.decode()


# --- canaries (issue #8, item 2) ------------------------------------------------------


def referral_canary_spec():
    from referrals.filters import ReferralFilterSet
    from referrals.views.referrals import SORTS

    return CanarySpec(
        filterset=ReferralFilterSet,
        filter_values={
            "lead": lambda record: "me",
            "overdue": lambda record: "on",
            "needs_linking": lambda r: "on",
            # The home page's queues (referrals/queues.py).
            "recorded_by": lambda r: "me",
            "assessment": lambda r: "awaiting",
            "shared": lambda r: "me",
            "agency": lambda r: "mine",
            # The dashboard's drill-down (docs/isp.md, "Drilling down"): a day either side of the
            # record's date, so that the form echoing the date typed is not taken for the canary.
            "received_from": lambda record: str(timezone.localtime(record.received_at).date() - datetime.timedelta(1)),
            "received_to": lambda record: str(timezone.localtime(record.received_at).date() + datetime.timedelta(1)),
        },
        filter_reads={
            "lead": ("lead_professional",),
            "overdue": ("review_due",),
            "needs_linking": ("needs_linking",),
            "recorded_by": ("created_by",),
            "agency": ("owning_agency",),
            "assessment": ("assessments",),
            # Which shares reach the reader is not a field of the record: a summary row may match.
            "shared": ("id",),
            "received_from": ("received_at",),
            "received_to": ("received_at",),
        },
        sorts=dict(SORTS),
        export_urls=(reverse("audit:accessevent_export"),),
        other_pages=lambda record: [
            reverse("sharing:share_create", args=["referrals.referral", record.pk]),
            reverse("sharing:record_explanation", args=["referrals.referral", record.pk]),
            reverse("referrals:referral_print", args=[record.pk]),
        ],
        other_api_urls=lambda record: [f"/api/children/{record.child_id}/"],
    )


@pytest.fixture
def canaried_records(shared_records, monkeypatch):
    """The matrix's referrals with canaries planted, each from a source agency,
    and the list offering a sort by creation time (a non-summary field), which
    must list only the rows seen in full."""
    from referrals.models import Referral
    from referrals.views import referrals as referral_views

    spec, records = shared_records
    Referral.objects.filter(pk__in=[record.pk for record in records]).update(
        source_agency=Agency.objects.get(code="kent-police")
    )
    records, planted = plant_canaries(records)
    monkeypatch.setitem(referral_views.SORTS, "created", ("-created_at", "-id"))
    return spec, records, planted


def test_no_summary_reader_finds_a_canary_anywhere(client, personas, canaried_records):
    """Every non-summary field of every referral and its child holds a canary;
    no persona who sees a referral at summary (or not at all) meets one, in
    any page, format, search, filter, sort, cursor or export."""
    spec, records, planted = canaried_records
    assert all(canaries.texts and canaries.dates for canaries in planted.values())
    checks, failures = run_canaries(client, personas, spec, referral_canary_spec(), records, planted)
    assert failures == [], "\n".join(failures)
    assert checks >= 80


def test_the_canaries_catch_a_planted_leak(client, personas, canaried_records, monkeypatch):
    """A page and a serializer that show fields above the level, a filter and
    a sort that ignore the level: the harness must report each."""
    from rest_framework.serializers import ModelSerializer

    from sharing import api, field_levels, presentation

    spec, records, planted = canaried_records
    health = {"health.practitioner": personas["health.practitioner"]}
    monkeypatch.setattr(presentation.ShownRecord, "_allowed", lambda self, name: True)
    monkeypatch.setattr(field_levels, "reads_above_summary", lambda model, path: False)
    monkeypatch.setattr(api.LevelAwareSerializer, "to_representation", ModelSerializer.to_representation)
    _, failures = run_canaries(client, health, spec, referral_canary_spec(), records, planted)
    assert any("the page shows canaries" in failure for failure in failures)
    assert any("/api/children/" in failure and "canaries" in failure for failure in failures)
    assert any("/print/" in failure and "canaries" in failure for failure in failures)
    assert any("filtered on source_agency" in failure and "lists a summary row" in failure for failure in failures)
    assert any("sorted created" in failure and "lists a summary row" in failure for failure in failures)
    assert any("sorted created" in failure and "canaries" in failure for failure in failures)


# Routes that take a POST only: (url, body, level needed). Below the level the
# answer is 404 (or 403 where the record is seen, at summary, and the service
# refuses); without access it is always a 404. What a permitted POST does is
# each feature's own tests' business.
def referral_posts(record) -> dict[str, tuple[str, dict, str]]:
    pk, on_case = record.pk, record.on_case
    assessment, instrument = on_case["assessment"].pk, on_case["assessment"].instrument_id
    return {
        "assessment level": (reverse("referrals:assessment_level", args=[pk, instrument]), {}, "change"),
        "assessment decision": (reverse("referrals:assessment_decide", args=[pk, assessment]), {}, "full"),
        "workflow API": (f"/api/referrals/{pk}/workflow/triage/", {"note": "Matrix triage"}, "full"),
        "assessment approval API": (f"/api/assessments/{assessment}/approve/", {}, "full"),
        "assessment return API": (f"/api/assessments/{assessment}/return/", {}, "full"),
        "action done API": (f"/api/actions/{on_case['action'].pk}/done/", {}, "full"),
    }


# One persona of each kind of access (owner, CSE team, children's services by
# district, agency share at summary, share to a named person, none): POSTs are
# slow, and the page matrix above already walks every persona.
POST_PERSONAS = ("kent-police.caseworker", "kcc.caseworker", "medway.supervisor", "health.practitioner",
                 "early-help.practitioner", "dpo")  # fmt: skip


@pytest.mark.timeout(900)
def test_every_post_about_a_referral_is_refused_below_the_level_it_needs(client, personas, shared_records):
    _, records = shared_records
    checked = {username: personas[username] for username in POST_PERSONAS}
    for record in records:
        record.on_case = record_on_case(record, personas[RECORDER[record.owning_agency.code]])
    kind = records[0]._meta.label_lower
    rules, grants = reference_rules(kind), reference_grants(kind)
    failures = []
    for username, user in checked.items():
        person = ref.Person(user_id=user.pk, agency=user.agency.code, is_cse_team_member=user.is_cse_team_member)
        client.force_login(user)
        for record in records:
            subject = ref.Record(
                record_id=record.pk, owner=record.owning_agency.code,
                authority=record.child.district.childrens_services.code,
            )  # fmt: skip
            level = ref.expected_level(person, subject, rules, grants)
            for name, (url, body, needed) in referral_posts(record).items():
                extra = {"content_type": "application/json"} if url.startswith("/api/") else {}
                status = client.post(url, body, **extra).status_code
                below = level is None or ref.RANK[level] < ref.RANK[needed]
                if status >= 500 or (level is None and status != 404) or (below and status not in (403, 404)):
                    failures.append(f"{username} -> {record} {name} (level {level}, needs {needed}): {status}")
    assert failures == [], "\n".join(failures)


# --- every route is in the matrix or holds no personal data ---------------------------

# Routes that show or take no personal data, and why.
NO_PERSONAL_DATA = {
    "home": "links to the pages; no record data",
    "healthz": "liveness probe",
    "accounts:login": "the sign-in form",
    "accounts:logout": "signs out",
    "sharing:protocol_in_force": "the protocol's rules and signatory agencies",
    "sharing:protocol_detail": "a protocol version and its preview counts",
    "sharing:protocol_progress": "progress counts of a protocol change",
    "referrals:referral_new": "the child search form: offers only children the user sees in full (test_referral_views)",
    "referrals:referral_new_details": "the new referral form (test_referral_views)",
    "api_schema": "the OpenAPI document",
    "api_docs": "Swagger UI",
    "api:instrument-list": "risk assessment instruments: reference data",
    "api:instrument-detail": "risk assessment instruments: reference data",
}
# Routes with personal data checked by other matrices, named here.
CHECKED_ELSEWHERE = {
    "audit:accessevent_list": "the access log: DPO and administrators only (tests/audit/test_access_log_views.py)",
    "audit:accessevent_export": "the access log as CSV: same (tests/audit); in the canary export checks above",
    "sharing:record_audience": "oversight pages: owning agency supervisors, DPO, admin (tests/sharing/test_views.py)",
    "sharing:record_viewers": "oversight pages: as record_audience (tests/sharing/test_views.py)",
    "sharing:share_revoke": "the sharing agency only, else 404 (tests/sharing/test_views.py)",
    "api:riskassessment-list": "dependants listed to full readers only (test above)",
    "api:chronologyentry-list": "dependants listed to full readers only (test above)",
    "api:action-list": "dependants listed to full readers only",
    "api:missingepisode-list": "dependants listed to full readers only",
    "api:child-list": "children of visible referrals only (tests/referrals/test_api.py)",
    # Registered only with CSE_TEST_APPS (the test-only case file).
    "api:casefile-api-list": "the test case file's own matrix and canaries (tests/sharing/test_matrix.py)",
    "api:casefile-api-detail": "the test case file's own matrix and canaries (tests/sharing/test_matrix.py)",
}


def test_every_route_with_personal_data_is_in_the_matrix(personas, shared_records):
    """A new page or endpoint must be added to the matrix above (or named as
    holding no personal data, with the reason), or this test fails."""
    from django.contrib import admin
    from django.urls import resolve

    from sharing import registry

    spec, records = shared_records
    record = records[0]
    record.on_case = record_on_case(record, personas[RECORDER[record.owning_agency.code]])
    urls = [
        spec.detail_url(record), spec.list_url, spec.api_list_url, spec.api_detail_url(record), spec.search_url(record),
        *(url for url, _ in referral_pages(record).values()),
        *(url for url, _, _ in referral_posts(record).values()),
    ]  # fmt: skip
    in_matrix = {resolve(url.split("?")[0]).view_name for url in urls}
    routes = {route for route in project_routes() if not route.startswith("admin:")}
    # Other apps claim their own routes (tests/<app>/route_claims.py).
    declared = set(NO_PERSONAL_DATA) | set(CHECKED_ELSEWHERE) | set(other_apps_claims("referrals"))
    undeclared = routes - in_matrix - declared
    assert undeclared == set()
    test_only = {route for route in CHECKED_ELSEWHERE if route.startswith("api:casefile")}
    assert not (set(NO_PERSONAL_DATA) | set(CHECKED_ELSEWHERE)) - routes - test_only, "a declared route is gone"
    # The admin site is for administrators; no record with levels is in it.
    models_with_levels = {kind.model for kind in registry.kinds()} | {d.model for d in registry._derived.values()}
    assert not models_with_levels & set(admin.site._registry)
