"""The risk assessment form: one question per indicator of the chosen
instrument (yes / no / suspected, when, and the evidence), then the
professional judgement. Scoring and the rules about overrides are the
services'; this form only reads the page."""

from dataclasses import dataclass

from django import forms

from referrals.models import Instrument
from referrals.models.assessments import Answer, Timeframe
from referrals.models.instruments import Indicator, RiskLevel, Section
from referrals.scoring import Response

PRESENT = (Answer.YES, Answer.SUSPECTED)


class InstrumentChoiceForm(forms.Form):
    instrument = forms.ModelChoiceField(
        queryset=Instrument.objects.filter(active=True),
        widget=forms.RadioSelect,
        label="Which assessment tool are you using?",
        empty_label=None,
        error_messages={"required": "Choose an assessment tool", "invalid_choice": "Choose an assessment tool"},
    )


@dataclass
class IndicatorQuestion:
    """One indicator's three inputs, for the template."""

    indicator: Indicator
    answer: forms.BoundField
    timeframe: forms.BoundField
    evidence: forms.BoundField


@dataclass
class SectionQuestions:
    section: Section
    questions: list[IndicatorQuestion]


def answer_field_name(indicator_id: int) -> str:
    # The services name their field errors the same way.
    return f"indicator_{indicator_id}"


def timeframe_field_name(indicator_id: int) -> str:
    return f"timeframe_{indicator_id}"


def evidence_field_name(indicator_id: int) -> str:
    return f"evidence_{indicator_id}"


class RiskAssessmentForm(forms.Form):
    professional_level = forms.ChoiceField(
        choices=RiskLevel.choices,
        widget=forms.RadioSelect,
        label="Your professional judgement of the risk",
        help_text="Usually the computed level. If you judge it differently, say why below.",
        error_messages={"required": "Choose low, medium or high", "invalid_choice": "Choose low, medium or high"},
    )
    rationale = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Rationale",
        help_text="Required when your judgement differs from the computed level. A supervisor will review it.",
    )

    def __init__(self, *args, sections: list[Section], **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            for indicator in section.indicators.all():
                self.fields[answer_field_name(indicator.pk)] = forms.ChoiceField(
                    choices=Answer.choices,
                    widget=forms.RadioSelect,
                    label=indicator.text,
                    error_messages={
                        "required": f"Answer yes, no or suspected: {indicator.text}",
                        "invalid_choice": f"Answer yes, no or suspected: {indicator.text}",
                    },
                )
                self.fields[timeframe_field_name(indicator.pk)] = forms.ChoiceField(
                    choices=[("", "Choose when"), *Timeframe.choices],
                    required=False,
                    label="When",
                    error_messages={"invalid_choice": "Choose now, 6 to 12 months ago, or both"},
                )
                self.fields[evidence_field_name(indicator.pk)] = forms.CharField(
                    required=False,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    label="Evidence",
                )
        # The error summary lists errors in field order, which is the page's:
        # the indicators first, the judgement after them.
        self.order_fields([name for name in self.fields if name not in ("professional_level", "rationale")])

    def section_questions(self) -> list[SectionQuestions]:
        return [
            SectionQuestions(
                section=section,
                questions=[
                    IndicatorQuestion(
                        indicator=indicator,
                        answer=self[answer_field_name(indicator.pk)],
                        timeframe=self[timeframe_field_name(indicator.pk)],
                        evidence=self[evidence_field_name(indicator.pk)],
                    )
                    for indicator in section.indicators.all()
                ],
            )
            for section in self.sections
        ]

    def indicators(self):
        for section in self.sections:
            yield from section.indicators.all()

    def clean(self):
        cleaned = super().clean()
        for indicator in self.indicators():
            answer = cleaned.get(answer_field_name(indicator.pk))
            if answer in PRESENT and not cleaned.get(timeframe_field_name(indicator.pk)):
                self.add_error(
                    timeframe_field_name(indicator.pk),
                    f"Say when, for “{indicator.text}”: now, 6 to 12 months ago, or both",
                )
        return cleaned

    def responses(self) -> dict[int, Response]:
        return {
            indicator.pk: Response(
                answer=self.cleaned_data[answer_field_name(indicator.pk)],
                timeframe=self.cleaned_data.get(timeframe_field_name(indicator.pk)) or "",
            )
            for indicator in self.indicators()
        }

    def evidence(self) -> dict[int, str]:
        return {
            indicator.pk: self.cleaned_data.get(evidence_field_name(indicator.pk), "")
            for indicator in self.indicators()
            if self.cleaned_data.get(evidence_field_name(indicator.pk), "").strip()
        }


@dataclass(frozen=True)
class ProvisionalAnswers:
    """The answers given so far, read leniently, for showing the level while
    the form is being filled in. Unanswered indicators count as absent; a
    present one without a timeframe counts as current until one is chosen."""

    responses: dict[int, Response]
    without_timeframe: int
    answered: int
    total: int


def provisional_answers(data, sections: list[Section]) -> ProvisionalAnswers:
    responses, without_timeframe, total = {}, 0, 0
    for section in sections:
        for indicator in section.indicators.all():
            total += 1
            answer = data.get(answer_field_name(indicator.pk), "")
            if answer not in Answer.values:
                continue
            timeframe = data.get(timeframe_field_name(indicator.pk), "")
            if timeframe not in Timeframe.values:
                timeframe = ""
            if answer in PRESENT and not timeframe:
                without_timeframe += 1
            responses[indicator.pk] = Response(answer=answer, timeframe=timeframe)
    return ProvisionalAnswers(
        responses=responses, without_timeframe=without_timeframe, answered=len(responses), total=total
    )


class ReturnAssessmentForm(forms.Form):
    reason = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What needs to change?",
        help_text="The assessor will see this with the returned assessment.",
        error_messages={"required": "Say what needs to change"},
    )
