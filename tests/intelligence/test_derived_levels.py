"""A derived record's level on a long list (sharing.querysets.DerivedQuerySet,
used by the entity and children lists): asked of each row by an index probe,
however many rows there are. PostgreSQL used to hash every report the reader
sees for each level from about 50 rows on (1 s instead of a few ms at the
intelligence bench's scale: benchmarks/RESULTS.md)."""

import pytest
from django.db import connection

from intelligence.models import Location
from sharing import access
from sharing import services as sharing_services
from tests.intelligence.factories import IntelligenceReportFactory, LocationFactory
from tests.sharing.harness import level_plan

pytestmark = pytest.mark.django_db

ROWS = 120
STATISTICS = (
    "intelligence_location",
    "intelligence_intelligencereport",
    "intelligence_intelligencereport_locations",
    "intelligence_intelligencereportgroupobjectpermission",
)


def share(report, agency, shared_by, level):
    from sharing.models import LawfulBasis

    sharing_services.share_record(
        record=report, shared_by=shared_by, recipient_agency=agency, level=level, purpose="Safeguarding",
        lawful_basis=LawfulBasis.objects.get(code="dpa3-sch8-para4"),
    )  # fmt: skip


@pytest.fixture
def locations(personas, protocol, unit):
    """ROWS locations, each on a report of its own: a third shared with KCC
    in full, a third at summary, a third not shared."""
    kcc = personas["kcc.caseworker"]
    expected = {}
    for number in range(ROWS):
        report = IntelligenceReportFactory(sanitised_by=unit)
        location = LocationFactory(name=f"Place {number:03}")
        report.locations.add(location)
        level = ("full", "summary", "")[number % 3]
        if level:
            share(report, kcc.agency, unit, level)
        expected[location.pk] = level
    with connection.cursor() as cursor:  # statistics as a live database has them
        for table in STATISTICS:
            cursor.execute(f"ANALYZE {table}")
    return expected


def test_a_long_list_shows_each_place_at_its_own_level(personas, locations):
    kcc = personas["kcc.caseworker"]
    listed = {row.pk: row.access_level for row in Location.objects.visible_to(kcc).with_access_level(kcc)}
    assert listed == {pk: level for pk, level in locations.items() if level}
    everything = {row.pk: row.access_level for row in Location.objects.with_access_level(kcc)}
    assert everything == locations
    for pk in list(locations)[:6]:  # the same as the level of one record
        assert (access.access_level(kcc, Location.objects.get(pk=pk)) or "") == locations[pk]


def test_a_long_lists_levels_are_probed_row_by_row_not_hashed(personas, locations):
    kcc = personas["kcc.caseworker"]
    level = level_plan(Location.objects.visible_to(kcc).with_access_level(kcc))
    assert "SubPlan" in level
    assert "hashed SubPlan" not in level
