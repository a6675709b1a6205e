"""Outbox handlers (enqueued by intelligence.services): at least once, so
each is harmless to repeat. E-mails carry a reference and a link, never
personal data: the reader signs in and sharing decides what they see."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail, send_mass_mail
from django.urls import reverse

from accounts.models import User
from intelligence.models import UNIT_AGENCY, UNIT_ROLES, Submission
from outbox.registry import handler


def intelligence_officers():
    return (
        User.objects.filter(
            is_active=True, agency__code=UNIT_AGENCY, groups__name__in=[f"role:{role}" for role in UNIT_ROLES]
        )
        .exclude(email="")
        .distinct()
    )


@handler("intelligence.submission_received")
def submission_received(*, submission_id: int) -> int:
    """Tell the intelligence unit a submission waits in the triage queue."""
    submission = Submission.objects.filter(pk=submission_id).only("reference").first()
    if submission is None:
        return 0
    link = settings.SERVICE_URL.rstrip("/") + reverse("intelligence:triage")
    subject = f"New intelligence submission {submission.reference} to grade"
    body = f"Submission {submission.reference} is waiting in the triage queue.\n\nOpen it (sign-in required): {link}\n"
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]) for user in intelligence_officers()]
    return send_mass_mail(messages, fail_silently=False) if messages else 0


@handler("intelligence.cawn_expiry_reminder")
def cawn_expiry_reminder(*, disruption_id: int) -> int:
    """Tell the officer in charge that a notice expires soon: its reference,
    expiry date and a link, nothing about who it concerns. Sent again if the
    outbox retries; skipped if the notice is no longer in force."""
    from intelligence.models.disruptions import CAWN_IN_FORCE, Disruption

    notice = Disruption.objects.filter(pk=disruption_id).select_related("officer").first()
    if notice is None or notice.status not in CAWN_IN_FORCE or not notice.officer.email:
        return 0
    link = settings.SERVICE_URL.rstrip("/") + reverse("intelligence:disruption_detail", args=[notice.pk])
    subject = f"Child abduction warning notice {notice.reference} expires on {notice.expires_on:%-d %B %Y}"
    body = f"{subject}.\n\nDecide whether a new notice is needed. Open it (sign-in required): {link}\n"
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.officer.email], fail_silently=False)


@shared_task
def queue_cawn_expiry_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): expiry reminders for notices in force, and
    notices past their expiry marked expired."""
    from intelligence.services.disruptions import cawns_queue_expiry_reminders

    return cawns_queue_expiry_reminders()
