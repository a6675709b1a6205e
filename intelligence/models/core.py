"""Intelligence: what partners tell the police, what the intelligence unit makes
of it, and the people, places and vehicles it is about (docs/intelligence.md).

Record kinds and who sees them (docs/isp.md, "Intelligence records"):

- `Submission`: information a partner submits. Its submitter (in full) and the
  intelligence unit (change); never shared.
- `IntelligenceReport`: the sanitised report, with its handling code and
  conditions. The unit (change); partners only by an explicit share, and
  never when the handling code is a legacy 4 or 5 (`partners_only_if`).
- `ReportOriginal`: the original text, the grading and the source type of a
  report, a kind of its own so that no level of the shared report can carry
  it. The unit only; no share rule, and a restriction that keeps it inside
  Kent Police whatever the protocol says.
- `PersonOfConcern`, `Location`, `Vehicle`: derived, seen at the highest level
  of the reports that reference them.
- `Association`: two entities linked by a type, evidenced by a report; seen
  only when the report is seen in full and both ends are seen.
"""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, District
from referrals.models import Child
from sharing.levels import AccessLevel
from sharing.models import GroupShareGrant, UserShareGrant
from sharing.querysets import DependentQuerySet, DerivedQuerySet, SharableQuerySet
from sharing.registry import NOTHING, dependent, derived, sharable

UNIT_AGENCY = "kent-police"
# The intelligence unit: Kent Police intelligence officers and analysts, and
# the police members of the co-located CSE team (the rules name Kent Police
# as recipient, so a council member of the CSE team is not in it).
UNIT_ROLES = frozenset({"intelligence-officer", "analyst"})


def in_intelligence_unit(user) -> bool:
    """Whether the user is in the intelligence unit (for role checks in services)."""
    from sharing.access import reads_casework

    return bool(
        user.is_authenticated
        and user.is_active
        and user.agency_id
        and user.agency.code == UNIT_AGENCY
        and reads_casework(user)
        and (user.is_cse_team_member or not UNIT_ROLES.isdisjoint(user.role_codes))
    )


def intelligence_unit(user, recipient) -> Q:
    """Condition: the reader is an intelligence officer, an analyst or a CSE
    team member (the rule names the recipient agency, Kent Police)."""
    # A stand-in for an agency (sharing.audience: who can see a record, a
    # protocol's preview) has team membership but no roles.
    roles = getattr(user, "role_codes", frozenset())
    return Q() if user.is_cse_team_member or not UNIT_ROLES.isdisjoint(roles) else NOTHING


def submitted_by_reader(user, recipient) -> Q:
    """Condition: the reader submitted it."""
    return Q(submitted_by=user.pk)


UNIT_RULE = (UNIT_AGENCY, "intelligence_unit", "change")


class HowKnown(models.TextChoices):
    SAW = "saw", "I saw or heard it myself"
    CHILD = "child", "The child told me"
    OTHER_PERSON = "other_person", "Someone else told me"
    ONLINE = "online", "I saw it online"
    RECORDS = "records", "From our records"
    OTHER = "other", "Another way"


@sharable(
    owning_agency_field="owning_agency",
    summary_fields=["reference", "status", "outcome"],
    conditions={"submitted_by_reader": submitted_by_reader, "intelligence_unit": intelligence_unit},
    default_scope_rules=[(None, "submitted_by_reader", "full"), UNIT_RULE],
    default_share_level=None,  # never shared: the submitter and the unit only
    joins_protocol="Intelligence records",
)
class Submission(models.Model):
    """Information a partner (or a police officer) submits to the intelligence unit."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received, not yet graded"
        GRADED = "graded", "Graded"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        NONE = "", "Not decided yet"
        SANITISED_LOG = "sanitised_log", "Sanitised intelligence log created"
        CRIME_DESK = "crime_desk", "Passed to the crime desk"
        SAFEGUARDING_REFERRAL = "safeguarding_referral", "Safeguarding referral made"
        NO_ACTION = "no_action", "No action"

    reference = models.CharField(max_length=20, unique=True, editable=False)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    what_happened = models.TextField("what happened")
    occurred_on = models.DateField("when it happened", null=True, blank=True)
    occurred_when = models.CharField("when, in words", max_length=200, blank=True)
    where = models.TextField("where", blank=True)
    who = models.TextField("who was involved", blank=True)
    how_known = models.CharField("how you know", max_length=20, choices=HowKnown.choices)
    further_information = models.TextField("anything else", blank=True)
    children = models.ManyToManyField(Child, blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, default=Outcome.NONE, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SharableQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        permissions = [("view_summary_submission", "Can view the summary of an intelligence submission")]
        indexes = [
            models.Index(fields=["submitted_by", "-id"], name="submission_submitter_idx"),
            models.Index(fields=["submitted_at", "id"], name="submission_received_idx", condition=Q(status="received")),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("intelligence:submission_detail", args=[self.pk])

    def age(self, now=None) -> datetime.timedelta:
        return (now or timezone.now()) - self.submitted_at


class SubmissionUserObjectPermission(UserShareGrant):
    content_object = models.ForeignKey(Submission, on_delete=models.CASCADE)


class SubmissionGroupObjectPermission(GroupShareGrant):
    content_object = models.ForeignKey(Submission, on_delete=models.CASCADE)


# --- grading ------------------------------------------------------------------------


class Scheme(models.TextChoices):
    CURRENT = "3x5x2", "3x5x2 (current)"
    LEGACY = "5x5x5", "5x5x5 (legacy)"


# Per scheme: source evaluations, intelligence assessments, handling codes.
GRADES = {
    Scheme.CURRENT: {
        "source_evaluation": {"1": "Reliable", "2": "Untested", "3": "Not reliable"},
        "intelligence_assessment": {
            "A": "Known directly",
            "B": "Known indirectly but corroborated",
            "C": "Known indirectly",
            "D": "Not known",
            "E": "Suspected to be false",
        },
        "handling_code": {"P": "Lawful sharing permitted", "C": "Lawful sharing permitted with conditions"},
    },
    Scheme.LEGACY: {
        "source_evaluation": {
            "A": "Always reliable",
            "B": "Mostly reliable",
            "C": "Sometimes reliable",
            "D": "Unreliable",
            "E": "Untested source",
        },
        "intelligence_assessment": {
            "1": "Known to be true without reservation",
            "2": "Known personally to the source but not to the officer",
            "3": "Not personally known to the source but corroborated",
            "4": "Cannot be judged",
            "5": "Suspected to be false",
        },
        "handling_code": {
            "1": "May be disseminated to other law enforcement and prosecuting agencies",
            "2": "May be disseminated to UK non-prosecuting parties",
            "3": "May be disseminated to non-EU law enforcement agencies",
            "4": "Only within the originating agency",
            "5": "See the handling conditions; not for partners",
        },
    },
}
# Legacy handling codes that never reach partners, whatever the protocol says.
NOT_FOR_PARTNERS = ("4", "5")
# Handling codes that may be shared only with conditions recorded on the share.
WITH_CONDITIONS = ("C",)
HANDLING_CODES = [
    (code, f"{code}: {label}") for scheme in GRADES.values() for code, label in scheme["handling_code"].items()
]


class RetentionStatus(models.TextChoices):
    ACTIVE = "active", "In use"
    ARCHIVED = "archived", "Archived"
    DISPOSED = "disposed", "Disposed"


class Retained(models.Model):
    """MoPI review and retention fields (intelligence.models.reviews): the rule,
    the review-due date computed from it by the services (never typed in),
    and whether the record is in use, archived or disposed of."""

    retention_rule = models.ForeignKey(
        "intelligence.RetentionRule", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_due = models.DateField("review due", null=True, blank=True)
    retention_status = models.CharField(max_length=10, choices=RetentionStatus.choices, default=RetentionStatus.ACTIVE)
    disposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def partners_may_see():
    return ~Q(handling_code__in=NOT_FOR_PARTNERS)


def check_report_share(*, record, level, recipient, conditions) -> dict:
    """Handling code C travels only with the conditions recorded on the share."""
    if record.handling_code in WITH_CONDITIONS and not conditions:
        return {
            "conditions": "This report has handling code C: record the conditions the recipient must follow "
            f"({record.handling_conditions or 'see the report'})"
        }
    return {}


@sharable(
    owning_agency_field="owning_agency",
    summary_fields=["reference", "title", "handling_code", "handling_conditions", "district"],
    conditions={"intelligence_unit": intelligence_unit},
    default_scope_rules=[UNIT_RULE],
    default_share_level="full",
    joins_protocol="Intelligence records",
    partners_only_if=partners_may_see,
    check_share=check_report_share,
    partners_only_if_reason=(
        "This report has a legacy handling code (4 or 5): it is for Kent Police only and cannot be shared with partners"
    ),
)
class IntelligenceReport(models.Model):
    """A sanitised intelligence report: what partners may ever see of it."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    submission = models.OneToOneField(
        Submission, on_delete=models.PROTECT, null=True, blank=True, related_name="report"
    )
    title = models.CharField(max_length=200, help_text="A sanitised one-line subject")
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    handling_code = models.CharField(max_length=1, choices=HANDLING_CODES)
    handling_conditions = models.TextField(blank=True, help_text="Conditions that travel with the report")
    sanitised_text = models.TextField("sanitised text")
    sanitised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sanitised_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    persons = models.ManyToManyField("PersonOfConcern", blank=True, related_name="reports")
    locations = models.ManyToManyField("Location", blank=True, related_name="reports")
    vehicles = models.ManyToManyField("Vehicle", blank=True, related_name="reports")
    # Review and retention (MoPI, intelligence.models.reviews): computed by the
    # services from the rule, never typed in.
    retention_rule = models.ForeignKey(
        "RetentionRule", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_due = models.DateField("review due", null=True, blank=True)
    retention_status = models.CharField(max_length=10, choices=RetentionStatus.choices, default=RetentionStatus.ACTIVE)
    disposed_at = models.DateTimeField(null=True, blank=True)

    objects = SharableQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        permissions = [("view_summary_intelligencereport", "Can view the summary of an intelligence report")]
        indexes = [
            models.Index(fields=["owning_agency", "-id"], name="intreport_owner_idx"),
            models.Index(
                fields=["review_due", "id"], name="intreport_review_due_idx", condition=~Q(retention_status="disposed")
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("intelligence:report_detail", args=[self.pk])


class IntelligenceReportUserObjectPermission(UserShareGrant):
    content_object = models.ForeignKey(IntelligenceReport, on_delete=models.CASCADE)


class IntelligenceReportGroupObjectPermission(GroupShareGrant):
    content_object = models.ForeignKey(IntelligenceReport, on_delete=models.CASCADE)


@sharable(
    owning_agency_field="owning_agency",
    summary_fields=["report"],
    conditions={"intelligence_unit": intelligence_unit},
    default_scope_rules=[UNIT_RULE],
    default_share_level=None,  # no share rule: it cannot be shared
    joins_protocol="Intelligence records",
    # Never outside Kent Police, whatever a later protocol says.
    partners_only_if=lambda: NOTHING,
    partners_only_if_reason="The original text and grading of a report never leave the intelligence unit",
)
class ReportOriginal(models.Model):
    """The original text, grading and source type of a report: the
    intelligence unit's alone. Never the identity of a covert source."""

    class SourceType(models.TextChoices):
        PARTNER = "partner", "Partner agency"
        PUBLIC = "public", "Member of the public"
        POLICE = "police", "Police officer or staff"
        OPEN_SOURCE = "open_source", "Open source"
        SENSITIVE = "sensitive", "Sensitive"

    report = models.OneToOneField(IntelligenceReport, on_delete=models.CASCADE, related_name="original")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    original_text = models.TextField("original text")
    scheme = models.CharField(max_length=5, choices=Scheme.choices, default=Scheme.CURRENT)
    source_evaluation = models.CharField(max_length=1)
    intelligence_assessment = models.CharField(max_length=1)
    source_type = models.CharField(max_length=20, choices=SourceType.choices)
    source_reference = models.CharField("unit's source reference", max_length=50, blank=True)
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    graded_at = models.DateTimeField(default=timezone.now)

    objects = SharableQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "original and grading"
        verbose_name_plural = "originals and gradings"
        permissions = [("view_summary_reportoriginal", "Can view the summary of a report's original and grading")]

    def __str__(self):
        return f"Original of {self.report_id}"

    @property
    def grading(self) -> str:
        """Written as the scheme writes it: `1-B-P` (3x5x2), `B-2-4` (5x5x5)."""
        return "-".join((self.source_evaluation, self.intelligence_assessment, self.report.handling_code))


class ReportOriginalUserObjectPermission(UserShareGrant):
    content_object = models.ForeignKey(ReportOriginal, on_delete=models.CASCADE)


class ReportOriginalGroupObjectPermission(GroupShareGrant):
    content_object = models.ForeignKey(ReportOriginal, on_delete=models.CASCADE)


# --- VOLT entities --------------------------------------------------------------------

# Trigram word similarity for likely-the-same names (as referrals uses for children).
SIMILAR_NAME_SAME_BIRTHDAY = 0.4
SIMILAR_NAME = 0.6


class EntityQuerySet(DerivedQuerySet):
    pass


class PersonOfConcernQuerySet(EntityQuerySet):
    def newly_associated_with_child(self, child, since, user):
        """Persons of concern the user sees who have an association the user
        sees with `child`, recorded on or after `since` (a date or datetime):
        for MASE's "new links to perpetrators"."""
        if isinstance(since, datetime.datetime):
            start = since
        else:
            start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
        links = Association.objects.visible_to(user).filter(created_at__gte=start)
        links = links.filter(Q(a_child=child, b_person=OuterRef("pk")) | Q(b_child=child, a_person=OuterRef("pk")))
        return self.visible_to(user).filter(Exists(links))


@derived(
    via="reports",
    summary_fields=["first_name", "last_name", "aliases", "date_of_birth", "estimated_age", "status"],
)
class PersonOfConcern(models.Model):
    class Status(models.TextChoices):
        SUSPECT = "suspect", "Suspect"
        ARRESTED = "arrested", "Arrested"
        CHARGED = "charged", "Charged"
        CONVICTED = "convicted", "Convicted"
        NFA = "nfa", "No further action"

    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    phone_numbers = ArrayField(models.CharField(max_length=20), default=list, blank=True, help_text="E.164")
    online_handles = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    taxi_licence = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUSPECT)
    # Names and aliases, lower case, for trigram matching and search.
    search_names = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)

    objects = PersonOfConcernQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = "person of concern"
        verbose_name_plural = "persons of concern"
        indexes = [
            GinIndex(name="person_names_trgm", fields=["search_names"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="person_phones", fields=["phone_numbers"]),
            GinIndex(name="person_handles", fields=["online_handles"]),
        ]

    def __str__(self):
        return self.full_name or "Unnamed person"

    def get_absolute_url(self):
        return reverse("intelligence:entity_detail", args=["person", self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@derived(via="reports", summary_fields=["name", "kind", "district"])
class Location(models.Model):
    class Kind(models.TextChoices):
        HOTEL = "hotel", "Hotel"
        LICENSED = "licensed_premises", "Licensed premises"
        TAKEAWAY = "takeaway", "Takeaway"
        TAXI_OFFICE = "taxi_office", "Taxi office"
        PARK = "park", "Park"
        SCHOOL = "school", "School"
        CHILDRENS_HOME = "childrens_home", "Children's home"
        PRIVATE_ADDRESS = "private_address", "Private address"
        ONLINE = "online_platform", "Online platform"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [GinIndex(name="location_name_trgm", fields=["name"], opclasses=["gin_trgm_ops"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("intelligence:entity_detail", args=["location", self.pk])


@derived(via="reports", summary_fields=["registration", "make", "model", "colour"])
class Vehicle(models.Model):
    registration = models.CharField(max_length=12, db_index=True, help_text="Upper case, no spaces")
    make = models.CharField(max_length=50, blank=True)
    model = models.CharField(max_length=50, blank=True)
    colour = models.CharField(max_length=30, blank=True)
    private_hire = models.BooleanField("private hire", default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["registration", "id"]

    def __str__(self):
        return self.registration

    def get_absolute_url(self):
        return reverse("intelligence:entity_detail", args=["vehicle", self.pk])


# An association's ends: one of these per end.
END_MODELS = {"person": PersonOfConcern, "location": Location, "vehicle": Vehicle, "child": Child}


class AssociationQuerySet(DependentQuerySet):
    def visible_to(self, user, level: str = AccessLevel.SUMMARY):
        """Seen through its evidencing report (in full: an association is
        recorded on the report) and only when both ends are seen too."""
        records = super().visible_to(user, AccessLevel.FULL if level == AccessLevel.SUMMARY else level)
        for end in ("a", "b"):
            for name, model in END_MODELS.items():
                field = f"{end}_{name}"
                seen = model._default_manager.visible_to(user).filter(pk=OuterRef(field))
                records = records.filter(Q(**{f"{field}__isnull": True}) | Q(Exists(seen)))
        return records


def _one_end(end: str) -> Q:
    """Exactly one of an end's foreign keys is set."""
    names = [f"{end}_{name}" for name in END_MODELS]
    options = Q()
    for chosen in names:
        option = Q(**{f"{chosen}__isnull": False})
        for other in names:
            if other != chosen:
                option &= Q(**{f"{other}__isnull": True})
        options = option if not options else options | option
    return options


@dependent(parent_field="report")
class Association(models.Model):
    """Two entities linked, with the report that evidences the link."""

    class Type(models.TextChoices):
        OLDER_BOYFRIEND = "older_boyfriend", "Older boyfriend"
        SEEN_WITH = "seen_with", "Seen with"
        FOUND_AT = "found_at", "Found at"
        FREQUENTS = "frequents", "Frequents"
        LIVES_AT = "lives_at", "Lives at"
        WORKS_AT = "works_at", "Works at"
        DRIVES = "drives", "Drives"
        OWNS = "owns", "Owns"
        PASSENGER_IN = "passenger_in", "Passenger in"
        IN_CONTACT = "in_contact", "In contact with"
        ASSOCIATE = "associate", "Associate of"

    report = models.ForeignKey(IntelligenceReport, on_delete=models.CASCADE, related_name="associations")
    type = models.CharField(max_length=30, choices=Type.choices)
    first_seen = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    a_person = models.ForeignKey(
        PersonOfConcern, on_delete=models.CASCADE, null=True, blank=True, related_name="associations_a"
    )
    a_location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="associations_a"
    )
    a_vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, null=True, blank=True, related_name="associations_a"
    )
    a_child = models.ForeignKey(Child, on_delete=models.CASCADE, null=True, blank=True, related_name="associations_a")
    b_person = models.ForeignKey(
        PersonOfConcern, on_delete=models.CASCADE, null=True, blank=True, related_name="associations_b"
    )
    b_location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="associations_b"
    )
    b_vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, null=True, blank=True, related_name="associations_b"
    )
    b_child = models.ForeignKey(Child, on_delete=models.CASCADE, null=True, blank=True, related_name="associations_b")

    objects = AssociationQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=_one_end("a"), name="association_one_a_end"),
            models.CheckConstraint(condition=_one_end("b"), name="association_one_b_end"),
        ]

    def __str__(self):
        return f"{self.get_type_display()} ({self.report_id})"

    def end(self, end: str):
        """(kind, record) of end "a" or "b"."""
        for name in END_MODELS:
            record = getattr(self, f"{end}_{name}")
            if record is not None:
                return name, record
        return None, None
