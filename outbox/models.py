from django.db import models
from django.db.models import Q
from django.utils import timezone


class MessageQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(delivered_at__isnull=True)

    def due(self, now=None):
        """Pending, its retry time reached, and nobody delivering it now."""
        now = now or timezone.now()
        return (
            self.pending()
            .filter(available_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        )


class Message(models.Model):
    """One effect to deliver: a registered handler's name and its keyword
    arguments. The payload holds ids, never personal data: the handler reads
    the record when it runs, through the same rules as everything else."""

    handler = models.CharField(max_length=100)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Not before: a failed delivery is retried from here, with backoff.
    available_at = models.DateTimeField(default=timezone.now)
    # A delivery in progress holds the message until then (see registry.DEFAULT_LEASE).
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        indexes = [
            # The sweep's question: what is pending and due?
            models.Index(fields=["available_at"], name="outbox_pending_due", condition=Q(delivered_at__isnull=True)),
        ]

    def __str__(self):
        state = "delivered" if self.delivered_at else "pending"
        return f"{self.handler} #{self.pk} ({state})"
