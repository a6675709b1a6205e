"""Writing disruptions and problem profiles through the API (and editing a
recorded disruption on its page): the services the pages use, the same
visibility, 400 with field errors for bad input and nothing half-saved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from intelligence.models.disruptions import DETAILS_MAX_LENGTH, Disruption, DisruptionKind, DisruptionStatus
from intelligence.models.profiles import TEXT_MAX_LENGTH, ProblemProfile, ProfileStatus
from referrals.models import Child
from sharing.models import Share
from tests.intelligence.factories import IntelligenceReportFactory, LocationFactory, PersonFactory
from tests.intelligence.test_disruption_matrix import share
from tests.referrals.conftest import date_of_birth_for_age

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DISRUPTIONS = "/api/intelligence/disruptions/"
PROFILES = "/api/intelligence/profiles/"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


@pytest.fixture
def seen(unit, protocol):
    """A person and a location on a report of the unit (so the unit sees them)."""
    report = IntelligenceReportFactory(sanitised_by=unit)
    person = PersonFactory(first_name="Apiperson", last_name="Fictional")
    location = LocationFactory(name="Api Test Hotel")
    report.persons.add(person)
    report.locations.add(location)
    return person, location


@pytest.fixture
def young(child):
    made = child("maidstone", first_name="Tia", last_name="Apichild", date_of_birth=date_of_birth_for_age(14, 2))
    return Child.objects.get(pk=made.pk)


def test_the_unit_records_every_kind_of_disruption_with_its_links(client, unit, seen, young):
    person, location = seen
    client.force_login(unit)
    for kind in DisruptionKind.values:
        body = {"kind": kind, "occurred_on": TODAY.isoformat(), "district": "maidstone", "details": f"A {kind}",
                "persons": [person.pk], "locations": [location.pk], "children": [young.pk]}  # fmt: skip
        if kind == DisruptionKind.CAWN:
            body = {**body, "cawn_section": "s2", "locations": []}
        made = post(client, DISRUPTIONS, body)
        assert made.status_code == 201, (kind, made.json())
        row = made.json()
        assert (row["kind"], row["persons"], row["children"]) == (kind, [person.pk], [young.pk])
        assert row["status"] == (DisruptionStatus.DRAFTED if kind == DisruptionKind.CAWN else DisruptionStatus.RECORDED)
        assert row["review_due"] and row["version"] == 1
    assert Disruption.objects.count() == len(DisruptionKind.values)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"details": "x" * (DETAILS_MAX_LENGTH + 1)}, "details"),
        ({"occurred_on": "1899-12-31"}, "occurred_on"),
        ({"occurred_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, "occurred_on"),
        ({"persons": [10**9]}, "persons"),
        ({"persons": ["one"]}, "persons"),
        ({"details": 12}, "details"),
        ({"kind": "raid"}, "kind"),
        ({"status": "active"}, "status"),
        ({"details": "Hidden \u202e text"}, "details"),
    ],
)
def test_bad_input_to_record_a_disruption_is_a_400_naming_the_field(client, unit, seen, change, field):
    client.force_login(unit)
    body = {"kind": "arrest", "occurred_on": TODAY.isoformat(), "persons": [seen[0].pk], **change}
    refused = post(client, DISRUPTIONS, body)
    assert refused.status_code == 400 and field in refused.json(), refused.json()
    assert Disruption.objects.count() == 0


def test_partners_cannot_record_or_edit_disruptions(client, personas, unit, seen):
    client.force_login(unit)
    made = post(client, DISRUPTIONS, {"kind": "arrest", "occurred_on": TODAY.isoformat(), "persons": [seen[0].pk]})
    record = Disruption.objects.get(pk=made.json()["id"])
    share(unit, record, agency="kcc")  # KCC reads it in full, but it is not theirs to change
    client.force_login(personas["kcc.caseworker"])
    assert post(client, DISRUPTIONS, {"kind": "arrest", "occurred_on": TODAY.isoformat()}).status_code == 403
    assert patch(client, f"{DISRUPTIONS}{record.pk}/", {"version": 1, "details": "Changed"}).status_code == 403
    client.force_login(personas["medway.caseworker"])
    assert patch(client, f"{DISRUPTIONS}{record.pk}/", {"version": 1, "details": "Changed"}).status_code == 404
    record.refresh_from_db()
    assert (record.details, record.version) == ("", 1)


def test_an_edit_changes_what_is_sent_and_a_stale_one_is_refused(client, unit, seen, personas):
    person, location = seen
    client.force_login(unit)
    made = post(client, DISRUPTIONS, {"kind": "business_visit", "occurred_on": TODAY.isoformat(),
                                      "locations": [location.pk], "details": "Visited the hotel"})  # fmt: skip
    url = f"{DISRUPTIONS}{made.json()['id']}/"
    edited = patch(client, url, {"version": 1, "details": "Visited the hotel and spoke to the manager",
                                 "persons": [person.pk]})  # fmt: skip
    assert edited.status_code == 200, edited.json()
    row = edited.json()
    assert (row["details"], row["persons"], row["locations"], row["version"]) == (
        "Visited the hotel and spoke to the manager", [person.pk], [location.pk], 2)  # fmt: skip
    stale = patch(client, url, {"version": 1, "details": "An older edit"})
    assert stale.status_code == 409 and stale.json()["version"] == 2
    assert [change["field"] for change in stale.json()["changes"]] == ["details"]
    unlinked = patch(client, url, {"version": 2, "persons": [], "locations": []})
    assert unlinked.status_code == 400 and "persons" in unlinked.json()
    assert patch(client, url, {"version": 2, "kind": "arrest"}).status_code == 400
    assert patch(client, url, {"version": 2, "details": "y" * (DETAILS_MAX_LENGTH + 1)}).status_code == 400
    assert Disruption.objects.get().details == "Visited the hotel and spoke to the manager"


def test_an_edit_keeps_links_the_editor_cannot_see(client, unit, personas, seen):
    """A link to a person the editor does not see stays: an edit cannot remove what it cannot show."""
    person, _ = seen
    hidden = PersonFactory(first_name="Notseen")  # on no report: no one sees it
    record = Disruption.objects.create(reference="DIS-T-HIDDEN", owning_agency=unit.agency, kind="arrest",
                                       status="recorded", occurred_on=TODAY, officer=unit)  # fmt: skip
    record.persons.set([person, hidden])
    client.force_login(unit)
    row = client.get(f"{DISRUPTIONS}{record.pk}/").json()
    assert row["persons"] == [person.pk], "an unseen person is not listed"
    assert patch(client, f"{DISRUPTIONS}{record.pk}/", {"version": 1, "persons": [hidden.pk]}).status_code == 400
    assert patch(client, f"{DISRUPTIONS}{record.pk}/", {"version": 1, "persons": []}).status_code == 200
    assert set(record.persons.values_list("pk", flat=True)) == {hidden.pk}


def test_a_notices_child_and_section_change_only_while_it_is_a_draft(client, unit, seen, young, child, personas):
    person, _ = seen
    client.force_login(unit)
    made = post(client, DISRUPTIONS, {"kind": "cawn", "cawn_section": "s2", "occurred_on": TODAY.isoformat(),
                                      "persons": [person.pk], "children": [young.pk]})  # fmt: skip
    url = f"{DISRUPTIONS}{made.json()['id']}/"
    older = child("maidstone", first_name="Ola", last_name="Apichild", date_of_birth=date_of_birth_for_age(17, 1))
    refused = patch(client, url, {"version": 1, "children": [older.pk]})
    assert refused.status_code == 400 and "under 16" in refused.json()["cawn_section"][0]
    assert patch(client, url, {"version": 1, "cawn_section": ""}).status_code == 400
    assert patch(client, url, {"version": 1, "details": "Drafted after the school's call"}).status_code == 200
    client.force_login(personas["kent-police.supervisor"])
    assert post(client, f"{url}workflow/authorise/", {}).status_code == 200
    client.force_login(unit)
    after = patch(client, url, {"version": 2, "children": [older.pk], "details": "Authorised"})
    assert after.status_code == 400 and "children" in after.json()
    assert patch(client, url, {"version": 2, "details": "Authorised by the inspector"}).status_code == 200
    assert list(Disruption.objects.get().children.all()) == [young]


def test_the_edit_page_saves_through_the_service_and_shows_refusals_by_the_field(client, unit, seen):
    person, location = seen
    record = Disruption.objects.create(reference="DIS-T-PAGE", owning_agency=unit.agency, kind="warning_letter",
                                       status="recorded", occurred_on=TODAY, officer=unit,
                                       details="Letter sent")  # fmt: skip
    record.persons.set([person])
    client.force_login(unit)
    url = reverse("intelligence:disruption_edit", args=[record.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="kind"' not in page.content.decode()
    form = {"occurred_on": TODAY.isoformat(), "details": "Letter hand-delivered", "persons": [person.pk],
            "locations": [location.pk], "version": 1}  # fmt: skip
    too_long = client.post(url, {**form, "details": "z" * (DETAILS_MAX_LENGTH + 1)})
    assert too_long.status_code == 200 and "10000 characters" in too_long.content.decode().replace(",", "")
    early = client.post(url, {**form, "occurred_on": "1850-01-01"})
    assert early.status_code == 200 and "after 1900" in early.content.decode()
    assert client.post(url, form).status_code == 302
    record.refresh_from_db()
    assert (record.details, record.version, list(record.locations.all())) == ("Letter hand-delivered", 2, [location])
    assert client.post(url, form).status_code == 409, "a stale edit"


# --- problem profiles ---------------------------------------------------------------


def test_a_profile_goes_through_its_lifecycle_through_the_api(client, personas, protocol):
    analyst, approver = personas["kent-police.analyst"], personas["kent-police.supervisor"]
    client.force_login(analyst)
    start = (TODAY - datetime.timedelta(days=90)).isoformat()
    made = post(client, PROFILES, {"title": "Night-time economy", "district": "maidstone", "period_start": start,
                                   "period_end": TODAY.isoformat()})  # fmt: skip
    assert made.status_code == 201, made.json()
    url = f"{PROFILES}{made.json()['id']}/"
    assert post(client, f"{url}workflow/submit/", {}).json()["assessment"] == ["Write the assessment before sending "
                                                                               "the profile for QA"]  # fmt: skip
    assert patch(client, url, {"version": 1, "assessment": "Hotels recur"}).json()["version"] == 2
    assert patch(client, url, {"version": 1, "assessment": "Older"}).status_code == 409
    assert post(client, f"{url}workflow/submit/", {}).json()["status"] == ProfileStatus.QA
    assert post(client, f"{url}workflow/approve/", {}).status_code == 403, "not by an analyst"
    client.force_login(approver)
    approved = post(client, f"{url}workflow/approve/", {})
    assert approved.status_code == 200 and approved.json()["snapshot"]["reports"] == 0
    assert patch(client, url, {"version": 2, "title": "Too late"}).status_code == 409, "approved: not editable"
    client.force_login(analyst)
    refused = post(client, f"{url}workflow/disseminate/", {"agencies": ["kcc", "nowhere"], "purpose": "Planning"})
    assert refused.status_code == 400 and "agencies" in refused.json()
    own = {"agencies": ["kent-police"], "purpose": "Planning", "lawful_basis": "dpa3-sch8-para4"}
    assert post(client, f"{url}workflow/disseminate/", own).status_code == 400
    done = post(client, f"{url}workflow/disseminate/", {"agencies": ["kcc"], "purpose": "Community safety planning",
                                                         "lawful_basis": "dpa3-sch8-para4"})  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == ProfileStatus.DISSEMINATED
    assert Share.objects.filter(record_id=made.json()["id"], recipient_agency__code="kcc").count() == 1
    client.force_login(personas["kcc.caseworker"])
    assert client.get(url).json()["assessment"] == "Hotels recur"
    assert post(client, f"{url}workflow/disseminate/", {"agencies": ["health"]}).status_code == 403
    # A later approved profile of the same area supersedes it.
    client.force_login(analyst)
    later = post(client, PROFILES, {"title": "Update", "district": "maidstone", "period_start": start,
                                    "period_end": TODAY.isoformat(), "assessment": "Fewer hotels"}).json()  # fmt: skip
    post(client, f"{PROFILES}{later['id']}/workflow/submit/", {})
    client.force_login(approver)
    post(client, f"{PROFILES}{later['id']}/workflow/approve/", {})
    assert client.get(url).json()["status"] == ProfileStatus.SUPERSEDED


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": "t" * 201}, "title"),
        ({"assessment": "a" * (TEXT_MAX_LENGTH + 1)}, "assessment"),
        ({"period_start": "1899-01-01"}, "period_start"),
        ({"period_end": "2000-01-01"}, "period_end"),
        ({"district": "atlantis"}, "district"),
        ({"district": ""}, "district"),  # null is the county; "" is not a code (schemathesis)
        ({"plan_priority_ids": [10**6]}, "plan_priority_ids"),
        ({"snapshot": {}}, "snapshot"),
    ],
)
def test_bad_input_to_draft_a_profile_is_a_400_naming_the_field(client, personas, protocol, change, field):
    client.force_login(personas["kent-police.analyst"])
    body = {"title": "Profile", "period_start": "2020-01-01", "period_end": TODAY.isoformat(), **change}
    refused = post(client, PROFILES, body)
    assert refused.status_code == 400 and field in refused.json(), refused.json()
    assert ProblemProfile.objects.count() == 0


def test_partners_cannot_draft_profiles_and_the_endpoints_are_in_the_schema(client, personas, protocol):
    client.force_login(personas["kcc.caseworker"])
    body = {"title": "Profile", "period_start": "2020-01-01", "period_end": TODAY.isoformat()}
    assert post(client, PROFILES, body).status_code == 403
    schema = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {"post", "get"} <= set(schema[PROFILES]) and "patch" in schema[PROFILES + "{id}/"]
    assert "patch" in schema[DISRUPTIONS + "{id}/"]
    for path in (PROFILES + "{id}/workflow/{step}/", PROFILES + "{id}/review/", DISRUPTIONS + "{id}/review/",
                 "/api/intelligence/reports/{id}/review/", "/api/intelligence/disruption-reviews/",
                 "/api/intelligence/profile-reviews/"):  # fmt: skip
        assert path in schema, path
