from django.apps import AppConfig

from cse_team.home import Breakdown, Queue
from cse_team.navigation import Section

ACTIVE = "status=received&status=triaged&status=accepted&status=risk_assessed&status=open"
LIST = "referrals:referral_list"


def _queue(title, function, query, roles, order, description=""):
    return Queue(title, f"referrals.queues.{function}", LIST, query, roles, None, description, order)


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"
    navigation = (Section("Referrals", "referrals:referral_list", order=20),)
    # The home page (cse_team/home.py): each role's work, counted, linking to the list filtered to it.
    home_queues = (
        _queue("My cases", "my_cases", f"lead=me&{ACTIVE}", ("caseworker",), 10, "Open cases you lead"),
        _queue(
            "My actions due or overdue", "my_actions_due", "my_actions=on", ("caseworker", "practitioner"), 11,
            "Your open actions due within a week, or overdue",
        ),
        _queue("Reviews due", "my_reviews_due", "lead=me&review_soon=on", ("caseworker",), 12,
               "Cases you lead whose risk review is due within 2 weeks, or overdue"),
        _queue("My referrals awaiting triage", "my_referrals_awaiting_triage", "recorded_by=me&status=received",
               ("caseworker",), 13, "Referrals you recorded that nobody has triaged yet"),
        _queue("Returned assessments", "my_returned_assessments", "assessment=returned", ("caseworker",), 14,
               "Your risk assessments a supervisor returned for changes"),
        _queue("Referrals awaiting acceptance", "awaiting_acceptance", "status=triaged&agency=mine", ("supervisor",),
               20, "Your agency's triaged referrals waiting for a supervisor to accept them"),
        _queue("Assessments awaiting approval", "assessments_awaiting_approval", "assessment=awaiting_me",
               ("supervisor",), 21, "Risk assessments by your agency's staff waiting for your decision"),
        _queue("Immediate-risk alerts", "immediate_risk_alerts", "immediate_risk=on", ("supervisor",), 22,
               "Referrals reporting immediate risk that are not yet accepted"),
        _queue("Shared with me", "shared_with_me", "shared=me", ("practitioner",), 30,
               "Referrals shared with you or your agency"),
        _queue("New to me", "shared_with_me_unopened", "shared=unopened", ("practitioner",), 31,
               "Referrals shared with you or your agency that you have not opened yet"),
        Breakdown("Team caseload", "referrals.queues.team_caseload", ("supervisor",),
                  description="Open cases led by each person in your agency"),
    )  # fmt: skip
    # Where a notification about a referral links to (notifications.services.record_link).
    record_pages = {"referrals.referral": "referrals:referral_detail"}
    # Each morning (notifications.tasks.notice_overdue_actions): owners of overdue actions are told.
    overdue_notices = ("referrals.notices.notice_overdue_actions",)
    # Loaded by a migration; put back by tests that empty the tables (tests/conftest.py).
    reference_data = ("referrals.instrument_data.load_instruments",)
