from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Agency, District
from sharing.models import GroupShareGrant, UserShareGrant
from sharing.querysets import DependentQuerySet, SharableQuerySet
from sharing.registry import dependent, sharable


def in_recipient_authority(user, recipient) -> Q:
    """The record's child lives where the recipient is the children's services authority."""
    return Q(district__childrens_services=recipient)


@sharable(
    owning_agency_field="owning_agency",
    summary_fields=["reference", "subject_name", "district", "risk_level", "lead_contact"],
    conditions={"in_recipient_authority": in_recipient_authority},
    default_scope_rules=[
        (None, "owned_by_recipient", "change"),
        ("kent-police", "cse_team_member", "full"),
        ("kcc", "cse_team_member", "full"),
        ("medway", "cse_team_member", "full"),
        ("kcc", "in_recipient_authority", "full"),
        ("medway", "in_recipient_authority", "full"),
    ],
    default_share_level="full",
)
class CaseFile(models.Model):
    """A stand-in for a referral: owned by an agency, about a child in a district."""

    class Risk(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    reference = models.CharField(max_length=30, unique=True)
    subject_name = models.CharField(max_length=200)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    risk_level = models.CharField(max_length=10, choices=Risk.choices)
    lead_contact = models.CharField(max_length=200, blank=True)
    concern = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SharableQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("view_summary_casefile", "Can view the summary of a case file")]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="casefile_newest_idx"),
            models.Index(fields=["district", "-created_at", "-id"], name="casefile_district_newest_idx"),
            models.Index(fields=["owning_agency", "-created_at", "-id"], name="casefile_owner_newest_idx"),
        ]

    def __str__(self):
        return self.reference


class CaseFileUserObjectPermission(UserShareGrant):
    content_object = models.ForeignKey(CaseFile, on_delete=models.CASCADE)


class CaseFileGroupObjectPermission(GroupShareGrant):
    content_object = models.ForeignKey(CaseFile, on_delete=models.CASCADE)


@dependent(parent_field="case_file")
class CaseNote(models.Model):
    case_file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = DependentQuerySet.as_manager()

    def __str__(self):
        return f"Note on {self.case_file_id}"
