"""Problem profiles: an analyst's assessment of CSE in a district (or the
county) over a period, draft -> QA -> approved -> disseminated ->
superseded. On approval a snapshot of the data (hotspot locations, days and
hours, persons of concern, themes) is frozen into the profile, so later
edits to the records do not change what was approved and disseminated. Each
dissemination is a share of the profile (the Record of Sharing); the PDF is
made from the snapshot. Profiles link to the Community Safety Plan
priorities they inform by id (training's `PlanPriority`, which this app
does not import)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, District
from intelligence.models.core import UNIT_RULE, Retained, intelligence_unit
from intelligence.models.disruptions import LATER_CHANGE
from sharing.models import GroupShareGrant, UserShareGrant
from sharing.querysets import SharableQuerySet
from sharing.registry import sharable


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    QA = "qa", "In quality assurance"
    APPROVED = "approved", "Approved"
    DISSEMINATED = "disseminated", "Disseminated"
    SUPERSEDED = "superseded", "Superseded"


# Text typed into a profile: the same limits in the form, the API and the service.
TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 20000  # the assessment; the recommendations

# Approved profiles: their snapshot is frozen.
FROZEN = (ProfileStatus.APPROVED, ProfileStatus.DISSEMINATED, ProfileStatus.SUPERSEDED)


@sharable(
    owning_agency_field="owning_agency",
    summary_fields=["reference", "title", "district", "period_start", "period_end", "status"],
    conditions={"intelligence_unit": intelligence_unit},
    default_scope_rules=[UNIT_RULE],
    default_share_level="full",
    joins_protocol=LATER_CHANGE,
)
class ProblemProfile(Retained):
    """A district or county problem profile for a period."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="None: the county"
    )
    period_start = models.DateField("period from")
    period_end = models.DateField("period to")
    status = models.CharField(max_length=15, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT)
    assessment = models.TextField("assessment", blank=True)
    recommendations = models.TextField("recommendations", blank=True)
    # Community Safety Plan priorities (training.PlanPriority ids) it informs.
    plan_priority_ids = ArrayField(models.PositiveIntegerField(), default=list, blank=True)
    snapshot = models.JSONField("frozen data", default=dict, blank=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    qa_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="quality assured by")  # fmt: skip
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")  # fmt: skip
    approved_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = SharableQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        permissions = [("view_summary_problemprofile", "Can view the summary of a problem profile")]
        indexes = [
            models.Index(
                fields=["review_due", "id"], name="profile_review_due_idx",
                condition=~models.Q(retention_status="disposed"),
            ),
        ]  # fmt: skip
        constraints = [
            models.CheckConstraint(
                name="problem_profile_period_in_order", condition=models.Q(period_end__gte=models.F("period_start"))
            )
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("intelligence:profile_detail", args=[self.pk])

    @property
    def area(self) -> str:
        return self.district.name if self.district_id else "Kent and Medway"


class ProblemProfileUserObjectPermission(UserShareGrant):
    content_object = models.ForeignKey(ProblemProfile, on_delete=models.CASCADE)


class ProblemProfileGroupObjectPermission(GroupShareGrant):
    content_object = models.ForeignKey(ProblemProfile, on_delete=models.CASCADE)
