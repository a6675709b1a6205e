"""Referrals' figures on the managers' dashboard (dashboard/indicators.py)."""

import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from accounts.models import Agency, District
from dashboard.indicators import (
    Row,
    Scope,
    Table,
    counted,
    counted_rows,
    duration_rows,
    indicator,
    monthly_rows,
    seen_filter,
    total_row,
)
from referrals.models import ExploitationModel, Gender, MissingEpisode, Referral, RiskAssessment
from referrals.models.instruments import RiskLevel
from referrals.models.referrals import ClosureReason, Status

GROUP = "Referrals"


def filtered(scope: Scope):
    referrals = Referral.objects.all()
    if scope.district:
        referrals = referrals.filter(district__code=scope.district)
    if scope.agency:
        referrals = referrals.filter(owning_agency__code=scope.agency)
    if scope.risk_level:
        referrals = referrals.filter(risk_level=scope.risk_level)
    return referrals


def received(scope: Scope):
    return filtered(scope).filter(received_at__gte=scope.start_at, received_at__lt=scope.end_before)


def district_names() -> dict:
    return dict(District.objects.values_list("pk", "name"))


def received_query(scope: Scope, **row) -> tuple:
    """The referral list's filters for the referrals received in the period
    within the dashboard's filters, narrowed to a row (referrals/filters.py)."""
    query = {"received_from": scope.start.isoformat(), "received_to": scope.end.isoformat()}
    if scope.district:
        query["district"] = District.objects.filter(code=scope.district).values_list("pk", flat=True).first()
    if scope.agency:
        query["owning_agency"] = Agency.objects.filter(code=scope.agency).values_list("pk", flat=True).first()
    if scope.risk_level:
        query["risk_level"] = scope.risk_level
    query.update({key: value for key, value in row.items() if value not in (None, "")})
    return tuple(query.items())


def received_monthly(scope: Scope) -> Table:
    return monthly_rows(filtered(scope), "received_at", scope)


@indicator(
    group=GROUP, order=10, drilldown="referrals:referral_list", title="Referrals received, by district",
    definition="Referrals whose date received falls in the period, by the district recorded on the referral.",
    trend=received_monthly,
)  # fmt: skip
def referrals_by_district(scope: Scope) -> Table:
    rows = counted_rows(received(scope), "district", district_names(), scope,
                        link=lambda district: received_query(scope, district=district))  # fmt: skip
    return Table([*rows, total_row(rows, query=received_query(scope))], breakdown="District")


@indicator(
    group=GROUP, order=11, title="Referrals per 10,000 children, by district",
    definition="Referrals received in the period for every 10,000 under-18s living in the district, using the "
    "latest district population an administrator has entered (its source and year are in the admin). Districts "
    "without a population are left out.",
)  # fmt: skip
def referral_rate_by_district(scope: Scope) -> Table:
    from dashboard.models import DistrictPopulation

    populations = {}
    for population in DistrictPopulation.objects.order_by("district_id", "-year").distinct("district_id"):
        populations[population.district_id] = population
    names = district_names()
    counts = {row.label: row for row in counted_rows(received(scope), "district", names, scope)}
    rows = []
    for district_id, population in sorted(populations.items(), key=lambda item: names.get(item[0], "")):
        name = names.get(district_id, "")
        count = counts.get(name)
        records = count.records if count else 0
        rate = round(records * 10000 / population.under_18, 1) if population.under_18 else None
        rows.append(Row(f"{name} ({population.year})", rate, records, count.seen if count else 0, "per 10,000"))
    return Table(rows, breakdown="District (population year)")


@indicator(
    group=GROUP, order=12, drilldown="referrals:referral_list", title="Referrals received, by source agency",
    definition="Referrals received in the period, by the agency the referral came from.",
)  # fmt: skip
def referrals_by_source(scope: Scope) -> Table:
    names = dict(Agency.objects.values_list("pk", "name"))
    rows = counted_rows(received(scope), "source_agency", names, scope,
                        link=lambda agency: received_query(scope, source_agency=agency) if agency else ())  # fmt: skip
    return Table([*rows, total_row(rows, query=received_query(scope))], breakdown="Source agency")


@indicator(
    group=GROUP, order=13, drilldown="referrals:referral_list", title="Referrals received, by risk level",
    definition="Referrals received in the period, by their current risk level (not yet assessed: no risk level).",
)  # fmt: skip
def referrals_by_risk(scope: Scope) -> Table:
    labels = {**dict(RiskLevel.choices), "": "Not yet assessed"}
    rows = counted_rows(received(scope), "risk_level", labels, scope,
                        link=lambda level: received_query(scope, risk_level=level) if level else ())  # fmt: skip
    return Table([*rows, total_row(rows, query=received_query(scope))], breakdown="Risk level")


@indicator(
    group=GROUP, order=15, title="Referrals received, by the child's gender",
    definition="Referrals received in the period, by the gender recorded for the child (as it is recorded now).",
)  # fmt: skip
def referrals_by_gender(scope: Scope) -> Table:
    rows = counted_rows(received(scope), "child__gender", dict(Gender.choices), scope)
    return Table([*rows, total_row(rows)], breakdown="Gender")


@indicator(
    group=GROUP, order=16, title="Referrals received, by looked-after status",
    definition="Referrals received in the period, by whether the child is looked after (as it is recorded now).",
)  # fmt: skip
def referrals_by_looked_after(scope: Scope) -> Table:
    labels = {True: "Looked after", False: "Not looked after"}
    rows = counted_rows(received(scope), "child__looked_after", labels, scope)
    return Table([*rows, total_row(rows)], breakdown="Looked-after status")


class YearsBetween(Func):
    """Whole years from the second date to the first (PostgreSQL's age())."""

    template = "EXTRACT(YEAR FROM age(%(expressions)s))::integer"
    output_field = IntegerField()


AGE_BANDS = (
    ("under_10", "Under 10", 10),
    ("10_12", "10 to 12", 13),
    ("13_15", "13 to 15", 16),
    ("16_17", "16 to 17", 18),
)


def age_band_at_referral():
    """The child's age band on the day the referral was received: from the date
    of birth, else the estimated age; 18 and over, or not known."""
    age = Coalesce(
        YearsBetween(Cast("received_at", DateField()), F("child__date_of_birth")),
        F("child__estimated_age"),
        output_field=IntegerField(),
    )
    whens = [When(age_at__lt=below, then=Value(code)) for code, _label, below in AGE_BANDS]
    return age, Case(*whens, When(age_at__isnull=False, then=Value("18_plus")), default=Value(""),
                     output_field=CharField())  # fmt: skip


@indicator(
    group=GROUP, order=17, title="Referrals received, by the child's age",
    definition="Referrals received in the period, by the child's age on the day the referral was received, from "
    "the date of birth or, where it is not known, the estimated age.",
)  # fmt: skip
def referrals_by_age_band(scope: Scope) -> Table:
    age, band = age_band_at_referral()
    labels = {**{code: label for code, label, _below in AGE_BANDS}, "18_plus": "18 and over", "": "Not known"}
    rows = counted_rows(received(scope).annotate(age_at=age).annotate(age_band=band), "age_band", labels, scope)
    order = list(labels.values())
    rows.sort(key=lambda row: order.index(row.label))
    return Table([*rows, total_row(rows)], breakdown="Age when referred")


@indicator(
    group=GROUP, order=18, title="Referrals received, by exploitation model",
    definition="Referrals received in the period recording each exploitation model. A referral may record more "
    "than one, so the rows add up to more than the referrals; 'None recorded' counts those with none.",
)  # fmt: skip
def referrals_by_exploitation_model(scope: Scope) -> Table:
    seen = seen_filter(Referral, scope)
    conditions = {label: Q(exploitation_models__contains=[code]) for code, label in ExploitationModel.choices}
    conditions["None recorded"] = Q(exploitation_models=[])
    aggregates = {}
    for number, condition in enumerate(conditions.values()):
        aggregates[f"records_{number}"] = Count("pk", filter=condition)
        aggregates[f"seen_{number}"] = Count("pk", filter=condition & seen)
    figures = counted(received(scope), scope).aggregate(**aggregates)
    rows = [
        Row(label, figures[f"records_{number}"], figures[f"records_{number}"], figures[f"seen_{number}"])
        for number, label in enumerate(conditions)
        if figures[f"records_{number}"]
    ]
    return Table(sorted(rows, key=lambda row: (-row.records, row.label)), breakdown="Exploitation model")


@indicator(
    group=GROUP, order=14, title="Repeat referrals",
    definition="Referrals received in the period about a child who had another referral received in the 12 months "
    "before it.",
)  # fmt: skip
def repeat_referrals(scope: Scope) -> Table:
    earlier = Referral.objects.filter(
        child=OuterRef("child"),
        received_at__lt=OuterRef("received_at"),
        received_at__gte=OuterRef("received_at") - datetime.timedelta(days=365),
    )
    labelled = received(scope).annotate(repeat=Exists(earlier))
    labels = {True: "Repeat (another in the 12 months before)", False: "First in 12 months"}
    rows = counted_rows(labelled, "repeat", labels, scope)
    return Table([*rows, total_row(rows)], breakdown="Referral")


def missing_episodes(scope: Scope, *, whole: bool = False):
    """Episodes reported in the period (`whole`: at any time) within the filters."""
    episodes = MissingEpisode.objects.all()
    if not whole:
        episodes = episodes.filter(reported_missing_at__gte=scope.start_at, reported_missing_at__lt=scope.end_before)
    if scope.district:
        episodes = episodes.filter(referral__district__code=scope.district)
    if scope.agency:
        episodes = episodes.filter(referral__owning_agency__code=scope.agency)
    if scope.risk_level:
        episodes = episodes.filter(referral__risk_level=scope.risk_level)
    return episodes


@indicator(
    group="Missing episodes", order=40, title="Missing episodes and return interviews",
    definition="Missing episodes reported in the period; of those found, how many had a return interview within "
    "72 hours of being found; and how many children had three or more episodes in the period.",
    trend=lambda scope: monthly_rows(missing_episodes(scope, whole=True), "reported_missing_at", scope, via="referral"),
)  # fmt: skip
def missing_episode_figures(scope: Scope) -> Table:
    episodes = counted(missing_episodes(scope), scope, via="referral")
    seen = seen_filter(MissingEpisode, scope, via="referral")
    within = Q(
        return_interview_done_at__isnull=False,
        return_interview_done_at__lte=F("found_at") + datetime.timedelta(hours=72),
    )
    figures = episodes.aggregate(
        records=Count("pk"),
        seen=Count("pk", filter=seen),
        found=Count("pk", filter=Q(found_at__isnull=False)),
        found_seen=Count("pk", filter=Q(found_at__isnull=False) & seen),
        interviewed=Count("pk", filter=within),
        interviewed_seen=Count("pk", filter=within & seen),
    )
    frequent = (
        episodes.order_by().values("referral__child").annotate(episodes=Count("pk"), seen=Count("pk", filter=seen))
        .filter(episodes__gte=3)
    )  # fmt: skip
    children = list(frequent)
    rows = [
        Row("Episodes reported", figures["records"], figures["records"], figures["seen"]),
        Row("Found", figures["found"], figures["found"], figures["found_seen"]),
        Row(
            "Return interview within 72 hours of being found",
            figures["interviewed"],
            figures["interviewed"],
            figures["interviewed_seen"],
        ),
        Row(
            "Children with 3 or more episodes",
            len(children),
            sum(child["episodes"] for child in children),
            sum(child["seen"] for child in children),
        ),
    ]
    return Table(rows, breakdown="Measure")


@indicator(
    group="Caseload", order=20, title="Open caseload at the end of the period, by owning agency",
    definition="Referrals received by the end of the period and not closed by then, by the agency that owns them.",
)  # fmt: skip
def open_caseload(scope: Scope) -> Table:
    open_then = (
        filtered(scope)
        .filter(received_at__lt=scope.end_before)
        .exclude(closed_at__lt=scope.end_before, status=Status.CLOSED)
    )
    names = dict(Agency.objects.values_list("pk", "name"))
    rows = counted_rows(open_then, "owning_agency", names, scope)
    return Table([*rows, total_row(rows)], breakdown="Owning agency")


@indicator(
    group="Caseload", order=21, title="Referrals closed in the period, by reason",
    definition="Referrals whose closing date falls in the period, by the reason recorded when they were closed.",
    trend=lambda scope: monthly_rows(filtered(scope), "closed_at", scope),
)  # fmt: skip
def closed_by_reason(scope: Scope) -> Table:
    closed = filtered(scope).filter(closed_at__gte=scope.start_at, closed_at__lt=scope.end_before)
    rows = counted_rows(closed, "closure_reason", dict(ClosureReason.choices), scope)
    return Table([*rows, total_row(rows)], breakdown="Reason")


def timeliness_rows(queryset, start: str, end: str, scope: Scope) -> list[Row]:
    return duration_rows(queryset, start, end, scope)


@indicator(
    group="Timeliness", order=30, title="Time from referral to first action",
    definition="For referrals received in the period that have had a first action: days from the referral being "
    "received to its first action (a chronology entry, action or assessment), median and 90th percentile.",
)  # fmt: skip
def time_to_first_action(scope: Scope) -> Table:
    return Table(timeliness_rows(received(scope), "received_at", "first_action_at", scope), breakdown="Measure")


@indicator(
    group="Timeliness", order=31, title="Time from referral to risk assessment",
    definition="For referrals received in the period with an approved risk assessment: days from the referral "
    "being received to the first assessment's approval, median and 90th percentile.",
)  # fmt: skip
def time_to_risk_assessment(scope: Scope) -> Table:
    return Table(timeliness_rows(received(scope), "received_at", "risk_assessed_at", scope), breakdown="Measure")


@indicator(
    group="Data quality", order=90, title="Open cases missing key information",
    definition="Of the referrals open now (within the filters), the share with no risk level, with the child's "
    "ethnicity not stated, and with no exploitation model recorded.",
)  # fmt: skip
def missing_information(scope: Scope) -> Table:
    open_now = counted(filtered(scope).exclude(status=Status.CLOSED), scope)
    seen = seen_filter(Referral, scope)
    missing = {
        "No risk level": Q(risk_level=""),
        "Ethnicity not stated": Q(child__ethnicity="not_stated"),
        "No exploitation model": Q(exploitation_models=[]),
    }
    aggregates = {"total": Count("pk")}
    for number, condition in enumerate(missing.values()):
        aggregates[f"records_{number}"] = Count("pk", filter=condition)
        aggregates[f"seen_{number}"] = Count("pk", filter=condition & seen)
    figures = open_now.aggregate(**aggregates)
    total = figures["total"]
    rows = []
    for number, label in enumerate(missing):
        records = figures[f"records_{number}"]
        rows.append(
            Row(label, round(100 * records / total, 1) if total else None, records, figures[f"seen_{number}"], "%")
        )
    return Table(rows, breakdown="Missing")


RISK_ORDER = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}
MOVEMENT_LABELS = {
    "up": "Risk increased",
    "down": "Risk reduced",
    "same": "No change",
    "new": "First assessed in the period",
}


def level_at(moment) -> Subquery:
    """The professional risk level of a referral's newest assessment approved before `moment`."""
    return Subquery(
        RiskAssessment.objects.filter(
            referral=OuterRef("pk"), status=RiskAssessment.Status.APPROVED, decided_at__lt=moment
        )
        .order_by("-decided_at", "-id")
        .values("professional_level")[:1]
    )


@indicator(
    group="Risk movement", order=25, title="Risk movement over the period",
    definition="Referrals open at some point in the period with an approved risk assessment by its end: the "
    "professional risk level of the newest assessment approved before the period began, against the newest "
    "approved by its end. Higher, lower or the same; or first assessed during the period.",
)  # fmt: skip
def risk_movement(scope: Scope) -> Table:
    approved_by_end = RiskAssessment.objects.filter(
        status=RiskAssessment.Status.APPROVED, decided_at__lt=scope.end_before
    ).values("referral")
    referrals = (
        filtered(scope)
        .filter(pk__in=approved_by_end, received_at__lt=scope.end_before)
        .exclude(status=Status.CLOSED, closed_at__lt=scope.start_at)
        .annotate(at_start=level_at(scope.start_at), at_end=level_at(scope.end_before))
    )
    higher = Q()
    lower = Q()
    for start, start_rank in RISK_ORDER.items():
        higher |= Q(at_start=start, at_end__in=[level for level, rank in RISK_ORDER.items() if rank > start_rank])
        lower |= Q(at_start=start, at_end__in=[level for level, rank in RISK_ORDER.items() if rank < start_rank])
    moved = referrals.annotate(
        movement=Case(
            When(at_start__isnull=True, then=Value("new")),
            When(higher, then=Value("up")),
            When(lower, then=Value("down")),
            default=Value("same"),
            output_field=CharField(),
        )
    )
    rows = counted_rows(moved, "movement", MOVEMENT_LABELS, scope)
    order = list(MOVEMENT_LABELS.values())
    rows.sort(key=lambda row: order.index(row.label) if row.label in order else len(order))
    return Table([*rows, total_row(rows)], breakdown="Movement")


@indicator(
    group="Risk movement", order=26, drilldown="referrals:referral_list",
    title="Open cases with a risk review overdue, by owning agency",
    definition="Referrals open now (within the filters) whose risk review date has passed, by the agency that owns "
    "them. This is today's position, whatever the period.",
)  # fmt: skip
def reviews_overdue(scope: Scope) -> Table:
    names = dict(Agency.objects.values_list("pk", "name"))

    def link(agency) -> tuple:
        query = {"overdue": "on", "owning_agency": agency}
        if scope.district:
            query["district"] = District.objects.filter(code=scope.district).values_list("pk", flat=True).first()
        if scope.risk_level:
            query["risk_level"] = scope.risk_level
        return tuple(query.items())

    rows = counted_rows(filtered(scope).review_overdue(), "owning_agency", names, scope, link=link)
    return Table([*rows, total_row(rows)], breakdown="Owning agency")
