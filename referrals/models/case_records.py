"""What is recorded on a case: chronology, actions and missing episodes. Each
is seen through its referral and names the agency that recorded it."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Agency
from referrals.models.referrals import Referral
from sharing.querysets import DependentQuerySet
from sharing.registry import dependent

RETURN_INTERVIEW_WITHIN = datetime.timedelta(hours=72)


@dependent(parent_field="referral")
class ChronologyEntry(models.Model):
    class Kind(models.TextChoices):
        CONTACT = "contact", "Contact with the child or family"
        DISCLOSURE = "disclosure", "Disclosure"
        INCIDENT = "incident", "Incident"
        MEETING = "meeting", "Meeting or strategy discussion"
        INFORMATION = "information", "Information received"
        NOTE = "note", "Case note"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="chronology")
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTE)
    summary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = DependentQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "chronology entries"
        ordering = ["-occurred_at", "-id"]
        # "Recent activity" (MASE's stuck-case criterion, mase/agenda.py) reads entries by when they were made.
        indexes = [models.Index(fields=["created_at"], name="chronology_created_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.occurred_at:%d %b %Y}"


class ActionQuerySet(DependentQuerySet):
    def outstanding(self):
        return self.filter(status=Action.Status.OPEN)

    def overdue(self, today: datetime.date | None = None):
        return self.outstanding().filter(due_date__lt=today or timezone.localdate())


@dependent(parent_field="referral")
class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", help_text="Agency that set it")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        # The home page's "my actions due" queue (referrals/queues.py), and recent
        # activity (MASE's stuck-case criterion, mase/agenda.py).
        indexes = [
            models.Index(fields=["owner", "due_date"], condition=Q(status="open"), name="action_open_by_owner_idx"),
            models.Index(fields=["created_at"], name="action_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="action_done_has_completion",
                condition=~Q(status="done") | Q(completed_at__isnull=False, completed_by__isnull=False),
            )
        ]

    def __str__(self):
        return self.description[:60]

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()


@dependent(parent_field="referral")
class MissingEpisode(models.Model):
    class MissingFrom(models.TextChoices):
        HOME = "home", "Home"
        CARE_PLACEMENT = "care_placement", "Care placement"
        SCHOOL = "school", "School"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="missing_episodes")
    reported_missing_at = models.DateTimeField()
    found_at = models.DateTimeField(null=True, blank=True)
    missing_from = models.CharField(max_length=20, choices=MissingFrom.choices)
    found_location = models.CharField(max_length=300, blank=True)
    cse_linked = models.BooleanField("linked to CSE", default=False)
    return_interview_offered_at = models.DateTimeField(null=True, blank=True)
    return_interview_done_at = models.DateTimeField(null=True, blank=True)
    interview_findings = models.TextField(blank=True, help_text="What the return interview revealed: places, people")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = DependentQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_missing_at", "-id"]
        # Episodes in a period: MASE's "three or more in 90 days", the dashboard's missing-episode figures.
        indexes = [models.Index(fields=["reported_missing_at"], name="missing_reported_idx")]
        constraints = [
            models.CheckConstraint(
                name="missing_found_after_reported",
                condition=Q(found_at__isnull=True) | Q(found_at__gte=models.F("reported_missing_at")),
            ),
            models.CheckConstraint(
                name="missing_interview_after_found",
                condition=Q(return_interview_done_at__isnull=True)
                | Q(found_at__isnull=False, return_interview_done_at__gte=models.F("found_at")),
            ),
        ]

    def __str__(self):
        return f"Missing from {self.get_missing_from_display().lower()} {self.reported_missing_at:%d %b %Y}"

    @property
    def return_interview_due(self):
        return self.found_at + RETURN_INTERVIEW_WITHIN if self.found_at else None

    @property
    def return_interview_in_time(self) -> bool | None:
        """True or False once done; None while not done (or not found yet)."""
        if not self.found_at or not self.return_interview_done_at:
            return None
        return self.return_interview_done_at <= self.return_interview_due

    @property
    def return_interview_overdue(self) -> bool:
        return bool(self.found_at and not self.return_interview_done_at and timezone.now() > self.return_interview_due)
