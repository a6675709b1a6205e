"""Routes of dashboard/ (tests/route_claims.py)."""

ROUTE_CLAIMS = {
    "dashboard:dashboard": "aggregates only, small cells suppressed (tests/dashboard/test_dashboard.py)",
    "dashboard:indicator_csv": "the same aggregates as CSV (tests/dashboard/test_dashboard.py)",
    "dashboard:trend_csv": "the same aggregates by month as CSV (tests/dashboard/test_dashboard.py)",
    "dashboard:refresh": "recomputes the viewer's own aggregates; managers only (tests/dashboard/test_dashboard.py)",
    "dashboard:board_report": "the page's headline aggregates (tests/dashboard/test_board_report.py)",
    "dashboard:board_report_pdf": "the same as PDF, recorded as a disclosure (tests/dashboard/test_board_report.py)",
    "dashboard:records": "the MASE records behind a figure: only those the viewer sees in full, others counted as "
    "hidden under the small-cell rule (tests/dashboard/test_drilldown.py)",
    "api:indicator-list": "names and definitions only (tests/dashboard/test_dashboard.py)",
    "api:indicator-detail": "the page's aggregates, small cells suppressed (tests/dashboard/test_dashboard.py)",
}
