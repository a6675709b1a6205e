"""Routes of dashboard/ (tests/route_claims.py)."""

ROUTE_CLAIMS = {
    "dashboard:dashboard": "aggregates only, small cells suppressed (tests/dashboard/test_dashboard.py)",
    "dashboard:indicator_csv": "the same aggregates as CSV (tests/dashboard/test_dashboard.py)",
    "api:indicator-list": "names and definitions only (tests/dashboard/test_dashboard.py)",
    "api:indicator-detail": "the page's aggregates, small cells suppressed (tests/dashboard/test_dashboard.py)",
}
