"""Every intelligence route, claimed (tests/route_claims.py)."""

MATRIX = "the intelligence matrix (tests/intelligence/test_matrix.py)"
ORIGINALS = "the originals and entities checks (tests/intelligence/test_matrix.py)"

ROUTE_CLAIMS = {
    "intelligence:report_list": MATRIX,
    "intelligence:report_detail": MATRIX,
    "intelligence:report_sanitise": MATRIX,
    "intelligence:entity_link": MATRIX,
    "intelligence:association_new": MATRIX,
    "intelligence:submission_list": MATRIX,
    "intelligence:submission_detail": MATRIX,
    "intelligence:submission_grade": MATRIX,
    "intelligence:submission_outcome": MATRIX,
    "api:intelligencesubmission-list": MATRIX,
    "api:intelligencesubmission-detail": MATRIX,
    "api:intelligencereport-list": MATRIX,
    "api:intelligencereport-detail": MATRIX,
    "api:reportoriginal-list": ORIGINALS,
    "api:reportoriginal-detail": ORIGINALS,
    "api:personofconcern-list": ORIGINALS,
    "api:personofconcern-detail": ORIGINALS,
    "api:location-list": ORIGINALS,
    "api:location-detail": ORIGINALS,
    "api:vehicle-list": ORIGINALS,
    "api:vehicle-detail": ORIGINALS,
    "api:association-list": ORIGINALS,
    "api:association-detail": ORIGINALS,
    "intelligence:entity_list": ORIGINALS,
    "intelligence:entity_detail": ORIGINALS,
    "intelligence:network": "the link chart's property test (tests/intelligence/test_network.py)",
    "intelligence:network_json": "the link chart's property test (tests/intelligence/test_network.py)",
    "intelligence:submission_new": "the submission form: offers only children the user sees in full (test_views)",
    "intelligence:report_new": "the unit's new-report form, 403 for anyone else; no record data (test_views)",
    "intelligence:triage": "the unit's queue, 403 for anyone else (test_views; listed submissions are the unit's)",
}
