"""Every write of notifications, and their e-mails. Feature apps call
`notify` inside their service's transaction; e-mails go through the outbox
(handlers in notifications/tasks.py), so they are sent after commit, retried,
and never sent for a rolled-back change."""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import EmailChoice, Event, Notification, Preference, ShareWatermark
from outbox.services import enqueue
from sharing import access, registry
from sharing.levels import RANK, AccessLevel
from sharing.models import Share

SHARE_SWEEP_BATCH = 500


def email_choice(user) -> str:
    preference = Preference.objects.filter(user=user).first()
    return preference.email if preference else EmailChoice.DAILY


def record_link(record) -> str:
    """The record's page: apps name it on their AppConfig,
    `record_pages = {"referrals.referral": "referrals:referral_detail"}`."""
    label = record._meta.label_lower
    for config in apps.get_app_configs():
        url_name = getattr(config, "record_pages", {}).get(label)
        if url_name:
            return reverse(url_name, args=[record.pk])
    raise LookupError(f"No app names the page of {label} records (record_pages on its AppConfig)")


def notify(*, recipients, event: str, record, level: str = AccessLevel.FULL, key: str | None = None):
    """Tell each recipient (but the one who acted, whom the caller leaves out)
    that `event` happened to `record`, a sharable record. Only recipients who
    hold `level` on it now are told; listing and e-mailing check again.
    Returns the notifications made (none twice for the same key)."""
    kind = registry.for_model(type(record))
    key = key or f"{event}:{kind.kind}:{record.pk}:{timezone.now().isoformat()}"
    link = record_link(record)
    told = []
    for user in {user.pk: user for user in recipients if user is not None and user.is_active}.values():
        held = access.access_level(user, record)
        if held is None or RANK[held] < RANK[level]:
            continue
        told.append(
            Notification(
                recipient=user, event=event, record_kind=kind.kind, record_id=record.pk,
                reference=str(getattr(record, "reference", record.pk)), link=link, level=level, key=key,
            )
        )  # fmt: skip
    already = set(
        Notification.objects.filter(key=key, recipient__in=[n.recipient_id for n in told]).values_list(
            "recipient", flat=True
        )
    )
    Notification.objects.bulk_create([n for n in told if n.recipient_id not in already], ignore_conflicts=True)
    made = list(
        Notification.objects.filter(
            key=key, recipient__in=[n.recipient_id for n in told if n.recipient_id not in already]
        ).select_related("recipient")
    )
    immediate = [
        notification.pk for notification in made if email_choice(notification.recipient) == EmailChoice.IMMEDIATE
    ]
    if immediate:
        enqueue("notifications.email_immediately", notification_ids=immediate)
    return made


def resolve(*, key: str) -> int:
    """The news is no longer news for anyone (an assessment awaiting approval
    was decided): its notifications are marked read and not e-mailed."""
    now = timezone.now()
    return Notification.objects.filter(key=key, read_at__isnull=True).update(
        read_at=now, emailed_at=Coalesce("emailed_at", Value(now))
    )


def mark_read(*, user, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionError("Not your notification")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())


def set_email_choice(*, user, email: str) -> Preference:
    if email not in EmailChoice.values:
        from django.core.exceptions import ValidationError

        raise ValidationError({"email": "Choose how you want to be e-mailed"})
    preference, _ = Preference.objects.update_or_create(user=user, defaults={"email": email})
    return preference


# --- e-mails: a link and a reference, never case details --------------------------------


def _absolute(link: str) -> str:
    return settings.SERVICE_URL.rstrip("/") + link


def _line(notification: Notification) -> str:
    return f"- {notification.get_event_display()}: {notification.reference}\n  {_absolute(notification.link)}"


def email_immediately(*, notification_ids: list[int]) -> int:
    """Outbox handler: e-mail each notification whose recipient wants it at once,
    still may see the record and has not been e-mailed it; returns how many were sent."""
    sent = 0
    for notification_id in notification_ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient")
                .filter(pk=notification_id, emailed_at__isnull=True)
                .first()
            )
            if notification is None:
                continue
            user = notification.recipient
            still_seen = Notification.objects.visible_to(user).filter(pk=notification.pk).exists()
            if still_seen and user.email and email_choice(user) == EmailChoice.IMMEDIATE:
                send_mail(
                    f"{notification.get_event_display()}: {notification.reference}",
                    f"{_line(notification)}\n\nSign in to see it. This e-mail holds no case details.\n",
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
                sent += 1
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
    return sent


def email_digest(*, user_id: int) -> int:
    """Outbox handler: one e-mail listing the user's visible notifications not
    yet e-mailed; returns how many it listed."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or email_choice(user) != EmailChoice.DAILY:
        return 0
    with transaction.atomic():
        pending = list(
            Notification.objects.visible_to(user).not_emailed().select_for_update(skip_locked=True).order_by("id")
        )
        if not pending:
            return 0
        body = "\n".join(_line(notification) for notification in pending)
        send_mail(
            f"{len(pending)} new notification{'s' if len(pending) != 1 else ''}",
            f"{body}\n\nSign in to see them. This e-mail holds no case details.\n",
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
    return len(pending)


def queue_daily_digests() -> int:
    """Beat, each morning: one outbox message per person with something to send."""
    since = timezone.now() - datetime.timedelta(days=7)
    users = (
        Notification.objects.not_emailed()
        .filter(created_at__gte=since, recipient__is_active=True)
        .exclude(recipient__email="")
        .order_by()
        .values_list("recipient", flat=True)
        .distinct()
    )
    immediate_or_none = set(Preference.objects.exclude(email=EmailChoice.DAILY).values_list("user", flat=True))
    queued = 0
    with transaction.atomic():
        for user_id in users:
            if user_id not in immediate_or_none:
                enqueue("notifications.email_digest", user_id=user_id)
                queued += 1
    return queued


# --- events noticed by sweeping ---------------------------------------------------------


def _agency_recipients(agency):
    return User.objects.filter(agency=agency, is_active=True)


@transaction.atomic
def notice_new_shares() -> int:
    """Beat (every minute): turn shares made since the last sweep into
    notifications for the person or the agency's staff they were made to.
    Sharing knows nothing of notifications; the sweep keeps it so."""
    watermark, _ = ShareWatermark.objects.select_for_update().get_or_create(pk=1)
    shares = list(
        Share.objects.filter(pk__gt=watermark.last_share_id)
        .select_related("recipient_user", "recipient_agency")
        .order_by("pk")[:SHARE_SWEEP_BATCH]
    )
    told = 0
    for share in shares:
        if share.ended_at is not None:
            continue
        try:
            kind = registry.get(share.record_kind)
        except LookupError:
            continue
        record = kind.model._default_manager.filter(pk=share.record_id).first()
        if record is None:
            continue
        if share.recipient_user_id:
            recipients, event = [share.recipient_user], Event.SHARED
        else:
            recipients, event = _agency_recipients(share.recipient_agency), Event.SHARED_WITH_AGENCY
        recipients = [user for user in recipients if user.pk != share.shared_by_id]
        told += len(
            notify(
                recipients=recipients, event=event, record=record, level=AccessLevel.SUMMARY, key=f"share:{share.pk}"
            )
        )
    if shares:
        watermark.last_share_id = shares[-1].pk
        watermark.save(update_fields=["last_share_id"])
    return told
