"""Computing a risk level from an instrument's answers. Pure: the instrument's
sections, bands and the override rules are data, read from the database by
the caller, so the rules of every version can be tested at every band edge."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from referrals.models.instruments import RISK_RANK, Band, Instrument, OverrideRule, RiskLevel, Section


@dataclass(frozen=True)
class Response:
    """One indicator's answer: yes / no / suspected, and when."""

    answer: str  # "yes" | "no" | "suspected"
    timeframe: str = ""  # "current" | "past" | "both"


@dataclass(frozen=True)
class Result:
    score: int
    band_label: str
    banded_level: str
    computed_level: str
    rules_applied: list[str] = field(default_factory=list)


def present(response: Response, *, suspected_counts: bool) -> bool:
    return response.answer == "yes" or (suspected_counts and response.answer == "suspected")


def section_points(section: Section, timeframe: str) -> int:
    return {"current": section.points_current, "past": section.points_past, "both": section.points_both}.get(
        timeframe, section.points_current
    )


def instrument_value(instrument: Instrument, sections: Iterable[Section], responses: Mapping[int, Response]) -> int:
    """The score (points summed) or the highest category with an indicator
    present. `responses` maps indicator id to its response; sections must have
    their indicators prefetched."""
    value = 0
    for section in sections:
        for indicator in section.indicators.all():
            response = responses.get(indicator.pk)
            if response is None or not present(response, suspected_counts=instrument.suspected_counts):
                continue
            if instrument.method == Instrument.Method.SCORE:
                value += section_points(section, response.timeframe)
            else:
                value = max(value, section.category or 0)
    return value


def band_for(bands: Iterable[Band], value: int) -> Band:
    for band in bands:
        if band.covers(value):
            return band
    raise LookupError(f"No band covers {value}: the instrument's bands have a gap")


def apply_override_rules(level: str, *, age: int | None, rules: Iterable[OverrideRule]) -> tuple[str, list[str]]:
    """Raise the level to each applicable rule's floor; never lowers it. A child
    of unknown age is treated as covered by an age rule (the precautionary reading)."""
    applied = []
    for rule in rules:
        if (age is None or age < rule.under_age) and RISK_RANK[rule.minimum_level] > RISK_RANK[level]:
            level = rule.minimum_level
            applied.append(rule.description)
    return level, applied


def compute(
    instrument: Instrument,
    sections: Iterable[Section],
    bands: Iterable[Band],
    rules: Iterable[OverrideRule],
    responses: Mapping[int, Response],
    *,
    age: int | None,
) -> Result:
    value = instrument_value(instrument, sections, responses)
    band = band_for(bands, value)
    level, applied = apply_override_rules(RiskLevel(band.risk_level), age=age, rules=rules)
    return Result(
        score=value, band_label=band.label, banded_level=band.risk_level, computed_level=level, rules_applied=applied
    )


def load_instrument(instrument: Instrument):
    """The instrument's sections (with indicators), bands and applicable override
    rules, in three queries."""
    from django.db.models import Q

    sections = list(instrument.sections.prefetch_related("indicators"))
    bands = list(instrument.bands.all())
    rules = list(OverrideRule.objects.filter(Q(instrument=instrument) | Q(instrument__isnull=True), active=True))
    return sections, bands, rules
