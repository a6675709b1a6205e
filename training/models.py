"""Training and awareness: courses (versioned products), sessions delivered to
priority audiences, the organisations they reached, attendance, anonymous
feedback, events (road-shows, campaign launches) and the District Community
Safety Plans whose priority audiences the coverage matrix holds to account.

None of these is case data: sessions, courses, plans and coverage are visible
to every signed-in user. Attendee names and feedback comments are read only
through role permissions (training.permissions; docs/isp.md, "Training")."""

import secrets

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


def new_token() -> str:
    """An unguessable URL token (192 bits)."""
    return secrets.token_urlsafe(24)


class Audience(models.TextChoices):
    """Who a session is for (DOMAIN.md, "Training and awareness")."""

    TAXI_DRIVERS = "taxi-drivers", "Taxi drivers"
    TAXI_OPERATORS = "taxi-operators", "Taxi operators"
    LICENSEES = "licensees", "Licensees and bar staff"
    DOOR_SUPERVISORS = "door-supervisors", "Door supervisors"
    HOTEL_STAFF = "hotel-staff", "Hotel staff"
    SOCIAL_HOUSING_LANDLORDS = "social-housing-landlords", "Social housing landlords"
    HOUSING_OFFICERS = "housing-officers", "Housing officers"
    SCHOOLS = "schools", "Schools"
    YOUTH_GROUPS = "youth-groups", "Youth groups"
    HEALTH = "health", "Health"
    POLICE_STAFF = "police-staff", "Police staff"
    OTHER = "other", "Other"


class Campaign(models.Model):
    """An awareness campaign (Say Something, Operation Willow...): data, not a list in code."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Course(models.Model):
    """A training product; what is delivered is one of its versions."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training:course_detail", args=[self.pk])


class CourseVersionQuerySet(models.QuerySet):
    def plannable(self):
        return self.filter(status__in=CourseVersion.PLANNABLE)


class CourseVersion(models.Model):
    """One version of a course. "Under review" is a state: the content is being
    reviewed, sessions may still be planned on it and say so."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CURRENT = "current", "Current"
        UNDER_REVIEW = "under_review", "Under review"
        WITHDRAWN = "withdrawn", "Withdrawn"

    PLANNABLE = (Status.CURRENT, Status.UNDER_REVIEW)

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(blank=True, help_text="What this version covers and what changed.")
    duration_minutes = models.PositiveSmallIntegerField(default=90)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = CourseVersionQuerySet.as_manager()

    class Meta:
        ordering = ["course__title", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="training_course_version_number_unique"),
            models.UniqueConstraint(
                fields=["course"], condition=Q(status="current"), name="training_one_current_version_per_course"
            ),
        ]

    def __str__(self):
        return f"{self.course.title} (version {self.number})"


class Organisation(models.Model):
    """A business or body reached by training; matched by licence number where it has one."""

    class Kind(models.TextChoices):
        TAXI_OPERATOR = "taxi-operator", "Taxi operator"
        LICENSED_PREMISES = "licensed-premises", "Licensed premises"
        HOTEL = "hotel", "Hotel"
        HOUSING_PROVIDER = "housing-provider", "Housing provider"
        SCHOOL = "school", "School"
        YOUTH_GROUP = "youth-group", "Youth group"
        HEALTH = "health", "Health"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    licence_number = models.CharField(
        max_length=40, null=True, blank=True, unique=True, help_text="Taxi operator or premises licence number."
    )
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.licence_number})" if self.licence_number else self.name


class SessionQuerySet(models.QuerySet):
    def reached(self):
        """Sessions that happened (delivered or evaluated)."""
        return self.filter(status__in=Session.REACHED)

    def in_period(self, start, end):
        """Sessions starting on or after `start` and before the day after `end` (dates)."""
        return self.filter(starts_on__gte=start, starts_on__lte=end)

    def upcoming(self):
        return self.filter(status=Session.Status.PLANNED, starts_at__gte=timezone.now())


def _track_history(model):
    """Change history by database triggers, as every sharable record has (docs/architecture.md)."""
    return pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())(model)


@_track_history
class Session(models.Model):
    """One delivery of a course version to an audience in a district.
    Planned -> delivered -> evaluated, or cancelled with a reason."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DELIVERED = "delivered", "Delivered"
        EVALUATED = "evaluated", "Evaluated"
        CANCELLED = "cancelled", "Cancelled"

    REACHED = (Status.DELIVERED, Status.EVALUATED)

    reference = models.CharField(max_length=20, unique=True, editable=False)
    course_version = models.ForeignKey(CourseVersion, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The local date the session starts on, for periods and the coverage matrix.
    starts_on = models.DateField(editable=False)
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="training_sessions")
    venue = models.CharField(max_length=200)
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_sessions")
    audience = models.CharField(max_length=30, choices=Audience.choices)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="sessions")
    attendee_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    cancellation_reason = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    feedback_token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    feedback_closes_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        permissions = [("plan_session", "Can plan, record and import registers for training sessions")]
        indexes = [
            # The coverage matrix: reached sessions in a period, by district and audience.
            models.Index(
                fields=["starts_on", "district", "audience"],
                include=["attendee_count"],
                condition=Q(status__in=["delivered", "evaluated"]),
                name="training_session_coverage",
            ),
            models.Index(fields=["trainer", "starts_at"], name="training_session_trainer"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="training_session_ends_after"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancellation_reason=""),
                name="training_session_cancelled_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.course_version.course.title}"

    def get_absolute_url(self):
        return reverse("training:session_detail", args=[self.pk])

    @property
    def feedback_open(self) -> bool:
        return (
            self.status in self.REACHED
            and self.feedback_closes_at is not None
            and timezone.now() < self.feedback_closes_at
        )


class Attendee(models.Model):
    """A named attendee: recorded only where the course needs names (a
    register). Personal data: read only by roles holding view_attendee_names."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        permissions = [("view_attendee_names", "Can see the names of training attendees")]

    def __str__(self):
        return self.name


class Feedback(models.Model):
    """One attendee's anonymous feedback: scores 1-5 and an optional comment.
    No personal data is asked; comments are read only by roles holding
    view_feedback_comments."""

    SCORE = (MinValueValidator(1), MaxValueValidator(5))

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    content_score = models.PositiveSmallIntegerField(validators=SCORE)
    delivery_score = models.PositiveSmallIntegerField(validators=SCORE)
    relevance_score = models.PositiveSmallIntegerField(validators=SCORE)
    comment = models.TextField(blank=True, max_length=1000)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at"]
        permissions = [("view_feedback_comments", "Can read attendees' feedback comments")]
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}), name=f"training_feedback_{name}_1_to_5"
            )
            for name in ("content_score", "delivery_score", "relevance_score")
        ]

    def __str__(self):
        return f"Feedback on {self.session_id} at {self.submitted_at:%Y-%m-%d %H:%M}"


@_track_history
class Event(models.Model):
    """A road-show or campaign launch (no course, no register)."""

    class Kind(models.TextChoices):
        ROAD_SHOW = "road-show", "Road-show"
        CAMPAIGN_LAUNCH = "campaign-launch", "Campaign launch"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    starts_at = models.DateTimeField()
    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, null=True, blank=True, help_text="Empty: county-wide."
    )
    venue = models.CharField(max_length=200)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    people_reached = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training:event_detail", args=[self.pk])


class CommunitySafetyPlanQuerySet(models.QuerySet):
    def overlapping(self, start, end):
        return self.filter(period_start__lte=end, period_end__gte=start)


@_track_history
class CommunitySafetyPlan(models.Model):
    """A district's Community Safety Plan for a period: its CSE priorities and
    the audiences training must reach. One plan may cover several districts
    (Dartford and Gravesham share one)."""

    title = models.CharField(max_length=200)
    districts = models.ManyToManyField("accounts.District", related_name="community_safety_plans")
    period_start = models.DateField()
    period_end = models.DateField()
    priority_audiences = ArrayField(models.CharField(max_length=30, choices=Audience.choices), default=list)

    objects = CommunitySafetyPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "title"]
        permissions = [("manage_plan", "Can record District Community Safety Plans")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="training_plan_period_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training:plan_detail", args=[self.pk])

    def priority_audience_labels(self) -> list[str]:
        return [Audience(code).label for code in self.priority_audiences]


class PlanPriority(models.Model):
    """One CSE priority of a plan: an addressable record (problem profiles link to it)."""

    plan = models.ForeignKey(CommunitySafetyPlan, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name_plural = "plan priorities"
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="training_plan_priority_number_unique")]

    def __str__(self):
        return f"{self.plan.title}: priority {self.number}, {self.title}"

    def get_absolute_url(self):
        return reverse("training:priority_detail", args=[self.pk])


class TrainerCalendar(models.Model):
    """A trainer's iCalendar feed: a secret URL, because calendar apps cannot sign in."""

    trainer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=40, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calendar feed of user {self.trainer_id}"


class CoverageMonth(models.Model):
    """The coverage matrix's rollup: sessions delivered or evaluated in one month,
    district and audience, with the organisations they reached. Derived from
    sessions (training.coverage.refresh_cells, after each change through the
    outbox; rebuild_coverage for bulk loads), so the matrix reads at most
    months x districts x audiences rows, whatever the number of sessions."""

    month = models.DateField(help_text="The first day of the month.")
    district = models.ForeignKey("accounts.District", on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=30, choices=Audience.choices)
    sessions = models.PositiveIntegerField(default=0)
    attendees = models.PositiveIntegerField(default=0)
    organisation_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "district", "audience"], name="training_coverage_month_cell")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.district_id} {self.audience}: {self.sessions}"
