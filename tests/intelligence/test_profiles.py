"""Problem profiles: drafting, the workflow and who may take each step, the
snapshot frozen on approval, dissemination as recorded shares, the PDF, the
link to Community Safety Plan priorities, and the permission matrix."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, District
from audit.models import AccessEvent
from intelligence import services
from intelligence.models import in_intelligence_unit
from intelligence.models.profiles import ProblemProfile, ProfileStatus
from sharing.models import LawfulBasis, Share
from sharing.refusals import StepNotAllowed
from tests.intelligence.test_services import make_report
from tests.route_claims import assert_claims_exercised
from tests.sharing import reference_model as ref
from tests.sharing.harness import (
    CanarySpec,
    MatrixSpec,
    casework_personas,
    make_records,
    plant_canaries,
    run_canaries,
    run_matrix,
)
from tests.training.factories import PlanPriorityFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR_AGO = TODAY - datetime.timedelta(days=365)


@pytest.fixture
def analyst(personas):
    return personas["kent-police.analyst"]


@pytest.fixture
def approver(personas):
    return personas["kent-police.supervisor"]


def draft(analyst, **overrides):
    arguments = {"author": analyst, "title": "CSE in Maidstone's night-time economy", "period_start": YEAR_AGO,
                 "period_end": TODAY, "district": District.objects.get(code="maidstone"),
                 "assessment": "Hotels and takeaways recur.", "recommendations": "Hotel visits"}  # fmt: skip
    return services.profile_create(**{**arguments, **overrides})


def approved(analyst, approver, **overrides):
    profile = services.profile_submit(profile=draft(analyst, **overrides), submitted_by=analyst)
    return services.profile_approve(profile=profile, approved_by=approver)


def test_a_profile_needs_a_title_and_a_period_in_order(analyst, protocol):
    with pytest.raises(ValidationError) as refused:
        draft(analyst, title=" ", period_start=TODAY, period_end=YEAR_AGO)
    assert set(refused.value.message_dict) == {"title", "period_end"}
    assert ProblemProfile.objects.count() == 0


def test_only_the_unit_drafts_and_a_supervisor_other_than_the_author_approves(analyst, approver, personas, protocol):
    with pytest.raises(StepNotAllowed):
        draft(personas["kcc.caseworker"])
    profile = draft(analyst)
    with pytest.raises(StepNotAllowed) as refused:
        services.profile_approve(profile=profile, approved_by=approver)
    assert refused.value.reason == "status", "QA comes first"
    profile = services.profile_submit(profile=profile, submitted_by=analyst)
    with pytest.raises(StepNotAllowed) as refused:
        services.profile_approve(profile=profile, approved_by=analyst)
    assert refused.value.reason == "role"
    profile = services.profile_return(profile=profile, returned_by=approver)
    assert profile.status == ProfileStatus.DRAFT


def test_the_snapshot_is_frozen_on_approval(unit, analyst, approver, protocol):
    report = make_report(unit, district=District.objects.get(code="maidstone"))
    services.location_link(report=report, linked_by=unit, name="The Test Hotel", kind="hotel")
    make_report(unit, district=District.objects.get(code="maidstone"), handling_code="4", scheme="5x5x5",
                source_evaluation="B", intelligence_assessment="2")  # never in a profile for partners  # fmt: skip
    profile = approved(analyst, approver)
    assert profile.snapshot["reports"] == 1
    assert profile.snapshot["hotspots"] == [{"name": "The Test Hotel", "kind": "Hotel", "reports": 1}]
    later = make_report(unit, district=District.objects.get(code="maidstone"))
    services.location_link(report=later, linked_by=unit, name="The Test Hotel", kind="hotel")
    profile.refresh_from_db()
    assert profile.snapshot["reports"] == 1, "later intelligence does not change an approved profile"
    with pytest.raises(StepNotAllowed):
        services.profile_update(profile=profile, changed_by=analyst, expected_version=profile.version, title="New")


def test_a_newer_approved_profile_supersedes_the_last_one_of_the_area(analyst, approver, protocol):
    first = approved(analyst, approver)
    second = approved(analyst, approver)
    first.refresh_from_db()
    assert (first.status, first.superseded_by) == (ProfileStatus.SUPERSEDED, second)
    county = approved(analyst, approver, district=None)
    second.refresh_from_db()
    assert second.status == ProfileStatus.APPROVED and county.status == ProfileStatus.APPROVED


def test_dissemination_is_a_recorded_share_to_each_agency(client, analyst, approver, personas, protocol):
    profile = approved(analyst, approver)
    basis = LawfulBasis.objects.get(code="dpa3-sch8-para4")
    with pytest.raises(ValidationError):
        services.profile_disseminate(profile=profile, disseminated_by=analyst, agencies=[], purpose="CSP plan",
                                     lawful_basis=basis)  # fmt: skip
    profile = services.profile_disseminate(
        profile=profile, disseminated_by=analyst, agencies=Agency.objects.filter(code__in=["kcc", "medway"]),
        purpose="To inform the Maidstone Community Safety Partnership", lawful_basis=basis,
        conditions="Not to be published",
    )  # fmt: skip
    shares = Share.objects.filter(record_kind="intelligence.problemprofile", record_id=profile.pk)
    assert {share.recipient_agency.code for share in shares} == {"kcc", "medway"}
    assert {(share.purpose, share.lawful_basis_id, share.conditions) for share in shares} == {
        ("To inform the Maidstone Community Safety Partnership", basis.pk, "Not to be published")
    }
    assert profile.status == ProfileStatus.DISSEMINATED
    client.force_login(personas["kcc.caseworker"])
    page = client.get(profile.get_absolute_url()).content.decode()
    assert "Hotels and takeaways recur." in page
    pdf = client.get(reverse("intelligence:profile_pdf", args=[profile.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    assert AccessEvent.objects.filter(user=personas["kcc.caseworker"], action=AccessEvent.Action.EXPORT,
                                      record_kind="intelligence.problemprofile").exists()  # fmt: skip
    client.force_login(personas["health.practitioner"])
    assert client.get(profile.get_absolute_url()).status_code == 404
    assert client.get(reverse("intelligence:profile_pdf", args=[profile.pk])).status_code == 404


def test_a_draft_has_no_pdf(client, analyst, protocol):
    profile = draft(analyst)
    client.force_login(analyst)
    assert client.get(reverse("intelligence:profile_pdf", args=[profile.pk])).status_code == 404


def test_profiles_link_the_areas_plan_priorities(client, analyst, protocol):
    mine = PlanPriorityFactory(title="Hotels and the night-time economy")
    elsewhere = PlanPriorityFactory(plan__districts=("thanet",), title="Seafront arcades")
    with pytest.raises(ValidationError) as refused:
        draft(analyst, plan_priority_ids=[elsewhere.pk])
    assert "plan_priority_ids" in refused.value.message_dict
    profile = draft(analyst, plan_priority_ids=[mine.pk])
    client.force_login(analyst)
    page = client.get(profile.get_absolute_url()).content.decode()
    assert mine.get_absolute_url() in page and "Seafront" not in page
    form = client.get(reverse("intelligence:profile_edit", args=[profile.pk])).content.decode()
    assert "Hotels and the night-time economy" in form and "Seafront arcades" not in form


def test_the_pages_draft_edit_and_take_steps(client, analyst, approver, protocol):
    client.force_login(analyst)
    bad = client.post(reverse("intelligence:profile_new"), {"title": "", "period_start": YEAR_AGO.isoformat(),
                                                            "period_end": TODAY.isoformat()})  # fmt: skip
    assert bad.status_code == 200 and "Enter a title" in bad.content.decode()
    made = client.post(reverse("intelligence:profile_new"), {"title": "County profile", "period_start":
                       YEAR_AGO.isoformat(), "period_end": TODAY.isoformat(), "assessment": "Networks"})  # fmt: skip
    profile = ProblemProfile.objects.get()
    assert made.status_code == 302 and profile.district is None
    stale = client.post(reverse("intelligence:profile_edit", args=[profile.pk]),
                        {"title": "Renamed", "assessment": "Networks", "version": profile.version + 5})  # fmt: skip
    assert stale.status_code == 409
    edited = client.post(reverse("intelligence:profile_edit", args=[profile.pk]),
                         {"title": "Renamed", "assessment": "Networks", "version": profile.version})  # fmt: skip
    assert edited.status_code == 302
    assert client.post(reverse("intelligence:profile_step", args=[profile.pk, "submit"])).status_code == 302
    client.force_login(approver)
    assert client.post(reverse("intelligence:profile_step", args=[profile.pk, "approve"])).status_code == 302
    profile.refresh_from_db()
    assert (profile.title, profile.status) == ("Renamed", ProfileStatus.APPROVED)
    answer = client.post(reverse("intelligence:profile_step", args=[profile.pk, "disseminate"]), {"purpose": "CSP"})
    assert answer.status_code == 200 and "Choose the agencies" in answer.content.decode()


# --- the permission matrix -----------------------------------------------------------------


@pytest.fixture
def profiles(personas, protocol, monkeypatch):
    unit_ids = {user.pk for user in personas.values() if in_intelligence_unit(user)}
    monkeypatch.setitem(
        ref.CONDITIONS, "intelligence_unit", lambda person, record, recipient: person.user_id in unit_ids
    )
    analyst, approver = personas["kent-police.analyst"], personas["kent-police.supervisor"]

    def make_record(owner, district):
        return draft(analyst, title=f"Matrix profile {owner} {district}", district=District.objects.get(code=district),
                     assessment=f"Assessment for full readers only: {owner} {district}")  # fmt: skip

    spec = MatrixSpec(
        make_record=make_record,
        detail_url=lambda record: reverse("intelligence:profile_detail", args=[record.pk]),
        list_url=reverse("intelligence:profile_list"),
        api_list_url="/api/intelligence/profiles/?page_size=100",
        api_detail_url=lambda record: f"/api/intelligence/profiles/{record.pk}/",
        summary_text=lambda record: record.reference,
        full_text=lambda record: record.assessment,
        full_only_api_field="assessment",
        authority=lambda record: "none",
    )
    records = make_records(spec)
    basis = LawfulBasis.objects.get(code="dpa3-sch8-para4")
    for record, agency, level in ((records[0], "kcc", "full"), (records[1], "health", "summary")):
        services.profile_submit(profile=record, submitted_by=analyst)
        services.profile_approve(profile=record, approved_by=approver)
        from sharing.services import share_record

        share_record(shared_by=analyst, record=record, recipient_agency=Agency.objects.get(code=agency), level=level,
                     purpose="Community safety planning", lawful_basis=basis)  # fmt: skip
    return spec, [ProblemProfile.objects.get(pk=record.pk) for record in records]


def test_every_persona_sees_exactly_the_profiles_the_protocol_and_shares_allow(client, personas, profiles):
    spec, records = profiles
    checks, failures = run_matrix(client, casework_personas(personas), spec, records)
    assert failures == []
    assert checks > 0


@pytest.mark.timeout(900)
def test_no_summary_reader_finds_a_profile_canary_anywhere(client, personas, profiles):
    spec, records = profiles
    records, planted = plant_canaries(records)
    canary_spec = CanarySpec(other_pages=lambda record: [
        reverse("intelligence:profile_pdf", args=[record.pk]),
        reverse("sharing:record_explanation", args=["intelligence.problemprofile", record.pk]),
    ])  # fmt: skip
    checks, failures = run_canaries(client, casework_personas(personas), spec, canary_spec, records, planted)
    assert failures == [], "\n".join(failures)
    assert checks > 0


def test_pages_under_a_profile_answer_only_the_unit_and_full_readers(client, personas, profiles):
    _, records = profiles
    failures = []
    for username, user in personas.items():
        client.force_login(user)
        edit = client.get(reverse("intelligence:profile_edit", args=[records[2].pk])).status_code
        step = client.get(reverse("intelligence:profile_step", args=[records[2].pk, "submit"])).status_code
        pdf = client.get(reverse("intelligence:profile_pdf", args=[records[1].pk])).status_code
        review = client.get(reverse("intelligence:profile_review", args=[records[0].pk])).status_code
        unit = in_intelligence_unit(user)
        if (edit == 200) != unit or (step == 200) != unit or edit not in (200, 404):
            failures.append(f"{username}: edit {edit} step {step}")
        if (review == 200) != unit or review not in (200, 403, 404):
            failures.append(f"{username}: review {review}")
        if (pdf == 200) != unit:  # records[1] is shared with Health at summary: no PDF
            failures.append(f"{username}: pdf {pdf}")
    assert failures == []


def test_api_writes_answer_only_the_unit_and_change_nothing_for_anyone_else(client, personas, profiles):
    """PATCH, a workflow step and a review through the API: a reader the
    profile was disseminated to is refused (403), anyone else finds nothing (404)."""
    _, records = profiles
    failures = []
    for username, user in personas.items():
        if in_intelligence_unit(user):
            continue
        client.force_login(user)
        for record in records:
            url = f"/api/intelligence/profiles/{record.pk}/"
            expected = 403 if client.get(url).status_code == 200 else 404
            answers = (
                client.patch(url, {"version": 1, "title": "Changed"}, content_type="application/json").status_code,
                client.post(f"{url}workflow/submit/", {}, content_type="application/json").status_code,
                client.post(f"{url}review/", {"decision": "dispose", "rationale": "Not ours"},
                            content_type="application/json").status_code,
            )  # fmt: skip
            if answers != (expected,) * 3:
                failures.append(f"{username} -> {record}: {answers}, expected {expected}")
    assert failures == []
    assert not ProblemProfile.objects.filter(title="Changed").exists()
    assert not ProblemProfile.objects.filter(retention_status="disposed").exists()


def test_the_profile_matrix_exercises_the_routes_it_claims(profiles):
    _, records = profiles
    pk = records[0].pk
    urls = [
        reverse("intelligence:profile_list"), reverse("intelligence:profile_detail", args=[pk]),
        reverse("intelligence:profile_edit", args=[pk]), reverse("intelligence:profile_step", args=[pk, "submit"]),
        reverse("intelligence:profile_pdf", args=[pk]), reverse("intelligence:profile_review", args=[pk]),
        "/api/intelligence/profiles/", f"/api/intelligence/profiles/{pk}/",
        f"/api/intelligence/profiles/{pk}/workflow/submit/", f"/api/intelligence/profiles/{pk}/review/",
    ]  # fmt: skip
    assert_claims_exercised("intelligence", urls, prefix="the problem profile matrix")
