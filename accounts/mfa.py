"""Who must use a second factor, and whether this session has used one.

allauth records each way a session was authenticated (password, mfa, and
reauthentications) in the session; a session that completed allauth's MFA
stage has an "mfa" record. A user who must use a second factor and has none
reaches only the enrolment pages (accounts.middleware.MfaRequiredMiddleware);
enrolling in this session counts as using it.
"""

from __future__ import annotations

import datetime

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest

# The factors that sign in; recovery codes only stand in for them.
SIGN_IN_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def mfa_required(user) -> bool:
    """Administrators, the DPO and the intelligence unit always; everyone with MFA_REQUIRED_FOR_ALL."""
    if not user.is_authenticated:
        return False
    if settings.MFA_REQUIRED_FOR_ALL or user.is_staff or user.is_superuser:
        return True
    return bool(set(settings.MFA_REQUIRED_ROLES) & set(user.role_codes))


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SIGN_IN_FACTORS).exists()


def factor_added_since(user, timestamp: float) -> Authenticator | None:
    since = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    return Authenticator.objects.filter(user_id=user.pk, type__in=SIGN_IN_FACTORS, created_at__gte=since).first()


def session_used_second_factor(request: HttpRequest) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def record_second_factor(request: HttpRequest, user, *, kind: str) -> None:
    """Count the session as having used a second factor (just enrolled, or a test's force_login)."""
    record_authentication(request, user, method="mfa", type=kind)


def record_recent_authentication(request: HttpRequest, user) -> None:
    """A password typed at sign-in counts as a recent authentication for step-up."""
    record_authentication(request, user, method="password", reauthenticated=True)
