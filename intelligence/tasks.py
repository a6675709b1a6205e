"""Outbox handlers (enqueued by intelligence.services): at least once, so
each is harmless to repeat. E-mails carry a reference and a link, never
personal data: the reader signs in and sharing decides what they see."""

from django.conf import settings
from django.core.mail import send_mass_mail
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
