"""The permission matrix for intelligence: every persona against submissions
from every agency and reports shared in every way, on every page and API
endpoint, checked against the plain-Python reference model
(tests/sharing/harness.py), with canaries in every field above summary; the
originals and gradings, which no one outside the intelligence unit may ever
receive by any route; and entities and associations, seen only through
what the reader sees."""

import pytest
from django.urls import reverse

from accounts.models import Agency, District
from intelligence import services
from intelligence.models import (
    Association,
    IntelligenceReport,
    Location,
    PersonOfConcern,
    ReportOriginal,
    Vehicle,
    in_intelligence_unit,
)
from sharing import services as sharing_services
from sharing.models import LawfulBasis
from tests.intelligence.factories import IntelligenceReportFactory, SubmissionFactory
from tests.route_claims import assert_claims_exercised
from tests.sharing import reference_model as ref
from tests.sharing.harness import (
    RECORDER,
    Canaries,
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

UNIT = "kent-police.intelligence-officer"


@pytest.fixture
def conditions(monkeypatch, personas):
    """The reference model learns the intelligence conditions: who is in the
    unit, and who submitted what (filled in by the tests)."""
    unit_ids = {user.pk for user in personas.values() if in_intelligence_unit(user)}
    submitters = {}
    monkeypatch.setitem(
        ref.CONDITIONS, "intelligence_unit", lambda person, record, recipient: person.user_id in unit_ids
    )
    monkeypatch.setitem(
        ref.CONDITIONS,
        "submitted_by_reader",
        lambda person, record, recipient: submitters.get(record.record_id) == person.user_id,
    )
    return submitters


# --- submissions ----------------------------------------------------------------------


def submission_spec(personas) -> MatrixSpec:
    def make_record(owner, district):
        return SubmissionFactory(
            submitted_by=personas[RECORDER[owner]],
            what_happened=f"Only its submitter and the unit see {owner} {district}",
        )

    return MatrixSpec(
        make_record=make_record,
        detail_url=lambda record: reverse("intelligence:submission_detail", args=[record.pk]),
        list_url=reverse("intelligence:submission_list"),
        api_list_url="/api/intelligence/submissions/?page_size=100",
        api_detail_url=lambda record: f"/api/intelligence/submissions/{record.pk}/",
        summary_text=lambda record: record.reference,
        full_text=lambda record: record.what_happened,
        full_only_api_field="what_happened",
        authority=lambda record: "none",
    )


@pytest.fixture
def submissions(personas, protocol, conditions):
    spec = submission_spec(personas)
    records = make_records(spec)
    conditions.update({record.pk: record.submitted_by_id for record in records})
    return spec, records


def test_every_persona_sees_exactly_the_submissions_the_protocol_allows(client, personas, submissions):
    spec, records = submissions
    checks, failures = run_matrix(client, casework_personas(personas), spec, records)
    assert failures == []
    assert checks == len(casework_personas(personas)) * len(records) * 4


def test_no_one_outside_the_unit_finds_a_submission_canary(client, personas, submissions):
    spec, records = submissions
    records, planted = plant_canaries(records)
    checks, failures = run_canaries(client, casework_personas(personas), spec, CanarySpec(), records, planted)
    assert failures == [], "\n".join(failures)
    assert checks > 0


# --- reports ---------------------------------------------------------------------------


def report_spec(personas) -> MatrixSpec:
    unit = personas[UNIT]

    def make_record(owner, district):
        return IntelligenceReportFactory(
            sanitised_by=unit,
            title=f"Matrix report {owner} {district}",
            district=District.objects.get(code=district),
            sanitised_text=f"Sanitised, for full readers only: {owner} {district}",
        )

    return MatrixSpec(
        make_record=make_record,
        detail_url=lambda record: reverse("intelligence:report_detail", args=[record.pk]),
        list_url=reverse("intelligence:report_list"),
        api_list_url="/api/intelligence/reports/?page_size=100",
        api_detail_url=lambda record: f"/api/intelligence/reports/{record.pk}/",
        summary_text=lambda record: record.reference,
        full_text=lambda record: record.sanitised_text,
        full_only_api_field="sanitised_text",
        # By subject: the search box echoes the query, so not by reference.
        search_url=lambda record: f"{reverse('intelligence:report_list')}?q={record.title}",
    )


def share(unit, record, *, agency=None, user=None, level="full", conditions=""):
    return sharing_services.share_record(
        shared_by=unit,
        record=record,
        recipient_agency=Agency.objects.get(code=agency) if agency else None,
        recipient_user=user,
        level=level,
        purpose="Safeguarding",
        lawful_basis=LawfulBasis.objects.get(code="dpa3-sch8-para4"),
        conditions=conditions,
    )


@pytest.fixture
def reports(personas, protocol, conditions, monkeypatch):
    """Reports shared every way: in full, at summary, to a named person, with
    code C and its conditions, one shared and then made a legacy code 4
    (which must then reach no partner), and one shared and revoked."""
    spec = report_spec(personas)
    records = make_records(spec)
    unit = personas[UNIT]
    share(unit, records[0], agency="health")
    share(unit, records[1], agency="kcc", level="summary")
    share(unit, records[2], user=personas["early-help.practitioner"])
    IntelligenceReport.objects.filter(pk=records[3].pk).update(handling_code="C", handling_conditions="Not to family")
    records[3].refresh_from_db()
    share(unit, records[3], agency="medway", conditions="Not to be disclosed to the family")
    share(unit, records[4], agency="kcc")
    IntelligenceReport.objects.filter(pk=records[4].pk).update(handling_code="4")
    revoked = share(unit, records[5], agency="health")
    sharing_services.revoke_share(share=revoked, revoked_by=unit, reason="No longer needed")
    restricted = {records[4].pk}
    expected = ref.expected_level

    def with_restriction(person, record, rules, grants):
        if record.record_id in restricted and person.agency != record.owner:
            return None  # legacy code 4: never to partners, whatever the shares say
        return expected(person, record, rules, grants)

    monkeypatch.setattr(ref, "expected_level", with_restriction)
    return spec, records


def test_every_persona_sees_exactly_the_reports_the_protocol_and_shares_allow(client, personas, reports):
    spec, records = reports
    checks, failures = run_matrix(client, casework_personas(personas), spec, records)
    assert failures == []
    assert checks == len(casework_personas(personas)) * len(records) * 5
    # The legacy code 4 report really was shared with KCC before it was restricted.
    client.force_login(personas["kcc.caseworker"])
    assert client.get(spec.detail_url(records[4])).status_code == 404


def report_canary_spec():
    return CanarySpec(
        export_urls=(reverse("audit:accessevent_export"),),
        other_pages=lambda record: [
            reverse("sharing:share_create", args=["intelligence.intelligencereport", record.pk]),
            reverse("sharing:record_explanation", args=["intelligence.intelligencereport", record.pk]),
        ],
    )


@pytest.mark.timeout(900)
def test_no_summary_reader_finds_a_report_canary_anywhere(client, personas, reports):
    spec, records = reports
    records, planted = plant_canaries(records)
    checks, failures = run_canaries(client, casework_personas(personas), spec, report_canary_spec(), records, planted)
    assert failures == [], "\n".join(failures)
    assert checks >= 30


def test_the_conditions_of_a_code_c_share_are_shown_to_the_recipient(client, personas, reports):
    _, records = reports
    client.force_login(personas["medway.caseworker"])
    page = client.get(reverse("intelligence:report_detail", args=[records[3].pk])).content.decode()
    assert "Not to be disclosed to the family" in page and "Not to family" in page
    api = client.get(f"/api/intelligence/reports/{records[3].pk}/").json()
    assert (api["handling_code"], api["handling_conditions"]) == ("C", "Not to family")


# Pages under a record: all need change, which only the unit holds (a
# partner shared a report in full, or its submitter, still gets a 404).
def record_pages(report, submission) -> dict[str, str]:
    return {
        "sanitise": reverse("intelligence:report_sanitise", args=[report.pk]),
        "link a person": reverse("intelligence:entity_link", args=[report.pk, "person"]),
        "association": reverse("intelligence:association_new", args=[report.pk]),
        "grade": reverse("intelligence:submission_grade", args=[submission.pk]),
        "outcome": reverse("intelligence:submission_outcome", args=[submission.pk]),
    }


def test_pages_under_a_record_answer_only_at_the_level_they_need(client, personas, reports, conditions):
    _, records = reports
    submission = SubmissionFactory(submitted_by=personas["health.practitioner"])
    conditions[submission.pk] = submission.submitted_by_id
    failures = []
    for username, user in personas.items():
        client.force_login(user)
        for record in records[:5]:
            for name, url in record_pages(record, submission).items():
                status = client.get(url).status_code
                allowed = in_intelligence_unit(user)
                if (status == 200) != allowed or status not in (200, 404):
                    failures.append(f"{username} -> {record} {name}: {status}")
    assert failures == []


def test_the_matrix_exercises_the_routes_it_claims(personas, reports, submissions):
    _, records = reports
    _, submitted = submissions
    report_urls = [
        reverse("intelligence:report_list"), reverse("intelligence:report_detail", args=[records[0].pk]),
        "/api/intelligence/reports/", f"/api/intelligence/reports/{records[0].pk}/",
        reverse("intelligence:submission_list"), reverse("intelligence:submission_detail", args=[submitted[0].pk]),
        "/api/intelligence/submissions/", f"/api/intelligence/submissions/{submitted[0].pk}/",
        *record_pages(records[0], submitted[0]).values(),
    ]  # fmt: skip
    assert_claims_exercised("intelligence", report_urls, prefix="the intelligence matrix")
    entity_urls = [
        "/api/intelligence/originals/", "/api/intelligence/originals/1/",
        *(f"/api/intelligence/{kind}/" for kind in ("persons", "locations", "vehicles", "associations")),
        *(f"/api/intelligence/{kind}/1/" for kind in ("persons", "locations", "vehicles", "associations")),
        reverse("intelligence:entity_list", args=["person"]), reverse("intelligence:entity_detail", args=["person", 1]),
    ]  # fmt: skip
    assert_claims_exercised("intelligence", entity_urls, prefix="the originals and entities checks")


# --- originals: the unit's alone, by any route -------------------------------------------


LIST_URLS = [
    reverse("intelligence:report_list"),
    "/api/intelligence/reports/",
    "/api/intelligence/originals/",
    *(f"/api/intelligence/{kind}/" for kind in ("persons", "locations", "vehicles", "associations")),
    *(reverse("intelligence:entity_list", args=[kind]) for kind in ("person", "location", "vehicle")),
    reverse("audit:accessevent_export"),
]


def record_urls(report, entities, association) -> list[str]:
    """Every page and API answer about one report that could carry its original."""
    person, location, vehicle = entities
    return [
        reverse("intelligence:report_detail", args=[report.pk]),
        f"{reverse('intelligence:report_list')}?q={report.title}",
        reverse("sharing:record_explanation", args=["intelligence.intelligencereport", report.pk]),
        reverse("sharing:share_create", args=["intelligence.intelligencereport", report.pk]),
        f"/api/intelligence/reports/{report.pk}/",
        f"/api/intelligence/originals/{report.original.pk}/",
        f"/api/intelligence/persons/{person.pk}/",
        f"/api/intelligence/locations/{location.pk}/",
        f"/api/intelligence/vehicles/{vehicle.pk}/",
        f"/api/intelligence/associations/{association.pk}/",
        f"/api/intelligence/associations/?report={report.pk}",
        reverse("intelligence:entity_detail", args=["person", person.pk]),
        reverse("intelligence:entity_detail", args=["location", location.pk]),
        reverse("intelligence:entity_detail", args=["vehicle", vehicle.pk]),
    ]


@pytest.fixture
def linked(personas, reports):
    """Each report with a person, a location and a vehicle, and an association between the first two."""
    _, records = reports
    unit = personas[UNIT]
    made = {}
    for index, record in enumerate(records):
        person = services.person_link(report=record, linked_by=unit, first_name="Matrix", last_name=f"Person{index}",
                                      phone_numbers=[f"07700 9001{index:02d}"])  # fmt: skip
        location = services.location_link(report=record, linked_by=unit, name=f"Matrix Hotel {index}", kind="hotel")
        vehicle = services.vehicle_link(report=record, linked_by=unit, registration=f"MX{index:02d} ABC")
        association = services.association_create(
            report=record, created_by=unit, a=("person", person), b=("location", location), type="frequents"
        )
        made[record.pk] = ((person, location, vehicle), association)
    return records, made


@pytest.mark.timeout(900)
def test_no_one_outside_the_unit_ever_receives_an_original_or_a_grading(client, personas, linked):
    """Every field of every original holds a canary (grading letters are
    too short to be canaries, so the grading is checked as written, `1-B-P`);
    no persona outside the unit finds one on any page, in any API format or
    export, whatever the report's sharing; the unit does."""
    records, made = linked
    originals = [record.original for record in records]
    originals, planted = plant_canaries(originals)
    every = Canaries(texts=[text for c in planted.values() for text in c.texts],
                     dates=[day for c in planted.values() for day in c.dates])  # fmt: skip
    ReportOriginal.objects.update(source_evaluation="3", intelligence_assessment="E")
    gradings = {f"3-E-{record.handling_code}" for record in IntelligenceReport.objects.all()}
    failures = []

    def check(username, url, extra):
        response = client.get(url, extra)
        if response.status_code >= 500:
            failures.append(f"{username}: {url} {extra} answered {response.status_code}")
        body = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
        found = every.found_in(body) + [grading for grading in gradings if grading in body]
        if found:
            failures.append(f"{username}: {url} {extra} shows {found}")

    for username, user in personas.items():
        if in_intelligence_unit(user):
            continue
        client.force_login(user)
        for url in LIST_URLS:
            for extra in ({}, {"format": "json"}, {"format": "csv"}) if url.startswith("/api/") else ({},):
                check(username, url, extra)
        # One report of each way of sharing (in full, at summary, to a person, code C, code 4, revoked, none).
        for record in records[:7]:
            entities, association = made[record.pk]
            for url in record_urls(record, entities, association):
                for extra in ({}, {"format": "api"}) if url.startswith("/api/") else ({},):
                    check(username, url, extra)
    client.force_login(personas[UNIT])
    page = client.get(reverse("intelligence:report_detail", args=[records[0].pk])).content.decode()
    assert planted[originals[0].pk].found_in(page), "the unit sees the original"
    assert "3-E-P" in page
    assert failures == [], "\n".join(failures)


@pytest.mark.timeout(900)
def test_entities_are_seen_through_the_reports_the_reader_sees(client, personas, linked):
    """An entity is seen at the highest level of the reports that reference it;
    an association only with its report in full and both ends."""
    records, made = linked
    expected_report = {}
    failures = []
    for username, user in casework_personas(personas).items():
        client.force_login(user)
        person = ref.Person(user_id=user.pk, agency=user.agency.code, is_cse_team_member=user.is_cse_team_member)
        rules = reference_rules("intelligence.intelligencereport")
        grants = reference_grants("intelligence.intelligencereport")
        listed = {kind: {row["id"] for row in client.get(f"/api/intelligence/{kind}/?page_size=100").json()["results"]}
                  for kind in ("persons", "locations", "vehicles", "associations")}  # fmt: skip
        for record in records:
            level = ref.expected_level(
                person, ref.Record(record_id=record.pk, owner="kent-police", authority="none"), rules, grants
            )
            expected_report[(username, record.pk)] = level
            entities, association = made[record.pk]
            for kind, entity in zip(("persons", "locations", "vehicles"), entities, strict=True):
                response = client.get(f"/api/intelligence/{kind}/{entity.pk}/")
                seen = response.status_code == 200
                if seen != (level is not None) or (entity.pk in listed[kind]) != (level is not None):
                    failures.append(f"{username} -> {kind} of {record}: {response.status_code} (report {level})")
                elif seen and (response.json()["access_level"] != level):
                    failures.append(f"{username} -> {kind} of {record}: level {response.json()['access_level']}")
                page = client.get(
                    reverse(
                        "intelligence:entity_detail", args=[kind[:-1] if kind != "persons" else "person", entity.pk]
                    )
                )
                if (page.status_code == 200) != (level is not None):
                    failures.append(f"{username} -> {kind} page of {record}: {page.status_code}")
            association_seen = level in ("full", "change")
            if (association.pk in listed["associations"]) != association_seen:
                failures.append(f"{username} -> association of {record}: listed={not association_seen}")
            status = client.get(f"/api/intelligence/associations/{association.pk}/").status_code
            if (status == 200) != association_seen:
                failures.append(f"{username} -> association of {record}: {status}")
    assert failures == []
    # A summary reader of a report sees its entities at summary: the phone number is a full-level field.
    client.force_login(personas["kcc.caseworker"])
    person = made[records[1].pk][0][0]
    answer = client.get(f"/api/intelligence/persons/{person.pk}/").json()
    assert answer["access_level"] == "summary" and "phone_numbers" not in answer
    page = client.get(reverse("intelligence:entity_detail", args=["person", person.pk])).content.decode()
    assert "+44770090010" not in page and "Matrix" in page


def test_entity_search_finds_only_entities_the_reader_sees(client, personas, linked):
    records, made = linked
    hidden_person = made[records[6].pk][0][0]  # a report no partner sees
    for username in ("kcc.caseworker", "health.practitioner", "medway.caseworker", UNIT):
        client.force_login(personas[username])
        for query in ("Matrix Person6", "07700 900106", "Matrx Persn6"):
            body = client.get(reverse("intelligence:entity_list", args=["person"]), {"q": query}).content.decode()
            link = reverse("intelligence:entity_detail", args=["person", hidden_person.pk])
            assert (link in body) == (username == UNIT), (username, query)
    assert PersonOfConcern.objects.count() == Location.objects.count() == Vehicle.objects.count() == len(records)
    assert Association.objects.count() == len(records)
