"""Alerts about referrals. An e-mail carries the reference and a link, never
personal data: the reader signs in and sharing decides what they see."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse

from accounts.models import User
from referrals.models import Referral


def cse_team_supervisors():
    return User.objects.filter(is_active=True, is_cse_team_member=True, groups__name="role:supervisor").exclude(
        email=""
    )


def alert_immediate_risk(*, referral_id: int) -> int:
    """E-mail every CSE team supervisor that a referral reports immediate risk;
    returns how many were sent."""
    referral = Referral.objects.filter(pk=referral_id).only("reference").first()
    if referral is None:
        return 0
    link = settings.SERVICE_URL.rstrip("/") + reverse("referrals:referral_detail", args=[referral_id])
    subject = f"Immediate risk: referral {referral.reference} needs a strategy discussion"
    body = (
        f"Referral {referral.reference} was recorded with immediate risk to the child.\n"
        "Consider a strategy discussion now.\n\n"
        f"Open it (sign-in required): {link}\n"
    )
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]) for user in cse_team_supervisors()]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
