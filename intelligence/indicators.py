"""Intelligence's figures on the managers' dashboard (dashboard/indicators.py):
the "Disruptions" and "Partner intelligence" groups of DOMAIN.md. Each row
counts the records behind it and how many the viewer sees in full, so the
dashboard hides small cells the viewer could not open."""

import datetime

from django.db.models import Count, ExpressionWrapper, F, FloatField, Func

from accounts.models import Agency, District
from dashboard.indicators import (
    Percentile,
    Row,
    Scope,
    Table,
    counted,
    counted_rows,
    indicator,
    seen_filter,
    total_row,
)
from intelligence.models import IntelligenceReport, Submission
from intelligence.models.disruptions import Disruption, DisruptionKind, DisruptionStatus

DISRUPTIONS = "Disruptions"
PARTNER_INTELLIGENCE = "Partner intelligence"


def _disruptions(scope: Scope):
    disruptions = Disruption.objects.all()
    if scope.district:
        disruptions = disruptions.filter(district__code=scope.district)
    return disruptions


@indicator(
    group=DISRUPTIONS, order=50, title="Child abduction warning notices",
    definition="Notices served in the period (by the date served); notices in force on the last day of the period "
    "(served, not yet expired, breached or withdrawn by then); notices breached in the period (by the date of the "
    "breach). By the district recorded on the notice.",
)  # fmt: skip
def cawns(scope: Scope) -> Table:
    notices = counted(_disruptions(scope), scope).cawns()
    seen = seen_filter(Disruption, scope)
    rows = []
    for label, records in (
        ("Served", notices.filter(served_on__gte=scope.start, served_on__lte=scope.end)),
        ("In force at the end of the period", notices.in_force_on(scope.end)),
        ("Breached", notices.filter(status=DisruptionStatus.BREACHED, breached_on__gte=scope.start,
                                    breached_on__lte=scope.end)),
    ):  # fmt: skip
        figures = records.aggregate(records=Count("pk"), seen=Count("pk", filter=seen))
        rows.append(Row(label, figures["records"], figures["records"], figures["seen"]))
    return Table(rows, breakdown="Notices")


@indicator(
    group=DISRUPTIONS, order=51, title="Other disruptions, by kind",
    definition="Arrests, charges, Sexual Risk Orders, Sexual Harm Prevention Orders, licensing referrals, business "
    "visits and warning letters recorded with a date in the period.",
)  # fmt: skip
def disruptions_by_kind(scope: Scope) -> Table:
    records = _disruptions(scope).exclude(kind=DisruptionKind.CAWN)
    records = records.filter(occurred_on__gte=scope.start, occurred_on__lte=scope.end)
    rows = counted_rows(records, "kind", dict(DisruptionKind.choices), scope)
    return Table([*rows, total_row(rows)], breakdown="Kind")


def _submissions(scope: Scope):
    submissions = Submission.objects.filter(submitted_at__gte=scope.start_at, submitted_at__lt=scope.end_before)
    if scope.agency:
        submissions = submissions.filter(owning_agency__code=scope.agency)
    return submissions


@indicator(
    group=PARTNER_INTELLIGENCE, order=55, title="Information submitted, by agency",
    definition="Submissions made in the period, by the submitter's agency.",
)  # fmt: skip
def submissions_by_agency(scope: Scope) -> Table:
    names = dict(Agency.objects.values_list("pk", "name"))
    rows = counted_rows(_submissions(scope), "owning_agency", names, scope)
    return Table([*rows, total_row(rows)], breakdown="Agency")


@indicator(
    group=PARTNER_INTELLIGENCE, order=56, title="Time from submission to grading",
    definition="For submissions made in the period that have been graded into a report: days from the submission "
    "to the report's creation, median and 90th percentile.",
)  # fmt: skip
def time_to_grading(scope: Scope) -> Table:
    graded = counted(_submissions(scope).filter(report__isnull=False), scope)
    days = ExpressionWrapper(
        Func(F("report__created_at") - F("submitted_at"), function="EXTRACT",
             template="EXTRACT(EPOCH FROM %(expressions)s)") / 86400.0,
        output_field=FloatField(),
    )  # fmt: skip
    figures = graded.aggregate(
        records=Count("pk"),
        seen=Count("pk", filter=seen_filter(Submission, scope)),
        median=Percentile(days, fraction=0.5),
        p90=Percentile(days, fraction=0.9),
    )

    def rounded(value):
        return round(value, 1) if value is not None else None

    return Table(
        [
            Row("Median", rounded(figures["median"]), figures["records"], figures["seen"], "days"),
            Row("90th percentile", rounded(figures["p90"]), figures["records"], figures["seen"], "days"),
        ],
        breakdown="Measure",
    )


@indicator(
    group=PARTNER_INTELLIGENCE, order=57, title="Submissions, by outcome",
    definition="Submissions made in the period, by what came of them (not decided yet: no outcome recorded).",
)  # fmt: skip
def submissions_by_outcome(scope: Scope) -> Table:
    rows = counted_rows(_submissions(scope), "outcome", dict(Submission.Outcome.choices), scope)
    return Table([*rows, total_row(rows)], breakdown="Outcome")


@indicator(
    group=PARTNER_INTELLIGENCE, order=58, title="Intelligence reports, by district",
    definition="Sanitised intelligence reports created in the period, by the district recorded on the report.",
)  # fmt: skip
def reports_by_district(scope: Scope) -> Table:
    reports = IntelligenceReport.objects.filter(created_at__gte=scope.start_at, created_at__lt=scope.end_before)
    if scope.district:
        reports = reports.filter(district__code=scope.district)
    rows = counted_rows(reports, "district", dict(District.objects.values_list("pk", "name")), scope)
    return Table([*rows, total_row(rows)], breakdown="District")


UNGRADED_AFTER_DAYS = 7


@indicator(
    group="Data quality", order=92, title=f"Submissions still ungraded after {UNGRADED_AFTER_DAYS} days, by agency",
    definition=f"Submissions made up to {UNGRADED_AFTER_DAYS} days before the end of the period (and after its "
    "start) that the intelligence unit has not yet graded, by the submitter's agency.",
)  # fmt: skip
def ungraded_submissions(scope: Scope) -> Table:
    cutoff = scope.end_before - datetime.timedelta(days=UNGRADED_AFTER_DAYS)
    waiting = _submissions(scope).filter(status=Submission.Status.RECEIVED, submitted_at__lt=cutoff)
    rows = counted_rows(waiting, "owning_agency", dict(Agency.objects.values_list("pk", "name")), scope)
    return Table([*rows, total_row(rows)], breakdown="Agency")
