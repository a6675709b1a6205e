"""The permission matrix and canaries for disruptions (CAWNs and the rest):
the intelligence unit sees them with change; partners only what is shared
with them, at the level shared; a summary reader never learns a full-level
field (details, dates served and expiring, breach, withdrawal) by any route."""

import pytest
from django.urls import reverse

from accounts.models import Agency, District
from intelligence.models import in_intelligence_unit
from intelligence.models.disruptions import DisruptionKind
from sharing import services as sharing_services
from sharing.models import LawfulBasis
from tests.intelligence.factories import DisruptionFactory
from tests.intelligence.test_matrix import UNIT
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

pytestmark = pytest.mark.django_db

KINDS = [kind for kind in DisruptionKind.values if kind != DisruptionKind.CAWN]


def disruption_spec(personas) -> MatrixSpec:
    unit = personas[UNIT]
    made = []

    def make_record(owner, district):
        made.append(owner)
        return DisruptionFactory(
            officer=unit,
            kind=KINDS[len(made) % len(KINDS)],
            district=District.objects.get(code=district),
            details=f"Disruption details, for full readers only: {owner} {district}",
        )

    return MatrixSpec(
        make_record=make_record,
        detail_url=lambda record: reverse("intelligence:disruption_detail", args=[record.pk]),
        list_url=reverse("intelligence:disruption_list"),
        api_list_url="/api/intelligence/disruptions/?page_size=100",
        api_detail_url=lambda record: f"/api/intelligence/disruptions/{record.pk}/",
        summary_text=lambda record: record.reference,
        full_text=lambda record: record.details,
        full_only_api_field="details",
        authority=lambda record: "none",
    )


def share(unit, record, *, agency=None, user=None, level="full"):
    return sharing_services.share_record(
        shared_by=unit, record=record, recipient_agency=Agency.objects.get(code=agency) if agency else None,
        recipient_user=user, level=level, purpose="Disrupting those who exploit the child",
        lawful_basis=LawfulBasis.objects.get(code="dpa3-sch8-para4"),
    )  # fmt: skip


@pytest.fixture
def disruptions(personas, protocol, monkeypatch):
    unit_ids = {user.pk for user in personas.values() if in_intelligence_unit(user)}
    monkeypatch.setitem(
        ref.CONDITIONS, "intelligence_unit", lambda person, record, recipient: person.user_id in unit_ids
    )
    spec = disruption_spec(personas)
    records = make_records(spec)
    unit = personas[UNIT]
    share(unit, records[0], agency="health")
    share(unit, records[1], agency="kcc", level="summary")
    share(unit, records[2], user=personas["medway.caseworker"])
    revoked = share(unit, records[3], agency="early-help")
    sharing_services.revoke_share(share=revoked, revoked_by=unit, reason="No longer needed")
    return spec, records


def test_every_persona_sees_exactly_the_disruptions_the_protocol_and_shares_allow(client, personas, disruptions):
    spec, records = disruptions
    checks, failures = run_matrix(client, casework_personas(personas), spec, records)
    assert failures == []
    assert checks == len(casework_personas(personas)) * len(records) * 4


@pytest.mark.timeout(900)
def test_no_summary_reader_finds_a_disruption_canary_anywhere(client, personas, disruptions):
    spec, records = disruptions
    records, planted = plant_canaries(records)
    canary_spec = CanarySpec(
        other_pages=lambda record: [
            reverse("sharing:share_create", args=["intelligence.disruption", record.pk]),
            reverse("sharing:record_explanation", args=["intelligence.disruption", record.pk]),
            f"{reverse('intelligence:disruption_list')}?kind={record.kind}&status={record.status}",
        ],
    )
    checks, failures = run_canaries(client, casework_personas(personas), spec, canary_spec, records, planted)
    assert failures == [], "\n".join(failures)
    assert checks >= 20


def test_workflow_edit_and_review_pages_answer_only_the_unit(client, personas, disruptions):
    _, records = disruptions
    failures = []
    for username, user in personas.items():
        client.force_login(user)
        for record in records[:4]:
            for step in ("withdraw", "authorise"):
                status = client.get(reverse("intelligence:disruption_step", args=[record.pk, step])).status_code
                if (status == 200) != in_intelligence_unit(user) or status not in (200, 404):
                    failures.append(f"{username} -> {record} {step}: {status}")
            for name in ("disruption_edit", "disruption_review"):
                status = client.get(reverse(f"intelligence:{name}", args=[record.pk])).status_code
                if (status == 200) != in_intelligence_unit(user) or status not in (200, 403, 404):
                    failures.append(f"{username} -> {record} {name}: {status}")
    assert failures == []


def test_api_writes_answer_only_the_unit_and_change_nothing_for_anyone_else(client, personas, disruptions):
    """PATCH and a review through the API: the unit may; a reader the record
    was shared with is refused (403), anyone else finds nothing (404)."""
    _, records = disruptions
    failures = []
    for username, user in personas.items():
        if in_intelligence_unit(user):
            continue
        client.force_login(user)
        for record in records:
            seen = client.get(f"/api/intelligence/disruptions/{record.pk}/").status_code == 200
            expected = 403 if seen else 404
            edit = client.patch(f"/api/intelligence/disruptions/{record.pk}/", {"version": 1, "details": "Changed"},
                                content_type="application/json").status_code  # fmt: skip
            review = client.post(f"/api/intelligence/disruptions/{record.pk}/review/",
                                 {"decision": "dispose", "rationale": "Not ours"},
                                 content_type="application/json").status_code  # fmt: skip
            if (edit, review) != (expected, expected):
                failures.append(f"{username} -> {record}: edit {edit} review {review}, expected {expected}")
    assert failures == []
    assert all(record.version == 1 and record.retention_status == "active" for record in
               type(records[0]).objects.filter(pk__in=[record.pk for record in records]))  # fmt: skip
    client.force_login(personas[UNIT])
    edited = client.patch(f"/api/intelligence/disruptions/{records[0].pk}/", {"version": 1, "details": "Changed"},
                          content_type="application/json")  # fmt: skip
    # The unit passes the access checks; the matrix's records name no one, which an edit must put right.
    assert edited.status_code == 400 and list(edited.json()) == ["persons"]


def test_the_disruption_matrix_exercises_the_routes_it_claims(disruptions):
    _, records = disruptions
    urls = [
        reverse("intelligence:disruption_list"), reverse("intelligence:disruption_detail", args=[records[0].pk]),
        reverse("intelligence:disruption_step", args=[records[0].pk, "withdraw"]),
        reverse("intelligence:disruption_edit", args=[records[0].pk]),
        reverse("intelligence:disruption_review", args=[records[0].pk]),
        "/api/intelligence/disruptions/", f"/api/intelligence/disruptions/{records[0].pk}/",
        f"/api/intelligence/disruptions/{records[0].pk}/workflow/withdraw/",
        f"/api/intelligence/disruptions/{records[0].pk}/review/",
    ]  # fmt: skip
    assert_claims_exercised("intelligence", urls, prefix="the disruption matrix")
