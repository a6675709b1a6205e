"""The access log: who consulted, listed, searched, changed, shared, exported
or printed which records, and every sign-in, failed sign-in and sign-out.

DPA 2018 s62 requires these logs for law-enforcement processing and that
users cannot alter them, so `AccessEvent` rows are append-only: a PostgreSQL
trigger rejects every UPDATE and DELETE, whichever code (or SQL console) tries.
Rows are written only by `audit.services`.
"""

import datetime

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class AccessEventQuerySet(models.QuerySet):
    def for_record(self, record_kind: str, record_id) -> "AccessEventQuerySet":
        """Events that touched one record, including lists and searches that showed it."""
        return self.filter(record_kind=record_kind, record_ids__contains=[str(record_id)])

    def by_user(self, user) -> "AccessEventQuerySet":
        return self.filter(user=user)

    def between(
        self, start: datetime.datetime | None = None, end: datetime.datetime | None = None
    ) -> "AccessEventQuerySet":
        """Events from `start` (inclusive) to `end` (exclusive); either bound may be open."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(occurred_at__gte=start)
        if end is not None:
            queryset = queryset.filter(occurred_at__lt=end)
        return queryset

    def of_action(self, action: str) -> "AccessEventQuerySet":
        return self.filter(action=action)


class AccessEvent(models.Model):
    """One access to personal data (or one sign-in event), as it happened.

    `record_kind` is the model label ("referrals.referral"); `record_ids` holds
    the one id of a record, or every id a list or search put on the screen, so
    "who has seen this child" also finds the lists that showed the child.
    `username` and `agency` are kept as they were at the time: a user who later
    changes agency still appears under the agency they acted for."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed"
        SEARCH = "search", "Searched"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        SHARE = "share", "Shared"
        REVOKE = "revoke", "Revoked a share"
        EXPORT = "export", "Exported"
        PRINT = "print", "Printed"
        LOGIN = "login", "Signed in"
        FAILED_LOGIN = "failed_login", "Failed sign-in"
        LOGOUT = "logout", "Signed out"
        PERMISSION_CHANGE = "permission_change", "Changed permissions"

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_events",
        # audit_event_user_time starts with user_id; a second index would only slow every insert.
        db_index=False,
        help_text="Empty only for a failed sign-in with a username that matches no account.",
    )
    username = models.CharField(max_length=150, blank=True, help_text="As typed or held at the time.")
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_events",
        # Nothing looks events up by agency alone, and agencies are deactivated, never deleted.
        db_index=False,
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    record_kind = models.CharField(max_length=100, blank=True, help_text='Model label, e.g. "referrals.referral".')
    record_ids = ArrayField(models.CharField(max_length=64), blank=True, default=list)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # btree_gin lets one GIN index answer "kind = x AND ids contain y",
            # so a record's viewers are found without scanning every list event.
            GinIndex(fields=["record_kind", "record_ids"], name="audit_event_record_gin"),
            models.Index(fields=["user", "-occurred_at"], name="audit_event_user_time"),
            models.Index(fields=["action", "-occurred_at"], name="audit_event_action_time"),
        ]
        triggers = [
            pgtrigger.Protect(name="access_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        who = self.username or "unknown user"
        what = f" {self.record_kind} {', '.join(self.record_ids)}" if self.record_kind else ""
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {who} {self.get_action_display().lower()}{what}"
