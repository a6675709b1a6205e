"""The Information Sharing Protocol: versioned protocols with their signatories,
scope rules and share rules; lawful bases as reference data; and shares, the
Record of Sharing.

What a user may see is decided in `sharing.access` from these rows; nothing
else decides it.
"""

from django.conf import settings
from django.db import models
from django.db.models import DateTimeField, Expression, Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import Agency
from sharing.levels import AccessLevel


class LawfulBasis(models.Model):
    """A lawful basis an agency may rely on when it shares, for its regime.

    Reference data (a data migration), not code: the wording is our best
    reading of public material and the information governance leads own it."""

    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=300)
    regime = models.CharField(max_length=30, choices=Agency.Regime.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["regime", "title"]
        verbose_name_plural = "lawful bases"

    def __str__(self):
        return self.title


class ProtocolQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(status=Protocol.Status.AGREED)


class Protocol(models.Model):
    """One version of the Information Sharing Protocol. Only the agreed version
    is in force; a draft can be previewed; agreeing one supersedes the last."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"
        SUPERSEDED = "superseded", "Superseded"

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=300)
    purpose = models.TextField()
    document = models.TextField(blank=True, help_text="The agreed text: parties, data, security, retention, review.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    participants = models.ManyToManyField(Agency, related_name="protocols")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProtocolQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="agreed"), name="one_protocol_in_force")
        ]

    def __str__(self):
        return f"Version {self.version}: {self.title}"


class Signatory(models.Model):
    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="signatories")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["protocol", "agency"], name="one_signature_per_agency")]

    def __str__(self):
        return f"{self.agency} signed version {self.protocol.version}"


class ScopeRule(models.Model):
    """Users of the recipient agency (or of whichever agency owns the record,
    when no recipient is named) see records of this kind that meet the named
    condition, at this level."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="scope_rules")
    record_kind = models.CharField(max_length=100)
    recipient = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty means the agency that owns the record.",
    )
    condition = models.CharField(max_length=60, help_text="A condition the record kind offers (sharing.registry).")
    level = models.CharField(max_length=10, choices=AccessLevel.choices)

    class Meta:
        ordering = ["record_kind", "recipient__name", "condition"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "record_kind", "recipient", "condition"],
                nulls_distinct=False,
                name="one_scope_rule_per_recipient_condition",
            )
        ]

    def __str__(self):
        from sharing import registry
        from sharing.protocol_matrix import condition_label

        who = self.recipient.name if self.recipient_id else "The owning agency"
        try:
            kind = registry.get(self.record_kind).model._meta.verbose_name_plural
        except LookupError:
            kind = self.record_kind
        return f"{who} sees {kind} ({condition_label(self.condition)}) at {self.level} level"


class ShareRule(models.Model):
    """Records of this kind may be shared with the recipient agency (any
    participating agency, when none is named) up to this level, under these
    lawful bases."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="share_rules")
    record_kind = models.CharField(max_length=100)
    recipient = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty means any participating agency.",
    )
    highest_level = models.CharField(max_length=10, choices=AccessLevel.choices)
    lawful_bases = models.ManyToManyField(LawfulBasis, related_name="+")

    class Meta:
        ordering = ["record_kind", "recipient__name"]

    def __str__(self):
        who = self.recipient.name if self.recipient_id else "Any participating agency"
        return f"{self.record_kind} may be shared with {who} up to {self.highest_level}"


class ShareQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(ended_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def expired(self, now=None):
        return self.filter(ended_at__isnull=True, expires_at__lte=now or timezone.now())

    def for_record(self, record):
        return self.filter(record_kind=record._meta.label_lower, record_id=record.pk)

    def received(self, user, *, by_name: bool = True):
        """Shares to the user's agency and, unless `by_name` is False (the user
        holds none by name: sharing.access.holds_personal_grants), to the user."""
        recipient = Q(recipient_agency_id=user.agency_id)
        return self.filter(recipient | Q(recipient_user_id=user.pk) if by_name else recipient)


class Share(models.Model):
    """One decision to share one record (the Record of Sharing). Its object
    permissions exist while it is active; ending it removes them."""

    class EndReason(models.TextChoices):
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"
        PROTOCOL = "protocol", "No longer allowed by the protocol in force"

    record_kind = models.CharField(max_length=100)
    record_id = models.BigIntegerField()
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="shares")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shares_made")
    sharing_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="shares_made")
    recipient_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="shares_received"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="shares_received"
    )
    level = models.CharField(max_length=10, choices=AccessLevel.choices)
    purpose = models.TextField()
    lawful_basis = models.ForeignKey(LawfulBasis, on_delete=models.PROTECT, related_name="+")
    conditions = models.TextField(blank=True, help_text="Conditions passed on with the record.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.TextField(blank=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["record_kind", "record_id"], name="share_record_idx"),
            # An agency's active shares of one kind in record order: a capped
            # count of "shared with me" (sharing.querysets.shares_received) walks
            # it and stops, where a semi-join hashed every share of the agency.
            models.Index(
                fields=["recipient_agency", "record_kind", "record_id"],
                condition=Q(ended_at__isnull=True),
                name="share_active_to_agency_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_agency__isnull=False, recipient_user__isnull=True)
                | Q(recipient_agency__isnull=True, recipient_user__isnull=False),
                name="share_has_one_recipient",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end_reason="") | Q(ended_at__isnull=False) & ~Q(end_reason=""),
                name="share_end_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.record_kind} {self.record_id} shared with {self.recipient_agency or self.recipient_user}"

    @property
    def recipient_name(self) -> str:
        if self.recipient_user_id:
            return f"{self.recipient_user.display_name} ({self.recipient_user.agency.name})"
        return self.recipient_agency.name


class CompiledNow(Expression):
    """The time when the query is compiled (`timezone.now()`, a parameter),
    not when the expression is built: a predicate built once per request and
    used in several queries still compares each against its own moment."""

    output_field = DateTimeField()

    def as_sql(self, compiler, connection):
        return "%s", [timezone.now()]


class ShareGrant(models.Model):
    """What every sharable model's direct object-permission rows carry: the end
    of the shares behind the row (the latest end of the active shares of that
    record, recipient and level; empty when one of them has no end). The
    visibility query honours it, so a share grants nothing from the moment it
    ends, whether or not the beat task that ends it and deletes the row has run."""

    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def unexpired(now=None) -> Q:
        return Q(expires_at__isnull=True) | Q(expires_at__gt=now or CompiledNow())


def _grant_key(holder: str) -> models.UniqueConstraint:
    # guardian's unique (holder, permission, record), with the end included so
    # the EXISTS of the visibility query stays an index-only scan.
    return models.UniqueConstraint(
        fields=[holder, "permission", "content_object"],
        include=["expires_at"],
        name=f"%(app_label)s_%(class)s_{holder}_grant_key",
    )


class GroupShareGrant(ShareGrant, GroupObjectPermissionBase):
    """Base of a sharable model's group (agency) permission model:
    `class ReferralGroupObjectPermission(GroupShareGrant): content_object = FK`."""

    class Meta:
        abstract = True
        unique_together = ()
        constraints = [_grant_key("group")]


class UserShareGrant(ShareGrant, UserObjectPermissionBase):
    """Base of a sharable model's user (named person) permission model."""

    class Meta:
        abstract = True
        unique_together = ()
        constraints = [_grant_key("user")]


class ProtocolTransition(models.Model):
    """Progress of revoking the shares a newly agreed protocol no longer
    allows: resumable from `last_share_id`."""

    protocol = models.OneToOneField(Protocol, on_delete=models.CASCADE, related_name="transition")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    revoked = models.PositiveIntegerField(default=0)
    last_share_id = models.BigIntegerField(default=0)

    def __str__(self):
        return f"Change to protocol version {self.protocol.version}: {self.processed} of {self.total} checked"

    @property
    def percent_done(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.processed / self.total))
