"""Every training route, claimed by the who-sees-what walk
(tests/training/test_who_sees_what.py), which requests each of them as every
persona and asserts it exercised exactly these."""

WALK = "the training who-sees-what walk (tests/training/test_who_sees_what.py)"

ROUTE_CLAIMS = dict.fromkeys(
    [
        "training:session_list",
        "training:session_plan",
        "training:session_detail",
        "training:session_edit",
        "training:session_step",
        "training:register_import",
        "training:feedback_qr",
        "training:feedback_form",
        "training:feedback_results",
        "training:course_list",
        "training:course_detail",
        "training:event_list",
        "training:event_new",
        "training:event_detail",
        "training:plan_list",
        "training:plan_new",
        "training:plan_detail",
        "training:priority_detail",
        "training:coverage",
        "training:coverage_csv",
        "training:calendar",
        "training:calendar_reset",
        "training:calendar_feed",
        "api:training-session-list",
        "api:training-session-detail",
        "api:training-session-workflow",
        "api:training-course-list",
        "api:training-course-detail",
        "api:training-event-list",
        "api:training-event-detail",
        "api:training-plan-list",
        "api:training-plan-detail",
        "api:training-priority-list",
        "api:training-priority-detail",
    ],
    WALK,
)
