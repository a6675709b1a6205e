"""The permission matrix for the test-only case file: every persona, every
page and endpoint, against the reference model."""

import pytest
from django.urls import reverse

from sharing import services
from tests.sharing.harness import (
    NO_CASE_ACCESS,
    CanarySpec,
    MatrixSpec,
    casework_personas,
    make_records,
    plant_canaries,
    run_canaries,
    run_matrix,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.isp_testapp.urls")]


def case_file_spec(case_file) -> MatrixSpec:
    return MatrixSpec(
        make_record=lambda owner, district: case_file(owner, district, reference=f"M-{owner}-{district}"),
        detail_url=lambda record: reverse("casefile_detail", args=[record.pk]),
        list_url=reverse("casefile_list"),
        api_list_url="/api/case-files/",
        api_detail_url=lambda record: f"/api/case-files/{record.pk}/",
        summary_text=lambda record: record.reference,
        full_text=lambda record: record.concern,
        full_only_api_field="concern",
        search_url=lambda record: f"{reverse('casefile_list')}?q={record.subject_name}",
    )


def test_every_persona_sees_exactly_what_the_protocol_and_shares_allow(
    client, personas, protocol, case_file, agency, basis
):
    spec = case_file_spec(case_file)
    records = make_records(spec)
    by_reference = {record.reference: record for record in records}
    services.share_record(
        shared_by=personas["kcc.caseworker"],
        record=by_reference["M-kcc-maidstone"],
        recipient_agency=agency("health"),
        level="summary",
        purpose="Nurse involved",
        lawful_basis=basis("gdpr-public-task-safeguarding"),
    )
    services.share_record(
        shared_by=personas["kent-police.caseworker"],
        record=by_reference["M-kent-police-medway"],
        recipient_user=personas["early-help.practitioner"],
        level="full",
        purpose="Family support",
        lawful_basis=basis("dpa3-sch8-para4"),
    )
    revoked = services.share_record(
        shared_by=personas["medway.caseworker"],
        record=by_reference["M-medway-medway"],
        recipient_agency=agency("health"),
        level="full",
        purpose="Briefly involved",
        lawful_basis=basis("gdpr-public-task-safeguarding"),
    )
    services.revoke_share(share=revoked, revoked_by=personas["medway.caseworker"], reason="No longer involved")

    # The harness gives its people no roles: it checks the casework personas;
    # the others are checked below.
    casework = casework_personas(personas)
    checks, failures = run_matrix(client, casework, spec, records)

    assert failures == []
    assert checks == len(casework) * len(records) * 5


def test_roles_without_case_access_are_refused_every_case_file_page_and_endpoint(
    client, personas, protocol, case_file, agency, basis
):
    """Finding 7: Kent Police staff without a casework role (the DPO, the
    administrator, the trainer) see no Kent Police record, nor one shared with
    Kent Police; the DPO and the administrator still oversee who can see each."""
    spec = case_file_spec(case_file)
    records = make_records(spec)
    services.share_record(
        shared_by=personas["kcc.caseworker"],
        record=next(record for record in records if record.reference == "M-kcc-maidstone"),
        recipient_agency=agency("kent-police"),
        level="full",
        purpose="Police investigation",
        lawful_basis=basis("gdpr-public-task-safeguarding"),
    )
    failures = []
    for username in sorted(NO_CASE_ACCESS):
        client.force_login(personas[username])
        listed = client.get(spec.list_url).content.decode()
        api_ids = {row["id"] for row in client.get(spec.api_list_url).json()["results"]}
        for record in records:
            for page, url in (("page", spec.detail_url(record)), ("API", spec.api_detail_url(record))):
                if (status := client.get(url).status_code) != 404:
                    failures.append(f"{username} -> {record} {page}: {status}")
            if record.reference in listed or record.pk in api_ids:
                failures.append(f"{username} -> {record}: listed")
            if record.reference in client.get(spec.search_url(record)).content.decode():
                failures.append(f"{username} -> {record}: found by search")
    assert failures == []
    for username in ("dpo", "admin"):
        client.force_login(personas[username])
        for record in records:
            response = client.get(reverse("sharing:record_audience", args=["isp_testapp.casefile", record.pk]))
            assert response.status_code == 200, (username, record)
            assert record.concern not in response.content.decode()


def test_the_matrix_catches_a_leak(client, personas, protocol, case_file):
    """The harness must fail when a page shows what it should not: simulate a
    leak by giving Health a grant the reference model does not know about."""
    spec = case_file_spec(case_file)
    records = make_records(spec)
    leaked = records[0]
    from sharing.registry import for_model

    kind = for_model(type(leaked))
    kind.group_permission_model.objects.create(
        content_object=leaked,
        group=personas["health.practitioner"].agency.group,
        permission_id=kind.permission_ids(["full"])[0],
    )
    _, failures = run_matrix(client, {"health.practitioner": personas["health.practitioner"]}, spec, records)
    assert any(str(leaked) in failure and "page answered 200" in failure for failure in failures)


def test_no_summary_reader_finds_a_canary_in_a_case_file(client, personas, protocol, case_file, agency, basis):
    """The canary check for the second record kind: its concern and creation
    time hold canaries that no summary reader (Health, by a share) meets."""
    spec = case_file_spec(case_file)
    records = make_records(spec)
    shared = next(record for record in records if record.reference == "M-kcc-maidstone")
    services.share_record(
        shared_by=personas["kcc.caseworker"],
        record=shared,
        recipient_agency=agency("health"),
        level="summary",
        purpose="Nurse involved",
        lawful_basis=basis("gdpr-public-task-safeguarding"),
    )
    records, planted = plant_canaries(records)
    checks, failures = run_canaries(client, personas, spec, CanarySpec(), records, planted)
    assert failures == [], "\n".join(failures)
    assert checks >= 20
