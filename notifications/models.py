"""A notification tells one person that something happened to a record they
may see, and links to it. It holds the record's kind, id, reference and the
level the news needs, never case details: whether it is shown is decided
again by sharing each time it is listed, opened or e-mailed."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sharing import registry
from sharing.levels import AccessLevel


class Event(models.TextChoices):
    SHARED = "shared", "Shared with you"
    SHARED_WITH_AGENCY = "shared_with_agency", "Shared with your agency"
    ASSESSMENT_SUBMITTED = "assessment_submitted", "A risk assessment awaits your approval"
    ASSESSMENT_RETURNED = "assessment_returned", "Your risk assessment was returned for changes"
    ACTION_ASSIGNED = "action_assigned", "An action was assigned to you"
    ACTION_OVERDUE = "action_overdue", "Your action is overdue"
    STATUS_CHANGED = "status_changed", "A case you lead changed status"


class EmailChoice(models.TextChoices):
    IMMEDIATE = "immediate", "At once, one e-mail for each notification"
    DAILY = "daily", "A daily digest, each morning"
    NONE = "none", "No e-mails: I will look in the service"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user, *, only=None):
        """Notifications of `user` about records they may see now, at the level
        each one's news needs (one query: an EXISTS per record kind). `only`:
        the (record kind, level) pairs worth testing, when the caller knows
        which the notifications hold; the others are not built at all."""
        seen = Q(pk__in=[])
        for kind in registry.kinds():
            for level in AccessLevel.values:
                if only is not None and (kind.kind, level) not in only:
                    continue
                records = kind.model._default_manager.visible_to(user, level).filter(pk=OuterRef("record_id"))
                seen |= Q(record_kind=kind.kind, level=level) & Exists(records)
        return self.filter(recipient=user).filter(seen)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def not_emailed(self):
        return self.filter(emailed_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=30, choices=Event.choices)
    record_kind = models.CharField(max_length=100, help_text="The sharable record's kind: app_label.model")
    record_id = models.BigIntegerField()
    reference = models.CharField(max_length=40, help_text="The record's reference, a summary field")
    link = models.CharField(max_length=300, help_text="The record's page, a path with no case details")
    level = models.CharField(
        max_length=10,
        choices=AccessLevel.choices,
        default=AccessLevel.FULL,
        help_text="The level the recipient must hold for the news itself not to tell them too much",
    )
    key = models.CharField(max_length=120, help_text="Unique per recipient: the same news is never given twice")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_idx")]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]

    def __str__(self):
        return f"{self.get_event_display()}: {self.reference}"


class Preference(models.Model):
    """How a person wants to be e-mailed; without a row, a daily digest."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.CharField(max_length=10, choices=EmailChoice.choices, default=EmailChoice.DAILY)

    def __str__(self):
        return f"{self.user}: {self.email}"


class ShareWatermark(models.Model):
    """The last share the share sweep has turned into notifications."""

    last_share_id = models.BigIntegerField(default=0)

    def __str__(self):
        return str(self.last_share_id)
