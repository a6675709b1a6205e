"""Helpers for tests (and the demo) that sign people in with a second factor.

`force_login` skips allauth's sign-in, so a session it makes has not used a
second factor: tests/conftest.py wraps it with `mark_fully_signed_in`, so a
force_login'd user is as if they had signed in with password and second
factor just now. Tests of the requirement itself use `forget_second_factor`.
"""

from __future__ import annotations

import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.account.internal.userkit import user_id_to_str
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.cache import cache


def mark_fully_signed_in(client, user) -> None:
    """Record in the client's session a password sign-in and a second factor, both just now."""
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "username": user.get_username(), "reauthenticated": True},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


def forget_second_factor(client) -> None:
    """Make the client's session one that signed in with a password long ago and no second factor."""
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time() - 3600, "username": "", "reauthenticated": True}
    ]
    session.save()


def enrol_totp(user, secret: str) -> Authenticator:
    """Give `user` an authenticator app with `secret` (base32), replacing any."""
    Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).delete()
    return TOTP.activate(user, secret).instance


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app with `secret` shows now (or at `at`)."""
    from allauth.mfa import app_settings

    return format_hotp_value(hotp_value(secret, int(at if at is not None else time.time()) // app_settings.TOTP_PERIOD))


# A code is accepted only in its own period (allauth's MFA_TOTP_TOLERANCE is
# 0): one read in a period's last seconds may reach the server in the next,
# more so on a loaded machine (a browser test was told "Incorrect code" in CI).
# totp_code_for then waits for the next period, as a person would.
FRESH_FOR_SECONDS = 5


def totp_code_for(user) -> str:
    """The current code of `user`'s authenticator app, usable again (tests sign
    in more than once a period), with at least FRESH_FOR_SECONDS left to use it."""
    from allauth.mfa import app_settings

    authenticator = Authenticator.objects.get(user_id=user.pk, type=Authenticator.Type.TOTP)
    cache.clear()  # the record of codes already used (a code works once)
    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < FRESH_FOR_SECONDS:
        time.sleep(left + 0.05)
    return totp_code(decrypt(authenticator.data["secret"]))
