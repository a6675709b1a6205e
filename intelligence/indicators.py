"""Intelligence's figures on the managers' dashboard (dashboard/indicators.py):
the "Disruptions" and "Partner intelligence" groups of DOMAIN.md. Each row
counts the records behind it and how many the viewer sees in full, so the
dashboard hides small cells the viewer could not open."""

import datetime

from django.db.models import CharField, Count, Exists, ExpressionWrapper, F, FloatField, Func, OuterRef, Value
from django.db.models.functions import Coalesce, Concat

from accounts.models import Agency, District
from dashboard.indicators import (
    Percentile,
    Row,
    Scope,
    Table,
    counted,
    counted_rows,
    indicator,
    monthly_rows,
    seen_filter,
    summary_only,
    total_row,
)
from intelligence.models import IntelligenceReport, ReportOriginal, Submission
from intelligence.models.core import GRADES, UNIT_AGENCY, Scheme, in_intelligence_unit
from intelligence.models.disruptions import Disruption, DisruptionKind, DisruptionStatus
from sharing.models import Share

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


# --- Dissemination: shares of reports to partner agencies -------------------------

REPORT_KIND = IntelligenceReport._meta.label_lower


def _of_reports(reports):
    """Shares whose report is one of `reports` (a share names its record by kind and id)."""
    return Exists(reports.filter(pk=OuterRef("record_id")))


def _disseminations(scope: Scope):
    """Shares of intelligence reports with agencies other than the unit's
    (a share with a named person counts for their agency), at any time,
    within the filters; never those of reports the viewer sees only in
    summary (dashboard.indicators.counted)."""
    shares = (
        Share.objects.filter(record_kind=REPORT_KIND)
        .annotate(partner=Coalesce(F("recipient_agency"), F("recipient_user__agency")))
        .exclude(partner__in=Agency.objects.filter(code=UNIT_AGENCY).values("pk"))
    )
    if scope.district:
        shares = shares.filter(_of_reports(IntelligenceReport.objects.filter(district__code=scope.district)))
    if scope.agency:
        shares = shares.filter(partner__in=Agency.objects.filter(code=scope.agency).values("pk"))
    left_out = summary_only(IntelligenceReport, scope)
    if left_out is not None:
        shares = shares.exclude(_of_reports(IntelligenceReport.objects.filter(left_out)))
    return shares


def _shares_seen(scope: Scope):
    return _of_reports(IntelligenceReport.objects.filter(seen_filter(IntelligenceReport, scope)))


def _dissemination_note(scope: Scope) -> str:
    notes = []
    if scope.agency:
        notes.append("the agency chosen is the agency the report was shared with")
    if scope.risk_level:
        notes.append("reports have no risk level, so these figures are for every risk level")
    return ("With these filters: " + "; ".join(notes) + ".") if notes else ""


@indicator(
    group=PARTNER_INTELLIGENCE, order=59, title="Intelligence disseminated to partners, by agency",
    definition="Shares of sanitised intelligence reports made in the period with an agency other than Kent Police "
    "(a share with a named person counts for their agency), by that agency, whether or not the share has ended "
    "since. A report shared with two agencies counts once for each.",
    trend=lambda scope: monthly_rows(_disseminations(scope), "created_at", scope, seen=_shares_seen(scope)),
)  # fmt: skip
def disseminated_by_agency(scope: Scope) -> Table:
    shares = _disseminations(scope).filter(created_at__gte=scope.start_at, created_at__lt=scope.end_before)
    names = dict(Agency.objects.values_list("pk", "name"))
    grouped = (
        shares.order_by().values("partner").annotate(records=Count("pk"), seen=Count("pk", filter=_shares_seen(scope)))
    )
    rows = sorted(
        (Row(names.get(item["partner"], "Not recorded"), item["records"], item["records"], item["seen"])
         for item in grouped),
        key=lambda row: (-row.records, row.label),
    )  # fmt: skip
    return Table([*rows, total_row(rows)], breakdown="Shared with", note=_dissemination_note(scope))


# --- The grade mix: the intelligence unit's alone ----------------------------------


def _grade_labels(part: str) -> dict:
    return {
        f"{scheme} {code}": f"{Scheme(scheme).label}, {what} {code}: {label}"
        for scheme, grades in GRADES.items()
        for what, key in (("source", "source_evaluation"), ("information", "intelligence_assessment"))
        if key == part
        for code, label in grades[key].items()
    }


@indicator(
    group=PARTNER_INTELLIGENCE, order=59, title="Grade mix of intelligence graded",
    definition="Reports graded in the period (by the date of grading), by the source evaluation and, separately, "
    "by the information assessment, within each grading scheme. Shown only to the intelligence unit: grading is "
    "theirs alone, and no one else sees it even as a total.",
    audience=in_intelligence_unit,
)  # fmt: skip
def grade_mix(scope: Scope) -> Table:
    if not in_intelligence_unit(scope.user):  # the registry leaves it out for others; this is a second lock
        return Table([], breakdown="Grade", note="Shown only to the intelligence unit.")
    graded = ReportOriginal.objects.filter(graded_at__gte=scope.start_at, graded_at__lt=scope.end_before)
    if scope.district:
        graded = graded.filter(report__district__code=scope.district)
    rows = []
    for part in ("source_evaluation", "intelligence_assessment"):
        labelled = graded.annotate(grade=Concat(F("scheme"), Value(" "), F(part), output_field=CharField()))
        rows += sorted(counted_rows(labelled, "grade", _grade_labels(part), scope), key=lambda row: row.label)
    note = "" if not (scope.agency or scope.risk_level) else "The agency and risk level filters do not apply here."
    return Table(rows, breakdown="Grade", note=note)
