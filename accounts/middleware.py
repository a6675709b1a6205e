"""Session limits and the second-factor requirement, for every request."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import mfa

SIGNED_IN_AT = "accounts_signed_in_at"
LAST_SEEN_AT = "accounts_last_seen_at"
# A session with this flag was ended by a role or agency change, or "sign out everywhere".
ENDED = "accounts_ended"

# Requests that do not count as activity: the page's own check of how long is
# left, and the header's unread count that htmx refreshes every minute.
PASSIVE_PATHS = ("/accounts/session/status/", "/notifications/unread/", "/notifications/status/")
STAY_SIGNED_IN_PATH = "/accounts/session/stay-signed-in/"
# Activity is written to the session at most this often: a write on every
# request would be a query on every page.
ACTIVITY_RESOLUTION_SECONDS = 30


def start_session_clock(sender, request, user, **kwargs):
    """user_logged_in receiver: the session's sign-in and last activity are now."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


def session_limits(request: HttpRequest) -> tuple[float, float] | None:
    """(idle deadline, absolute deadline) as Unix times, for a signed-in session."""
    session = request.session
    if SIGNED_IN_AT not in session:
        return None
    idle = session.get(LAST_SEEN_AT, session[SIGNED_IN_AT]) + settings.SESSION_IDLE_SECONDS
    absolute = session[SIGNED_IN_AT] + settings.SESSION_COOKIE_AGE
    return idle, absolute


class SessionLimitsMiddleware:
    """Ends a signed-in session idle for SESSION_IDLE_SECONDS or older than
    SESSION_COOKIE_AGE (whatever the activity). The times live in the session,
    so they hold across workers; the cookie's own age is only a backstop."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            session = request.session
            session.setdefault(SIGNED_IN_AT, now)
            idle, absolute = session_limits(request)
            if now >= min(idle, absolute):
                logout(request)
                if request.path.startswith("/api/") or request.path in PASSIVE_PATHS:
                    return JsonResponse({"detail": "Your session has ended. Sign in again."}, status=401)
                return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
            last_seen = session.get(LAST_SEEN_AT, 0)
            if request.path not in PASSIVE_PATHS and (
                now - last_seen >= ACTIVITY_RESOLUTION_SECONDS or request.path == STAY_SIGNED_IN_PATH
            ):
                session[LAST_SEEN_AT] = now
        return self.get_response(request)


class MfaRequiredMiddleware:
    """Someone who must use a second factor (accounts.mfa.mfa_required)
    reaches only the enrolment and sign-out pages until this session has used
    one. allauth's own sign-in asks for it; this closes every other way in
    (a session made before the requirement, or the user's role changing)."""

    ALLOWED_PREFIXES = (
        "/accounts/2fa/",
        "/accounts/reauthenticate/",
        "/accounts/logout/",
        "/accounts/mfa/",
        "/static/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _enrolled_in_this_session(request: HttpRequest) -> bool:
        """A factor set up since this session signed in counts as used (and is recorded so)."""
        signed_in_at = request.session.get(SIGNED_IN_AT)
        factor = mfa.factor_added_since(request.user, signed_in_at) if signed_in_at else None
        if factor is None:
            return False
        mfa.record_second_factor(request, request.user, kind=factor.type)
        return True

    def __call__(self, request: HttpRequest):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and request.path != "/healthz"
            and mfa.mfa_required(user)
            and not mfa.session_used_second_factor(request)
            and not self._enrolled_in_this_session(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Set up a second factor to use this service."}, status=403)
            if mfa.has_second_factor(user):
                # Signed in some other way than allauth's flow: sign in again with the factor.
                logout(request)
                return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
            return redirect(f"{reverse('accounts:mfa_prompt')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
