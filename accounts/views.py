"""Sign-in, the second-factor prompt, the user's sessions and the idle-timeout endpoints."""

from __future__ import annotations

import datetime
import time
from importlib import import_module

from allauth.account.utils import perform_login
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from accounts import mfa, services, throttle
from accounts.forms import SignInForm
from accounts.middleware import LAST_SEEN_AT, session_limits


class SignInView(auth_views.LoginView):
    """Username and password (Django's form, so the failure signal, django-axes
    and the same message for every failure stay as they were), then allauth's
    login stages: the second factor for those who have one."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if throttle.address_is_throttled(request):
            return throttle.throttled_response(request, reason="address", username=request.POST.get("username", ""))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        # The password was just typed: it counts as a recent authentication for step-up.
        mfa.record_recent_authentication(self.request, user)
        return perform_login(self.request, user, redirect_url=self.get_success_url())


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


class MfaPromptView(TemplateView):
    """After sign-in, for someone with no second factor: set one up now (a
    passkey or an authenticator app), or, unless they must, later."""

    template_name = "accounts/mfa_prompt.html"

    def get(self, request, *args, **kwargs):
        if mfa.has_second_factor(request.user):
            return redirect(_safe_next(request))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            required=mfa.mfa_required(self.request.user),
            next=_safe_next(self.request),
            **kwargs,
        )


class AccountView(TemplateView):
    """Your sign-in: second factors, password, and where you are signed in."""

    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs):
        from allauth.mfa.models import Authenticator

        user = self.request.user
        factors = {a.type for a in Authenticator.objects.filter(user_id=user.pk)}
        sessions = UserSession.objects.purge_and_list(user)
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for session in sessions:
            last = store(session_key=session.session_key).get(LAST_SEEN_AT)
            session.last_active = datetime.datetime.fromtimestamp(last, tz=datetime.UTC) if last else session.created_at
        sessions.sort(key=lambda session: session.last_active, reverse=True)
        return super().get_context_data(
            has_totp=Authenticator.Type.TOTP in factors,
            has_webauthn=Authenticator.Type.WEBAUTHN in factors,
            has_recovery_codes=Authenticator.Type.RECOVERY_CODES in factors,
            mfa_required=mfa.mfa_required(user),
            sessions=sessions,
            current_session_key=self.request.session.session_key,
            **kwargs,
        )


@require_POST
def sign_out_everywhere(request: HttpRequest):
    """Ends every other session of this user, including any not in the list."""
    ended = services.user_end_sessions(user=request.user, keep=request.session.session_key)
    # This session carries on with the new generation.
    update_session_auth_hash(request, request.user)
    messages.success(request, f"Signed out of {ended} other session{'s' if ended != 1 else ''}")
    return redirect("accounts:account")


def _status(request: HttpRequest) -> JsonResponse:
    idle, absolute = session_limits(request) or (time.time(), time.time())
    now = time.time()
    return JsonResponse(
        {
            "idle_seconds_left": max(0, int(idle - now)),
            "absolute_seconds_left": max(0, int(absolute - now)),
            "warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS,
        }
    )


def session_status(request: HttpRequest):
    """How long this session has left; reading it is not activity."""
    return _status(request)


@require_POST
def stay_signed_in(request: HttpRequest):
    """The "Stay signed in" button: a request, so the idle clock restarts."""
    return _status(request)
