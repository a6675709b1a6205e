"""Partner intelligence on the dashboard: reports disseminated to partners
(by agency and month) and the grade mix, computed by hand on a few records;
the grade mix is the intelligence unit's alone."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Agency
from dashboard import indicators
from sharing.default_protocol import create_default_protocol
from sharing.models import LawfulBasis, Share
from sharing.services import share_record
from tests.dashboard.helpers import scope_for, shown
from tests.intelligence.factories import IntelligenceReportFactory

pytestmark = pytest.mark.django_db

DISSEMINATED = "intelligence.disseminated_by_agency"
GRADE_MIX = "intelligence.grade_mix"
KCC = "Kent County Council Children's Services"
MEDWAY = "Medway Council Children's Services"


def share(personas, report, *, agency=None, user=None, level="full"):
    return share_record(
        shared_by=personas["kent-police.intelligence-officer"], record=report,
        recipient_agency=Agency.objects.get(code=agency) if agency else None, recipient_user=user, level=level,
        purpose="Safeguarding the children named", lawful_basis=LawfulBasis.objects.get(code="dpa3-sch8-para4"),
    )  # fmt: skip


@pytest.fixture
def reports(personas):
    """Report 1 (graded 1-B) shared with KCC and Medway; report 2 (1-B) with KCC
    and with Medway's caseworker by name; report 3 (2-C) with KCC 400 days ago
    (before the period); report 4 (legacy scheme, B-2) shared with no one."""
    create_default_protocol(agreed_by=personas["admin"])
    unit = personas["kent-police.intelligence-officer"]
    first = IntelligenceReportFactory(sanitised_by=unit, original__source_evaluation="1",
                                      original__intelligence_assessment="B")  # fmt: skip
    second = IntelligenceReportFactory(sanitised_by=unit, original__source_evaluation="1",
                                       original__intelligence_assessment="B")  # fmt: skip
    third = IntelligenceReportFactory(sanitised_by=unit, original__source_evaluation="2",
                                      original__intelligence_assessment="C")  # fmt: skip
    IntelligenceReportFactory(sanitised_by=unit, handling_code="2", original__scheme="5x5x5",
                              original__source_evaluation="B", original__intelligence_assessment="2")  # fmt: skip
    share(personas, first, agency="kcc")
    share(personas, first, agency="medway")
    share(personas, second, agency="kcc")
    share(personas, second, user=personas["medway.caseworker"])
    old = share(personas, third, agency="kcc")
    Share.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    return {"first": first, "second": second, "third": third}


def test_disseminated_by_agency_counts_each_share_in_the_period(personas, reports):
    table = indicators.get(DISSEMINATED).table(scope_for(personas["kent-police.manager"]))
    # KCC: reports 1 and 2 (report 3's share is before the period); Medway: report 1,
    # and report 2 through its caseworker named on the share.
    assert shown(table) == {KCC: "2", MEDWAY: "2", "Total": "4"}
    monthly = indicators.get(DISSEMINATED).monthly(scope_for(personas["kent-police.manager"]))
    assert [row.value for row in monthly.rows][-1] == 4
    assert sum(row.value for row in monthly.rows) == 4
    # With an agency chosen, it is the agency shared with.
    table = indicators.get(DISSEMINATED).table(scope_for(personas["kent-police.manager"], agency="medway"))
    assert shown(table) == {MEDWAY: "2", "Total": "2"}
    assert "shared with" in table.note


def test_disseminated_small_cells_are_hidden_unless_the_viewer_sees_the_reports(personas, reports):
    # KCC's supervisor sees reports 1 and 2 in full (shared with KCC): every share is shown.
    assert shown(indicators.get(DISSEMINATED).table(scope_for(personas["kcc.supervisor"])))["Total"] == "4"
    # Medway's supervisor sees report 1 only (report 2 went to a Medway caseworker by name).
    table = indicators.get(DISSEMINATED).table(scope_for(personas["medway.supervisor"]))
    assert set(shown(table).values()) == {"fewer than 5"}


def test_a_report_seen_only_in_summary_is_left_out_of_dissemination(personas, reports):
    extra = IntelligenceReportFactory(sanitised_by=personas["kent-police.intelligence-officer"])
    share(personas, extra, agency="kcc")
    share(personas, extra, agency="medway", level="summary")
    medway = {row.label: row.records for row in indicators.get(DISSEMINATED).table(
        scope_for(personas["medway.supervisor"])).rows}  # fmt: skip
    assert medway == {KCC: 2, MEDWAY: 2, "Total": 4}
    manager = shown(indicators.get(DISSEMINATED).table(scope_for(personas["kent-police.manager"])))
    assert manager["Total"] == "6"


def test_the_grade_mix_by_hand_for_the_intelligence_unit(personas, reports):
    table = indicators.get(GRADE_MIX).table(scope_for(personas["kent-police.analyst"]))
    assert shown(table) == {
        "3x5x2 (current), source 1: Reliable": "2",
        "3x5x2 (current), source 2: Untested": "1",
        "5x5x5 (legacy), source B: Mostly reliable": "1",
        "3x5x2 (current), information B: Known indirectly but corroborated": "2",
        "3x5x2 (current), information C: Known indirectly": "1",
        "5x5x5 (legacy), information 2: Known personally to the source but not to the officer": "1",
    }


def test_the_grade_mix_is_shown_to_no_one_outside_the_unit(client, personas, reports):
    supervisor = personas["kcc.supervisor"]
    assert GRADE_MIX not in [item.key for item in indicators.indicators(supervisor)]
    with pytest.raises(KeyError):
        indicators.get(GRADE_MIX, supervisor)
    # Asked directly, the figure gives nothing either.
    assert indicators.get(GRADE_MIX).table(scope_for(supervisor)).rows == []
    client.force_login(supervisor)
    page = client.get("/dashboard/").content.decode()
    assert "Intelligence disseminated to partners" in page
    assert "Grade mix" not in page
    assert client.get(f"/dashboard/{GRADE_MIX}.csv").status_code == 404
    api = APIClient()
    api.force_authenticate(supervisor)
    assert api.get(f"/api/indicators/{GRADE_MIX}/").status_code == 404
    listed = api.get("/api/indicators/").json()
    listed = listed["results"] if isinstance(listed, dict) else listed
    assert GRADE_MIX not in [item["key"] for item in listed]
    assert DISSEMINATED in [item["key"] for item in listed]
    # The unit's analyst has it on the page and in the API.
    api.force_authenticate(personas["kent-police.analyst"])
    assert api.get(f"/api/indicators/{GRADE_MIX}/").status_code == 200
    client.force_login(personas["kent-police.analyst"])
    assert "Grade mix of intelligence graded" in client.get("/dashboard/").content.decode()
