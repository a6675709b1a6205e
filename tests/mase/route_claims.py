"""Every MASE route, claimed (tests/route_claims.py). Those starting "the MASE
matrix" are requested by tests/mase/test_matrix.py, which asserts it."""

MATRIX = "the MASE matrix (tests/mase/test_matrix.py)"

ROUTE_CLAIMS = {
    "mase:meeting_list": MATRIX,
    "mase:meeting_detail": MATRIX,
    "mase:agendaitem_detail": MATRIX,
    "mase:agendaitem_record": MATRIX,
    "mase:agendaitem_remove": MATRIX,
    "mase:action_list": MATRIX,
    "mase:action_detail": MATRIX,
    "mase:action_step": MATRIX,
    "mase:listingrequest_new": MATRIX,
    "mase:listingrequest_detail": MATRIX,
    "mase:listingrequest_step": MATRIX,
    "mase:agenda_builder": MATRIX,
    "mase:attendance_record": MATRIX,
    "mase:action_new": MATRIX,
    "mase:minutes": MATRIX,
    "mase:minutes_circulate": MATRIX,
    "api:meeting-list": MATRIX,
    "api:meeting-detail": MATRIX,
    "api:agendaitem-list": MATRIX,
    "api:agendaitem-detail": MATRIX,
    "api:maseaction-list": MATRIX,
    "api:maseaction-detail": MATRIX,
    "api:listingrequest-list": MATRIX,
    "api:listingrequest-detail": MATRIX,
    "mase:listingrequest_list": "lists only requests seen through their referral in full: "
    "tests/mase/test_matrix.py::test_listing_requests_are_seen_only_by_full_readers_of_the_case",
    "mase:meeting_schedule": "no personal data: a panel's meeting form, for its chair (tests/mase/test_views.py)",
    "mase:meeting_step": "POST only, change on the meeting (its chair): tests/mase/test_views.py",
    "mase:agenda_add_case": "POST only, change on the meeting and full on the case: tests/mase/test_views.py",
    "mase:agenda_arrange": "POST only, change on the meeting: tests/mase/test_views.py",
    "mase:pack_list": "change on the meeting (its chair): tests/mase/test_packs.py",
    "mase:document_progress": "change on the meeting (its chair), as pack_list: the documents' state and links "
    "(tests/mase/test_packs.py)",
    "mase:pack_download": "its recipient and the panel's chair only: tests/mase/test_packs.py",
    "mase:action_plan": "no personal data: the strategic plan's work streams, actions and owners "
    "(tests/mase/test_views.py)",
    "mase:plan_update": "no personal data: an update on a strategic plan action (tests/mase/test_views.py)",
    "mase:terms_list": "no personal data: a panel's terms of reference, members and sign-offs, for casework roles "
    "(tests/mase/test_terms.py)",
    "mase:terms_detail": "no personal data: one version of a panel's terms of reference (tests/mase/test_terms.py)",
    "mase:terms_step": "POST only: the chair finalises, a member agency's member or deputy signs "
    "(tests/mase/test_terms.py)",
    "api:maseaction-step": "POST only, change on the action: tests/mase/test_api.py",
}
