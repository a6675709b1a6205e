"""E-mails about MASE actions. Each carries the action's reference and a link,
never case details: the reader signs in and sharing decides what they see."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from mase.models import OUTSTANDING, MaseAction

SUBJECTS = {
    "assigned": "MASE action {reference} is yours: due {due:%-d %B %Y}",
    "due": "MASE action {reference} is due on {due:%-d %B %Y}",
    "overdue": "MASE action {reference} is overdue (it was due on {due:%-d %B %Y})",
}


def _send(action_id: int, kind: str) -> int:
    action = MaseAction.objects.filter(pk=action_id).select_related("owner").first()
    if action is None or not action.owner.email or (kind != "assigned" and action.status not in OUTSTANDING):
        return 0  # gone, no address, or done since the reminder was queued
    link = settings.SERVICE_URL.rstrip("/") + reverse("mase:action_detail", args=[action.pk])
    subject = SUBJECTS[kind].format(reference=action.reference, due=action.due_date)
    body = f"{subject}.\n\nOpen it (sign-in required): {link}\n"
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [action.owner.email], fail_silently=False)


def action_assigned(*, action_id: int) -> int:
    return _send(action_id, "assigned")


def action_reminder(*, action_id: int, kind: str) -> int:
    return _send(action_id, kind)
