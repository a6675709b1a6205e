"""Risk assessments: an instrument's indicators answered, a computed level (by
the instrument's rules and the override rules), the professional judgement,
and a supervisor's approval."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Agency
from referrals.models.instruments import Indicator, Instrument, RiskLevel
from referrals.models.referrals import Referral
from sharing.querysets import DependentQuerySet
from sharing.registry import dependent


@dependent(parent_field="referral")
class RiskAssessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Awaiting approval"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned for changes"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="assessments")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    score = models.PositiveSmallIntegerField(
        default=0, help_text="The instrument's result: points, or the highest category present"
    )
    band_label = models.CharField(max_length=100, blank=True)
    computed_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    override_rules_applied = models.JSONField(
        default=list, blank=True, help_text="Descriptions of the override rules that raised the computed level"
    )
    professional_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    rationale = models.TextField(blank=True, help_text="Required when the professional level differs")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    review_due = models.DateField(null=True, blank=True)

    objects = DependentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # The home page's "returned assessments" queue (referrals/queues.py).
        indexes = [
            models.Index(fields=["assessed_by"], condition=Q(status="returned"), name="assessment_returned_by_idx"),
            # "Assessments awaiting approval": an agency's submitted ones, newest first.
            models.Index(
                fields=["agency", "-created_at", "-id"],
                condition=Q(status="submitted"),
                name="assessment_submitted_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="assessment_override_has_rationale",
                condition=Q(professional_level=models.F("computed_level")) | ~Q(rationale=""),
                violation_error_message="Give a rationale when your judgement differs from the computed level.",
            ),
        ]

    def __str__(self):
        return f"{self.instrument} for {self.referral_id}"

    @property
    def overridden(self) -> bool:
        return self.professional_level != self.computed_level


class Answer(models.TextChoices):
    NO = "no", "No"
    YES = "yes", "Yes"
    SUSPECTED = "suspected", "Suspected"


class Timeframe(models.TextChoices):
    CURRENT = "current", "Now (within the last 6 months)"
    PAST = "past", "6 to 12 months ago"
    BOTH = "both", "Both"


class IndicatorAnswer(models.Model):
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    timeframe = models.CharField(max_length=10, choices=Timeframe.choices, blank=True)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["indicator__section__position", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="answer_once_per_indicator"),
            models.CheckConstraint(name="answer_present_has_timeframe", condition=Q(answer="no") | ~Q(timeframe="")),
        ]

    def __str__(self):
        return f"{self.indicator_id}: {self.answer}"
