"""A referral and the workflow it follows (DOMAIN.md, "Referrals and risk")."""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone

from accounts.models import Agency, District
from referrals.models.children import Child
from referrals.models.instruments import RiskLevel
from sharing.models import GroupShareGrant, UserShareGrant
from sharing.querysets import DependentQuerySet, SharableQuerySet
from sharing.registry import dependent, sharable

# Added to the id of a referral whose child has the names exactly as searched:
# above every id, so those sort first (Referral.search, "name_order").
EXACT_NAME_FIRST = 2**48


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    TRIAGED = "triaged", "Triaged"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    SIGNPOSTED = "signposted", "Signposted to Early Help"
    FRONT_DOOR = "front_door", "Referred to the front door"
    ACCEPTED = "accepted", "Accepted"
    RISK_ASSESSED = "risk_assessed", "Risk assessed"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


# Statuses in which the case is still being worked.
ACTIVE_STATUSES = (Status.RECEIVED, Status.TRIAGED, Status.ACCEPTED, Status.RISK_ASSESSED, Status.OPEN)
# The longest concern summary the form, the API and the services take (issue
# #14: 1 MB was accepted; the longest in the demo is a few hundred characters).
CONCERN_SUMMARY_MAX_LENGTH = 10_000


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    PARTNER_FORM = "partner_form", "Partner referral form"
    SAY_SOMETHING = "say_something", "Say Something helpline (116 000)"
    OPERATION_WILLOW = "operation_willow", "101 quoting Operation Willow"
    FRONT_DOOR = "front_door", "Children's services front door"
    MEETING = "meeting", "Meeting"


class ExploitationModel(models.TextChoices):
    RELATIONSHIP = "relationship", "Inappropriate relationship ('boyfriend')"
    PEER = "peer", "Peer on peer"
    GROUP = "group", "Group or organised"
    ONLINE = "online", "Online"
    FAMILIAL = "familial", "Familial"
    PARTY = "party", "Party"
    LONE_OFFENDER = "lone_offender", "Lone offender"
    UNKNOWN = "unknown", "Not yet known"


class ConsentOutcome(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_SOUGHT = "not_sought", "Not sought"


class ConsentNotSoughtReason(models.TextChoices):
    INCREASE_RISK = "increase_risk", "Seeking it would increase the risk to the child"
    PREJUDICE_INVESTIGATION = "prejudice_investigation", "Seeking it would prejudice an investigation"
    LACKS_CAPACITY = "lacks_capacity", "The person lacks capacity"
    EMERGENCY = "emergency", "Emergency"


class ClosureReason(models.TextChoices):
    RISK_REDUCED = "risk_reduced", "Risk reduced"
    MOVED_OUT_OF_AREA = "moved_out_of_area", "Moved out of area"
    TURNED_18 = "turned_18", "Turned 18"
    NO_CSE_CONCERN = "no_cse_concern", "No CSE concern"
    DUPLICATE = "duplicate", "Duplicate"


class ReferralQuerySet(SharableQuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def in_district(self, district):
        return self.filter(district=district)

    def led_by(self, user):
        return self.filter(lead_professional=user)

    def review_overdue(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(review_due__lt=today).exclude(status=Status.CLOSED)

    def search(self, text: str):
        """By reference, a date of birth (d/m/yyyy or yyyy-mm-dd), or names or
        aliases: each word typed, or a known name similar to it by trigram,
        matched by full text (referrals.search.name_search), so that
        misspellings still find the child."""
        from referrals.search import FEW_CHILDREN, IdIsAnyOf, name_search, parse_date

        text = text.strip()
        if not text:
            return self
        if text.upper().startswith("CSE-"):
            return self.filter(reference__istartswith=text.upper())
        day = parse_date(text)
        if day:
            return self.filter(child__date_of_birth=day)
        found = name_search(text)
        if found is None:
            return self.none()
        if found.most_children <= FEW_CHILDREN:
            # Few children can match: fetch their referrals' ids, then read just
            # those (the id is in the newest-first index, so only they are read;
            # benchmarks/RESULTS.md, B1). The counts lag new children by up to
            # an hour, hence the cap and the fallback.
            cap = 2 * FEW_CHILDREN
            matching = Referral.objects.filter(child__search_vector=found.query).order_by().values_list("pk", flat=True)
            referral_ids = list(matching[: cap + 1])
            if len(referral_ids) <= cap:
                found_by_id = self.filter(IdIsAnyOf(F("pk"), referral_ids))
                if found.exact is None:
                    return found_by_id
                # Closest names first across every page, not only within one:
                # the names exactly as typed, then the similar ones, each newest
                # first (recorded order). One sortable number, so that the keyset
                # cursor still pages it (ReferralCursorPagination); at most
                # 2 * FEW_CHILDREN rows to sort.
                return found_by_id.annotate(
                    name_order=Case(
                        When(child__search_vector=found.exact, then=F("id") + EXACT_NAME_FIRST),
                        default=F("id"),
                        output_field=models.BigIntegerField(),
                    )
                )
        # A common name: walk the newest referrals, checking the joined child
        # (cheaper than a subquery for a persona who sees a tenth of them).
        return self.filter(child__search_vector=found.query)


def in_childrens_services_authority(user, recipient) -> Q:
    """The child lives, now, where the recipient is the children's services authority."""
    return Q(child__district__childrens_services=recipient)


@sharable(
    owning_agency_field="owning_agency",
    summary_fields=["reference", "child", "district", "risk_level", "status", "lead_professional"],
    conditions={"child_in_recipient_authority": in_childrens_services_authority},
    default_scope_rules=[
        (None, "owned_by_recipient", "change"),
        ("kent-police", "cse_team_member", "change"),
        ("kcc", "cse_team_member", "change"),
        ("medway", "cse_team_member", "change"),
        ("kcc", "child_in_recipient_authority", "full"),
        ("medway", "child_in_recipient_authority", "full"),
    ],
    default_share_level="full",
)
class Referral(models.Model):
    """Information that a child may be at risk of sexual exploitation, and the
    case it becomes. Owned by the agency that recorded it."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    received_at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    referrer_name = models.CharField(max_length=200)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_agency = models.CharField(
        max_length=200, blank=True, help_text="The referrer's organisation, as they gave it"
    )
    source_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        help_text="The partner agency the concern came from, when it is one of ours",
    )  # fmt: skip
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="referrals")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    concern_summary = models.TextField()
    exploitation_models = ArrayField(
        models.CharField(max_length=20, choices=ExploitationModel.choices), default=list, blank=True
    )
    immediate_risk = models.BooleanField(default=False)
    consent_outcome = models.CharField(max_length=20, choices=ConsentOutcome.choices)
    consent_not_sought_reason = models.CharField(max_length=30, choices=ConsentNotSoughtReason.choices, blank=True)
    consent_decided_by = models.CharField(max_length=200, blank=True)
    consent_decided_on = models.DateField(null=True, blank=True)
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    review_due = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=30, choices=ClosureReason.choices, blank=True)
    needs_linking = models.BooleanField(
        default=False, help_text="A likely match for the child exists that the referrer could not see"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    first_action_at = models.DateTimeField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    risk_assessed_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("view_summary_referral", "Can view the summary of a referral")]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="referral_newest_idx"),
            models.Index(fields=["district", "-created_at", "-id"], name="referral_district_newest_idx"),
            models.Index(fields=["owning_agency", "-created_at", "-id"], name="referral_owner_newest_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="referral_status_newest_idx"),
            models.Index(fields=["lead_professional", "-created_at", "-id"], name="referral_lead_newest_idx"),
            # "Review overdue": the newest-first walk over cases that have a review date.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(review_due__isnull=False) & ~Q(status="closed"),
                name="referral_reviewable_newest_idx",
            ),
            # The home page's queues (referrals/queues.py), each counted to its cap:
            # "my cases", "reviews due", "my referrals awaiting triage", and a
            # supervisor's team caseload. Newest first, so that a capped count
            # walks the index and stops, where a bitmap read every entry first.
            models.Index(
                fields=["lead_professional", "-created_at", "-id"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="referral_lead_active_new_idx",
            ),
            models.Index(
                fields=["lead_professional", "review_due"],
                condition=Q(review_due__isnull=False) & ~Q(status="closed"),
                name="referral_lead_review_due_idx",
            ),
            models.Index(
                fields=["created_by", "-created_at", "-id"],
                condition=Q(status="received"),
                name="referral_received_by_new_idx",
            ),
            # A supervisor's queues, walked newest first to their cap: "awaiting
            # acceptance" (the agency's triaged referrals) and "immediate-risk
            # alerts" (not yet accepted); both are few rows of a large table.
            models.Index(
                fields=["owning_agency", "-created_at", "-id"],
                condition=Q(status="triaged"),
                name="referral_triaged_owner_idx",
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(immediate_risk=True, status__in=("received", "triaged")),
                name="referral_immediate_risk_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="referral_closed_has_reason",
                condition=~Q(status=Status.CLOSED) | ~Q(closure_reason=""),
            ),
            models.CheckConstraint(
                name="referral_consent_reason_when_not_sought",
                condition=~Q(consent_outcome=ConsentOutcome.NOT_SOUGHT) | ~Q(consent_not_sought_reason=""),
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def exploitation_model_labels(self) -> list[str]:
        labels = dict(ExploitationModel.choices)
        return [str(labels.get(code, code)) for code in self.exploitation_models]

    @property
    def review_overdue(self) -> bool:
        return bool(self.review_due and self.status != Status.CLOSED and self.review_due < timezone.localdate())


class ReferralUserObjectPermission(UserShareGrant):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class ReferralGroupObjectPermission(GroupShareGrant):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class ReferenceCounter(models.Model):
    """The last referral number issued in a year: CSE-2026-000123."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


@dependent(parent_field="referral")
class StatusChange(models.Model):
    """One step of the workflow, for the timeline and the timeliness figures."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    objects = DependentQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.referral_id}: {self.from_status or 'new'} -> {self.to_status}"
