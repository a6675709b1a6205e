"""Disruption: child abduction warning notices (CAWNs) and the other ways the
team disrupts those who exploit children (arrests, charges, orders, licensing
referrals, business visits, warning letters), each linked to the persons,
locations and children it is about.

One record kind, `Disruption`, seen like the app's other police records (the
intelligence unit, with change; partners only through an explicit share, in
full). A CAWN is a disruption of kind `cawn` with a workflow of its own
(drafted -> authorised -> served -> active -> expired / breached /
withdrawn); other kinds are recorded as done."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, District
from cse_team.validators import NARRATIVE_MAX_LENGTH, NOTE_MAX_LENGTH
from intelligence.models.core import END_MODELS, UNIT_RULE, Location, PersonOfConcern, Retained, intelligence_unit
from sharing.models import GroupShareGrant, UserShareGrant
from sharing.querysets import SharableQuerySet
from sharing.registry import sharable

# The protocol change that brings this app's later kinds in (docs/isp.md,
# "Record kinds added later"): a new agreed version, so an existing database
# gains their rules by a recorded change.
LATER_CHANGE = "Disruptions, reviews and problem profiles"

Child = END_MODELS["child"]  # the children seam the app already uses (core.END_MODELS)

# Text typed into a disruption: the same limits in the form, the API and the service.
DETAILS_MAX_LENGTH = NARRATIVE_MAX_LENGTH
STEP_TEXT_MAX_LENGTH = NOTE_MAX_LENGTH  # a breach's details, a withdrawal's reason


class DisruptionKind(models.TextChoices):
    CAWN = "cawn", "Child abduction warning notice"
    ARREST = "arrest", "Arrest"
    CHARGE = "charge", "Charge"
    SRO = "sro", "Sexual Risk Order"
    SHPO = "shpo", "Sexual Harm Prevention Order"
    LICENSING_REFERRAL = "licensing_referral", "Licensing referral"
    BUSINESS_VISIT = "business_visit", "Business visit"
    WARNING_LETTER = "warning_letter", "Warning letter"


class CawnSection(models.TextChoices):
    """Which power the notice is given under. The ages and the looked-after
    condition are in CAWN_SECTIONS below, as data."""

    S2 = "s2", "Section 2, Child Abduction Act 1984 (a child under 16)"
    S49 = "s49", "Section 49, Children Act 1989 (a looked-after child under 18)"


# Per section: the age the child must be under, and whether they must be looked after [verify].
CAWN_SECTIONS = {
    CawnSection.S2: {"under": 16, "looked_after": False},
    CawnSection.S49: {"under": 18, "looked_after": True},
}


class DisruptionStatus(models.TextChoices):
    DRAFTED = "drafted", "Drafted"
    AUTHORISED = "authorised", "Authorised"
    SERVED = "served", "Served"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    BREACHED = "breached", "Breached"
    WITHDRAWN = "withdrawn", "Withdrawn"
    RECORDED = "recorded", "Recorded"  # every kind but a CAWN


CAWN_OPEN = (DisruptionStatus.DRAFTED, DisruptionStatus.AUTHORISED, DisruptionStatus.SERVED, DisruptionStatus.ACTIVE)
# A notice in force: served (and not yet confirmed on the systems) or active.
CAWN_IN_FORCE = (DisruptionStatus.SERVED, DisruptionStatus.ACTIVE)


class DisruptionQuerySet(SharableQuerySet):
    def cawns(self):
        return self.filter(kind=DisruptionKind.CAWN)

    def in_force_on(self, day: datetime.date):
        """CAWNs in force on `day`: served on or before it, not expiring before
        it, and not breached or withdrawn by then."""
        return (
            self.cawns()
            .filter(served_on__lte=day, expires_on__gte=day)
            .filter(
                Q(status__in=CAWN_IN_FORCE)
                | Q(status=DisruptionStatus.EXPIRED)
                | Q(status=DisruptionStatus.BREACHED, breached_on__gt=day)
                | Q(status=DisruptionStatus.WITHDRAWN, withdrawn_on__gt=day)
            )
        )

    def expiring_within(self, days: int, today: datetime.date):
        """Notices in force whose expiry falls within `days` days of `today`."""
        return self.cawns().filter(
            status__in=CAWN_IN_FORCE, expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days)
        )

    def past_expiry(self, today: datetime.date):
        return self.cawns().filter(status__in=CAWN_IN_FORCE, expires_on__lt=today)


@sharable(
    owning_agency_field="owning_agency",
    summary_fields=["reference", "kind", "status", "district"],
    conditions={"intelligence_unit": intelligence_unit},
    default_scope_rules=[UNIT_RULE],
    default_share_level="full",
    joins_protocol=LATER_CHANGE,
)
class Disruption(Retained):
    """A disruption: a CAWN (with its workflow) or another action taken
    against those who exploit children, with who and where it concerns."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=DisruptionKind.choices)
    status = models.CharField(max_length=20, choices=DisruptionStatus.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    occurred_on = models.DateField("date", help_text="When it was done (for a CAWN, when it was drafted)")
    details = models.TextField("details", blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="officer in charge"
    )
    created_at = models.DateTimeField(default=timezone.now)
    persons = models.ManyToManyField(PersonOfConcern, blank=True, related_name="disruptions")
    locations = models.ManyToManyField(Location, blank=True, related_name="disruptions")
    children = models.ManyToManyField(Child, blank=True, related_name="+")
    # A CAWN's own fields.
    cawn_section = models.CharField("section", max_length=5, choices=CawnSection.choices, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    served_on = models.DateField("served on", null=True, blank=True)
    expires_on = models.DateField("expires on", null=True, blank=True)
    breached_on = models.DateField("breached on", null=True, blank=True)
    breach_details = models.TextField("what the breach was", blank=True)
    withdrawn_on = models.DateField("withdrawn on", null=True, blank=True)
    withdrawal_reason = models.TextField("why it was withdrawn", blank=True)
    expiry_reminded_on = models.DateField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    objects = DisruptionQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        permissions = [("view_summary_disruption", "Can view the summary of a disruption")]
        indexes = [
            models.Index(fields=["kind", "occurred_on"], name="disruption_kind_date_idx"),
            models.Index(fields=["expires_on"], name="cawn_in_force_expiry_idx", condition=Q(status__in=CAWN_IN_FORCE)),
            models.Index(
                fields=["review_due", "id"], name="disruption_review_due_idx", condition=~Q(retention_status="disposed")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="disruption_cawn_has_section",
                condition=Q(kind=DisruptionKind.CAWN, cawn_section__in=CawnSection.values)
                | (~Q(kind=DisruptionKind.CAWN) & Q(cawn_section="")),
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("intelligence:disruption_detail", args=[self.pk])

    @property
    def is_cawn(self) -> bool:
        return self.kind == DisruptionKind.CAWN


class DisruptionUserObjectPermission(UserShareGrant):
    content_object = models.ForeignKey(Disruption, on_delete=models.CASCADE)


class DisruptionGroupObjectPermission(GroupShareGrant):
    content_object = models.ForeignKey(Disruption, on_delete=models.CASCADE)
