"""Differencing (issue #13): a summary reader must not learn a field above
the summary of one record from the difference of two figures of 5 or more.
Records the viewer sees only in summary are counted in no figure."""

import pytest

from accounts.models import Agency
from dashboard import indicators
from sharing.default_protocol import create_default_protocol
from sharing.models import LawfulBasis
from sharing.services import share_record
from tests.dashboard.helpers import referral, scope_for, shown

pytestmark = pytest.mark.django_db


def share_summary(personas, record, agency="medway"):
    share_record(
        shared_by=personas["kcc.caseworker"], record=record, recipient_agency=Agency.objects.get(code=agency),
        level="summary", purpose="Strategy discussion", lawful_basis=LawfulBasis.objects.get(
            code="gdpr-public-task-safeguarding"),
    )  # fmt: skip


@pytest.fixture
def maidstone_high(personas):
    """Five Maidstone referrals at high risk from Early Help, which Medway may
    not open, and the target: a Maidstone referral at medium risk, also from
    Early Help, shared with Medway at summary (reference, child, district,
    risk level, status: not its source agency)."""
    create_default_protocol(agreed_by=personas["admin"])
    early_help = Agency.objects.get(code="early-help")
    others = [referral(personas, received_days_ago=10, risk_level="high", source_agency=early_help) for _ in range(5)]
    target = referral(personas, received_days_ago=10, risk_level="medium", source_agency=early_help)
    share_summary(personas, target)
    return {"others": others, "target": target}


def by_source(user, **filters):
    return shown(indicators.get("referrals.referrals_by_source").table(scope_for(user, **filters)))


def test_two_figures_around_a_summary_record_no_longer_differ_by_it(personas, maidstone_high):
    """The attack: Medway's supervisor sees in their list (at summary) that the
    target's risk level went from medium to high, and compares the referrals by
    source agency for Maidstone at high risk before and after. Counting the
    target, the figures were 5 then 6 from Early Help: its source agency, a
    full-level field, was the difference. Now both say 5."""
    supervisor = personas["medway.supervisor"]
    before = by_source(supervisor, district="maidstone", risk_level="high")
    target = maidstone_high["target"]
    target.risk_level = "high"
    target.save()
    after = by_source(supervisor, district="maidstone", risk_level="high")
    assert before == {"Early Help": "5", "Total": "5"}
    assert after == before
    # The CSE team (who sees every referral in full) counts all six.
    assert by_source(personas["kent-police.manager"], district="maidstone", risk_level="high") == {
        "Early Help": "6", "Total": "6",
    }  # fmt: skip


def test_a_filter_on_a_full_level_field_never_counts_a_summary_record(personas, maidstone_high):
    """Owning agency is above the summary: 'Maidstone, owned by KCC' against
    'Maidstone, any owner' would tell the target's owner. Neither counts it."""
    supervisor = personas["medway.supervisor"]
    table = indicators.get("referrals.referrals_by_district").table
    assert shown(table(scope_for(supervisor, district="maidstone"))) == {"Maidstone": "5", "Total": "5"}
    assert shown(table(scope_for(supervisor, district="maidstone", agency="kcc"))) == {"Maidstone": "5", "Total": "5"}


def test_the_monthly_trend_and_durations_leave_the_summary_record_out(personas, maidstone_high):
    supervisor = personas["medway.supervisor"]
    trend = indicators.get("referrals.referrals_by_district").monthly(scope_for(supervisor, district="maidstone"))
    assert sum(row.records for row in trend.rows) == 5
    manager_trend = indicators.get("referrals.referrals_by_district").monthly(
        scope_for(personas["kent-police.manager"], district="maidstone")
    )
    assert sum(row.records for row in manager_trend.rows) == 6


def test_the_page_says_how_many_records_it_leaves_out(client, personas, maidstone_high):
    client.force_login(personas["medway.supervisor"])
    page = client.get("/dashboard/", {"district": "maidstone"}).content.decode()
    assert "Not counted in any figure: 1 referral that you see only in summary" in page
    # Chosen a district the target is not in, nothing is said.
    assert "Not counted in any figure" not in client.get("/dashboard/", {"district": "thanet"}).content.decode()
    # The CSE team sees it in full: nothing left out.
    client.force_login(personas["kent-police.manager"])
    assert "Not counted in any figure" not in client.get("/dashboard/").content.decode()


def test_the_board_report_says_what_it_leaves_out(client, personas, maidstone_high):
    client.force_login(personas["medway.supervisor"])
    page = client.get("/dashboard/board-report/").content.decode()
    assert "but not those they see only in summary: 1 referral left out" in page
