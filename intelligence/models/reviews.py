"""Review and retention (MoPI): every intelligence report has a review-due
date computed from a retention rule (reference data an administrator keeps,
not law typed into code); a review records retain / archive / dispose, a
rationale and, unless disposed, the next review computed from the rule.
Disposal leaves a tombstone (the reference, the dates, the review that
disposed of it) and the access log, not the content."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils import timezone

from cse_team.validators import NOTE_MAX_LENGTH
from intelligence.models.core import IntelligenceReport
from intelligence.models.disruptions import Disruption
from intelligence.models.profiles import ProblemProfile
from sharing.querysets import DependentQuerySet
from sharing.registry import dependent, dependent_for_model


class RetentionRule(models.Model):
    """A MoPI review period [verify]: the group of the management of police
    information guidance a record falls in and how long until its review."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    review_after_months = models.PositiveSmallIntegerField(help_text="Months from creation or the last review")
    is_default = models.BooleanField(default=False, help_text="Applied to a new report")

    class Meta:
        ordering = ["review_after_months", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_retention_rule"
            )
        ]

    def __str__(self):
        return self.name

    def review_due_after(self, day: datetime.date) -> datetime.date:
        """The same day `review_after_months` later (the month's last day if it has no such day)."""
        return day + relativedelta(months=self.review_after_months)


RATIONALE_MAX_LENGTH = NOTE_MAX_LENGTH  # the form, the API and the service


class ReviewDecision(models.TextChoices):
    RETAIN = "retain", "Retain"
    ARCHIVE = "archive", "Archive (retain, out of day-to-day use)"
    DISPOSE = "dispose", "Dispose"


class ReviewRecord(models.Model):
    """What a MoPI review records, whatever kind of record it reviews."""

    decision = models.CharField(max_length=10, choices=ReviewDecision.choices)
    rationale = models.TextField()
    retention_rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    next_review_due = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)

    objects = DependentQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-reviewed_at", "-id"]

    def __str__(self):
        return f"{self.get_decision_display()} ({self.record_id})"

    @property
    def record_id(self):
        return getattr(self, f"{REVIEWED_FIELD[type(self)]}_id")


@dependent(parent_field="report")
class Review(ReviewRecord):
    """One MoPI review of a report."""

    report = models.ForeignKey(IntelligenceReport, on_delete=models.PROTECT, related_name="reviews")

    class Meta(ReviewRecord.Meta):
        pass


@dependent(parent_field="disruption")
class DisruptionReview(ReviewRecord):
    """One MoPI review of a disruption."""

    disruption = models.ForeignKey(Disruption, on_delete=models.PROTECT, related_name="reviews")

    class Meta(ReviewRecord.Meta):
        pass


@dependent(parent_field="profile")
class ProfileReview(ReviewRecord):
    """One MoPI review of a problem profile."""

    profile = models.ForeignKey(ProblemProfile, on_delete=models.PROTECT, related_name="reviews")

    class Meta(ReviewRecord.Meta):
        pass


# Each review model's field naming the record it reviews: its `@dependent`
# parent; and each reviewed kind's review model.
REVIEWED_FIELD = {model: dependent_for_model(model).parent_field for model in (Review, DisruptionReview, ProfileReview)}
REVIEW_MODELS = {model._meta.get_field(field).remote_field.model: model for model, field in REVIEWED_FIELD.items()}
