"""Risk scoring through the instrument rows migration 0002 loads: SERAF v1
(points, banded), the Kent & Medway toolkit v1 (highest category) and the
"under 13 is never low" override rule."""

import datetime
import itertools

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from referrals import scoring
from referrals.instrument_data import SERAF_V1, InstrumentData, SectionData, load_instruments
from referrals.models import Indicator, Instrument, OverrideRule
from referrals.scoring import Response
from referrals.services import compute_for
from tests.referrals.conftest import responses_by_code
from tests.referrals.factories import ChildFactory

pytestmark = pytest.mark.django_db

VULNERABILITIES = [code for code, _, _ in SERAF_V1.sections[0].indicators]
MODERATE = [code for code, _, _ in SERAF_V1.sections[1].indicators]
SIGNIFICANT = [code for code, _, _ in SERAF_V1.sections[2].indicators]


def seraf() -> Instrument:
    return Instrument.objects.get(code="seraf", version=1)


def toolkit() -> Instrument:
    return Instrument.objects.get(code="kent-medway-toolkit", version=1)


def compute(instrument: Instrument, answers: dict, *, age: int | None = 14) -> scoring.Result:
    sections, bands, rules = scoring.load_instrument(instrument)
    return scoring.compute(instrument, sections, bands, rules, responses_by_code(instrument, answers), age=age)


def present(codes, timeframe="current") -> dict:
    return dict.fromkeys(codes, ("yes", timeframe))


# --- SERAF -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "score", "band", "level"),
    [
        ({}, 0, "Not at risk", "low"),
        (present(VULNERABILITIES[:5]), 5, "Not at risk", "low"),
        (present(VULNERABILITIES[:6]), 6, "Mild risk", "low"),
        (present(SIGNIFICANT[:1]) | present(VULNERABILITIES[:5]), 10, "Mild risk", "low"),
        (present(SIGNIFICANT[:1] + MODERATE[:1]) | present(VULNERABILITIES[:5]), 11, "Moderate risk", "medium"),
        (present(SIGNIFICANT[:3]), 15, "Moderate risk", "medium"),
        (present(SIGNIFICANT[:3]) | present(VULNERABILITIES[:1]), 16, "Significant risk", "high"),
        (present(SIGNIFICANT, "both") | present(MODERATE) | present(VULNERABILITIES), 61, "Significant risk", "high"),
    ],
    ids=["0", "5", "6", "10", "11", "15", "16", "everything"],
)
def test_seraf_band_edges(answers, score, band, level):
    result = compute(seraf(), answers)

    assert (result.score, result.band_label, result.computed_level) == (score, band, level)
    assert result.rules_applied == []


@pytest.mark.parametrize(("timeframe", "points"), [("current", 5), ("past", 1), ("both", 6)])
def test_seraf_significant_indicator_points_by_timeframe(timeframe, points):
    assert compute(seraf(), {"older-partner": ("yes", timeframe)}).score == points


@pytest.mark.parametrize(("timeframe", "points"), [("current", 1), ("past", 0), ("both", 1)])
def test_seraf_moderate_indicator_counts_only_when_current(timeframe, points):
    assert compute(seraf(), {"unexplained-gifts": ("yes", timeframe)}).score == points


@pytest.mark.parametrize("timeframe", ["current", "past", "both"])
def test_seraf_vulnerability_scores_one_whenever(timeframe):
    assert compute(seraf(), {"looked-after": ("yes", timeframe)}).score == 1


def test_seraf_answers_no_score_nothing():
    answers = dict.fromkeys(VULNERABILITIES + MODERATE + SIGNIFICANT, "no")

    assert compute(seraf(), answers).score == 0


def test_suspected_counts_as_present_by_default():
    instrument = seraf()
    assert instrument.suspected_counts

    result = compute(instrument, {"older-partner": ("suspected", "current"), "cars": ("suspected", "current"),
                                  "disclosure": ("suspected", "both")})  # fmt: skip

    assert (result.score, result.computed_level) == (16, "high")


def test_suspected_does_not_count_when_the_instrument_says_so():
    instrument = seraf()
    instrument.suspected_counts = False
    instrument.save()

    result = compute(
        Instrument.objects.get(pk=instrument.pk),
        {"older-partner": ("suspected", "current"), "cars": ("yes", "current")},
    )

    assert result.score == 5


# --- Kent & Medway toolkit ---------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "category", "level"),
    [
        ({}, 0, "low"),
        ({"school-absence": ("yes", "current"), "gifts": "no"}, 1, "low"),
        ({"school-absence": ("yes", "current"), "gifts": ("yes", "past")}, 2, "medium"),
        ({"disclosure": ("suspected", "current"), "school-absence": ("yes", "current")}, 3, "high"),
        (
            {"school-absence": ("yes", "current"), "risky-online": ("yes", "current"), "missing": ("yes", "current")},
            2,
            "medium",
        ),
    ],
    ids=["none", "category-1", "category-2", "category-3", "highest-not-sum"],
)
def test_toolkit_takes_the_highest_category_present(answers, category, level):
    result = compute(toolkit(), answers)

    assert (result.score, result.computed_level) == (category, level)


# --- override rules ----------------------------------------------------------------


def child_born(date_of_birth):
    return ChildFactory(date_of_birth=date_of_birth)


@pytest.mark.parametrize(
    ("on", "level", "raised"),
    [
        (datetime.date(2026, 6, 14), "medium", True),  # the day before the 13th birthday
        (datetime.date(2026, 6, 15), "low", False),  # the 13th birthday
        (datetime.date(2025, 1, 1), "medium", True),  # aged 11
        (datetime.date(2027, 6, 15), "low", False),  # aged 14
    ],
    ids=["12-day-before-birthday", "13-on-birthday", "11", "14"],
)
def test_under_13_is_never_rated_low(on, level, raised):
    child = child_born(datetime.date(2013, 6, 15))
    instrument = seraf()

    result = compute_for(instrument, child, responses_by_code(instrument, present(VULNERABILITIES[:2])), on=on)

    assert result.banded_level == "low"
    assert result.computed_level == level
    assert result.rules_applied == (["A child under 13 is never rated low"] if raised else [])


@pytest.mark.parametrize(
    ("on", "level"),
    [(datetime.date(2025, 2, 28), "medium"), (datetime.date(2025, 3, 1), "low")],
    ids=["28-feb", "1-mar"],
)
def test_a_child_born_on_29_february_turns_13_on_1_march_in_a_common_year(on, level):
    instrument = seraf()

    assert compute_for(instrument, child_born(datetime.date(2012, 2, 29)), {}, on=on).computed_level == level


def test_under_13_rule_never_lowers_a_high_level():
    child = child_born(datetime.date(2016, 1, 1))
    instrument = seraf()

    result = compute_for(
        instrument, child, responses_by_code(instrument, present(SIGNIFICANT[:4])), on=datetime.date(2026, 1, 1)
    )

    assert (result.computed_level, result.rules_applied) == ("high", [])


def test_under_13_rule_applies_to_the_toolkit_too():
    child = child_born(datetime.date(2016, 1, 1))
    instrument = toolkit()

    result = compute_for(instrument, child, {}, on=datetime.date(2026, 1, 1))

    assert (result.banded_level, result.computed_level) == ("low", "medium")


def test_a_child_of_unknown_age_is_treated_as_covered_by_the_age_rule():
    assert compute(seraf(), {}, age=None).computed_level == "medium"


def test_a_child_with_only_an_estimated_age_is_judged_by_it():
    instrument = seraf()

    assert compute_for(instrument, ChildFactory(date_of_birth=None, estimated_age=12), {}).computed_level == "medium"
    assert compute_for(instrument, ChildFactory(date_of_birth=None, estimated_age=15), {}).computed_level == "low"


def test_an_inactive_rule_or_one_for_another_instrument_does_not_apply():
    OverrideRule.objects.filter(code="under-13-never-low").update(active=False)
    OverrideRule.objects.create(
        code="toolkit-under-16-high", description="Toolkit: under 16 is high", instrument=toolkit(),
        under_age=16, minimum_level="high",
    )  # fmt: skip

    assert compute(seraf(), {}, age=10).computed_level == "low"
    assert compute(toolkit(), {}, age=10).computed_level == "high"


# --- bands ------------------------------------------------------------------------


def test_a_gap_between_bands_is_an_error_not_a_guess():
    gapped = InstrumentData(
        code="gapped",
        version=1,
        name="Gapped",
        method="score",
        description="",
        sections=(SectionData("all", "All", (1, 1, 1), None, (("a", "family", "A"), ("b", "family", "B"))),),
        bands=((0, 0, "None", "low"), (2, None, "Some", "high")),
    )
    load_instruments(apps, instruments=(gapped,), override_rules=())
    instrument = Instrument.objects.get(code="gapped")

    assert compute(instrument, {"a": ("yes", "current"), "b": ("yes", "current")}).computed_level == "high"
    with pytest.raises(LookupError, match="No band covers 1"):
        compute(instrument, {"a": ("yes", "current")})


def test_instruments_loaded_by_migration_have_no_band_gaps():
    for instrument in Instrument.objects.filter(code__in=["seraf", "kent-medway-toolkit"]):
        bands = list(instrument.bands.order_by("lowest"))
        assert bands[0].lowest == 0
        assert bands[-1].highest is None
        for lower, upper in itertools.pairwise(bands):
            assert upper.lowest == lower.highest + 1, f"{instrument}: gap or overlap after {lower}"


# --- property --------------------------------------------------------------------

ANSWERS = st.sampled_from(["no", "yes", "suspected"])
TIMEFRAMES = st.sampled_from(["current", "past", "both"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), age=st.one_of(st.none(), st.integers(min_value=0, max_value=17)))
def test_answering_yes_instead_of_no_never_lowers_the_score_or_level(data, age):
    for instrument in (seraf(), toolkit()):
        sections, bands, rules = scoring.load_instrument(instrument)
        ids = list(Indicator.objects.filter(section__instrument=instrument).values_list("pk", flat=True))
        answers = {pk: Response(data.draw(ANSWERS), data.draw(TIMEFRAMES)) for pk in ids}
        changed = data.draw(st.sampled_from(ids))
        before = dict(answers) | {changed: Response("no", answers[changed].timeframe)}
        after = dict(answers) | {changed: Response("yes", answers[changed].timeframe)}

        low = scoring.compute(instrument, sections, bands, rules, before, age=age)
        high = scoring.compute(instrument, sections, bands, rules, after, age=age)

        assert high.score >= low.score
        assert scoring.RISK_RANK[high.computed_level] >= scoring.RISK_RANK[low.computed_level]
