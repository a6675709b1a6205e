"""Property test: for random reports (handling codes P, C and legacy 4) and
their shares, persons and locations on them, disruptions linked to those
persons, locations and a child, and shares of the disruptions, no viewer is
shown a disruption, or a link to a person, location or child, they may not
see, on the pages (tracker, disruption page) or the API (list and detail).

Expected visibility comes from plain Python, not the engine: a disruption's
level from the sharing reference model (tests/sharing/reference_model.py:
the protocol's rules for the kind and the shares made), an entity's from the
reports it is on as the link chart's property test states it
(tests/intelligence/test_network.py: the unit, or a partner through a share
of a report, never with code 4). The child is a KCC referral's, seen as
referrals' own rules say (tested there)."""

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.models import Agency
from intelligence.models import in_intelligence_unit
from intelligence.models.disruptions import DisruptionKind
from referrals.models import Child
from sharing import registry
from sharing import services as sharing_services
from sharing.models import LawfulBasis, Share
from tests.intelligence.factories import DisruptionFactory, IntelligenceReportFactory, LocationFactory, PersonFactory
from tests.intelligence.test_network import PARTNERS, RANK, expected_report_level
from tests.sharing import reference_model as ref
from tests.sharing.harness import reference_rules

pytestmark = pytest.mark.django_db

VIEWERS = ("kcc.caseworker", "medway.caseworker", "health.practitioner", "early-help.practitioner",
           "kent-police.intelligence-officer", "kent-police.trainer")  # fmt: skip
KINDS = [kind for kind in DisruptionKind.values if kind != DisruptionKind.CAWN]
LEVELS = ("summary", "full")

subset = st.sets(st.integers(0, 2), max_size=2)
scenario = st.fixed_dictionaries(
    {
        "reports": st.lists(st.sampled_from(["P", "C", "4"]), min_size=1, max_size=3),
        "report_shares": st.lists(
            st.tuples(st.integers(0, 2), st.sampled_from(PARTNERS), st.sampled_from(LEVELS)), max_size=3
        ),
        # Each person / location: the reports it is on (none: no one sees it).
        "persons": st.lists(subset, min_size=1, max_size=3),
        "locations": st.lists(subset, max_size=2),
        # Each disruption: its kind, the persons and locations it names, and whether it names the child.
        "disruptions": st.lists(
            st.tuples(st.sampled_from(KINDS), subset, subset, st.booleans()), min_size=1, max_size=3
        ),
        # Shares of disruptions: to an agency, or (None) to the Medway caseworker in person.
        "disruption_shares": st.lists(
            st.tuples(st.integers(0, 2), st.sampled_from([*PARTNERS, None]), st.sampled_from(LEVELS)), max_size=4
        ),
    }
)


@pytest.fixture
def jade(personas, protocol, child):
    return child("maidstone", first_name="Jade", last_name="Propchild")


def share_report(unit, report, agency_code, level, basis):
    """Made directly (the service refuses code 4): the engine must still refuse to show it."""
    kind = registry.get("intelligence.intelligencereport")
    agency = Agency.objects.get(code=agency_code)
    Share.objects.create(
        record_kind=kind.kind, record_id=report.pk, protocol=sharing_services.protocol_in_force(), shared_by=unit,
        sharing_agency=unit.agency, recipient_agency=agency, level=level, purpose="Test", lawful_basis=basis,
    )  # fmt: skip
    sharing_services.sync_grants(kind=kind, record_id=report.pk, recipient_agency=agency, recipient_user=None)


@pytest.mark.timeout(1800)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=scenario)
# A person seen at summary (through a report shared at summary) on a disruption shared in full.
@example(
    case={
        "reports": ["P"],
        "report_shares": [(0, "kcc", "summary")],
        "persons": [{0}],
        "locations": [{0}],
        "disruptions": [("arrest", {0}, {0}, True)],
        "disruption_shares": [(0, "kcc", "full")],
    }
)
# A disruption naming a person no one sees (on no report) and one behind a legacy code 4 report.
@example(
    case={
        "reports": ["4", "C"],
        "report_shares": [(0, "health", "full")],
        "persons": [{0}, set(), {1}],
        "locations": [],
        "disruptions": [("sro", {0, 1, 2}, set(), False)],
        "disruption_shares": [(0, "health", "full"), (0, None, "summary")],
    }
)
def test_no_disruption_or_link_is_shown_to_a_viewer_who_may_not_see_it(case, client, personas, jade, monkeypatch):
    unit = personas["kent-police.intelligence-officer"]
    unit_ids = {user.pk for user in personas.values() if in_intelligence_unit(user)}
    monkeypatch.setitem(
        ref.CONDITIONS, "intelligence_unit", lambda person, record, recipient: person.user_id in unit_ids
    )
    basis = LawfulBasis.objects.get(code="dpa3-sch8-para4")
    with transaction.atomic():
        reports = [IntelligenceReportFactory(sanitised_by=unit, handling_code=code) for code in case["reports"]]
        report_shares = []
        for index, agency_code, level in case["report_shares"]:
            report = reports[index % len(reports)]
            share_report(unit, report, agency_code, level, basis)
            report_shares.append((report.pk, agency_code, level))

        def entities(factory, specs, label):
            made = []
            for number, on in enumerate(specs):
                entity = factory(number)
                for index in on:
                    getattr(reports[index % len(reports)], label).add(entity)
                made.append((entity, {reports[index % len(reports)].pk for index in on}))
            return made

        persons = entities(lambda n: PersonFactory(first_name="Prop", last_name=f"Propperson{n}q"), case["persons"],
                           "persons")  # fmt: skip
        locations = entities(lambda n: LocationFactory(name=f"Propplace{n}q"), case["locations"], "locations")
        disruptions = []
        for number, (kind, person_indexes, location_indexes, names_child) in enumerate(case["disruptions"]):
            record = DisruptionFactory(officer=unit, kind=kind, details=f"Propdetails{number}q")
            record.persons.set({persons[i % len(persons)][0] for i in person_indexes})
            if locations:
                record.locations.set({locations[i % len(locations)][0] for i in location_indexes})
            if names_child:
                record.children.set([jade])
            disruptions.append(record)
        grants = []
        for index, agency_code, level in case["disruption_shares"]:
            record = disruptions[index % len(disruptions)]
            user = personas["medway.caseworker"] if agency_code is None else None
            agency = Agency.objects.get(code=agency_code) if agency_code else None
            sharing_services.share_record(
                shared_by=unit, record=record, recipient_agency=agency, recipient_user=user, level=level,
                purpose="Disrupting those who exploit the child", lawful_basis=basis,
            )  # fmt: skip
            grants.append(ref.Grant(record_id=record.pk, level=level, agency=agency_code,
                                    user_id=user.pk if user else None))  # fmt: skip
        rules = reference_rules("intelligence.disruption")
        by_pk = {report.pk: report for report in reports}

        for username in VIEWERS:
            user = type(personas[username]).objects.get(pk=personas[username].pk)
            person = ref.Person(user_id=user.pk, agency=user.agency.code, is_cse_team_member=user.is_cse_team_member,
                                reads_casework=ref.reads_casework(user.role_codes))  # fmt: skip
            report_levels = {pk: expected_report_level(user, report, report_shares) for pk, report in by_pk.items()}
            # An entity is seen at the highest level of the reports it is on.
            person_levels = {p.pk: max((RANK[report_levels[pk]] for pk in on), default=0) for p, on in persons}
            seen_persons = {pk for pk, rank in person_levels.items() if rank}
            seen_locations = {loc.pk for loc, on in locations if any(report_levels[pk] for pk in on)}
            child_seen = Child.objects.visible_to(user).filter(pk=jade.pk).exists()
            levels = {
                record.pk: ref.expected_level(person, ref.Record(record.pk, "kent-police", "none"), rules, grants)
                for record in disruptions
            }
            client.force_login(user)
            api_rows = {row["id"]: row for row in client.get("/api/intelligence/disruptions/?page_size=100")
                        .json()["results"]}  # fmt: skip
            assert set(api_rows) == {pk for pk, level in levels.items() if level}, username
            tracker = client.get(reverse("intelligence:disruption_list")).content.decode()
            for record in disruptions:
                level, where = levels[record.pk], f"{username} -> {record.reference} ({levels[record.pk]})"
                assert (record.reference in tracker) == bool(level), where
                api = client.get(f"/api/intelligence/disruptions/{record.pk}/")
                page = client.get(reverse("intelligence:disruption_detail", args=[record.pk]))
                if not level:
                    assert (api.status_code, page.status_code) == (404, 404), where
                    continue
                row, text = api.json(), page.content.decode()
                assert row == api_rows[record.pk] and row["access_level"] == level, where
                linked_persons = {p.pk for p in record.persons.all()}
                linked_locations = {loc.pk for loc in record.locations.all()}
                linked_child = record.children.exists()
                full = ref.RANK[level] >= ref.RANK["full"]
                if full:
                    assert set(row["persons"]) == linked_persons & seen_persons, where
                    assert set(row["locations"]) == linked_locations & seen_locations, where
                    assert row["children"] == ([jade.pk] if linked_child and child_seen else []), where
                else:
                    assert not {"persons", "locations", "children", "details"} & set(row), where
                    assert "Propdetails" not in text, where
                for p, _ in persons:
                    shown = full and p.pk in linked_persons and p.pk in seen_persons
                    link = reverse("intelligence:entity_detail", args=["person", p.pk])
                    assert (f'href="{link}"' in text) == shown, (where, link)
                    # A person seen at summary is named by their first name only (its first summary field).
                    named = shown and person_levels[p.pk] >= RANK["full"]
                    assert (p.last_name in text) == named, (where, p.last_name)
                for loc, _ in locations:
                    shown = full and loc.pk in linked_locations and loc.pk in seen_locations
                    assert (loc.name in text) == shown, (where, loc.name)
                assert ("Propchild" in text) == (full and linked_child and child_seen), where
        transaction.set_rollback(True)
