"""How allauth's sign-in flows fit this service: no sign-up, e-mail through
the outbox, the enrolment prompt after sign-in, and who must use a second factor."""

from __future__ import annotations

import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import mfa
from accounts.throttle import client_address
from outbox.services import enqueue

QUIET_MESSAGES = {"account/messages/logged_in.txt", "account/messages/logged_out.txt"}


def user_display(user) -> str:
    return user.get_username()


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are made by administrators for named staff of member agencies.
        return False

    def send_password_reset_mail(self, user, email: str, context: dict) -> None:
        # The link is built when the message is delivered (accounts.tasks), so
        # the outbox row holds only the user's id, never a usable reset key.
        with transaction.atomic():
            enqueue("accounts.send_password_reset", user_id=user.pk)

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        # The identity bar already says who is signed in, and the sign-in page that they are not.
        if message_template in QUIET_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def get_client_ip(self, request: HttpRequest) -> str:
        # The address the access log records (behind TRUSTED_PROXIES); a
        # request with none (a Unix socket, a test's force_login) is 0.0.0.0.
        return client_address(request) or "0.0.0.0"  # noqa: S104 (a placeholder address, not a bind)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse("home")

    def post_login(self, request, user, *, email_verification, signal_kwargs, email, signup, redirect_url):
        response = super().post_login(
            request,
            user,
            email_verification=email_verification,
            signal_kwargs=signal_kwargs,
            email=email,
            signup=signup,
            redirect_url=redirect_url,
        )
        if not mfa.session_used_second_factor(request) and not mfa.has_second_factor(user):
            # Prompted (or, for those who must, required: the middleware
            # allows nothing else) to set up a second factor.
            target = response["Location"] if response is not None and response.has_header("Location") else ""
            return HttpResponseRedirect(
                reverse("accounts:mfa_prompt") + "?" + urlencode({"next": target or reverse("home")})
            )
        return response


def _fernet():
    # Derived from SECRET_KEY (which production requires to be long and
    # random): a copy of the database alone does not give the TOTP secrets.
    # Changing SECRET_KEY means everyone sets up their authenticator app again.
    digest = hashlib.sha256(f"accounts.mfa.totp:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class MfaAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def get_totp_label(self, user) -> str:
        return user.get_username()

    def can_delete_authenticator(self, authenticator) -> bool:
        # Someone who must use a second factor cannot remove their last one.
        user = authenticator.user
        if not mfa.mfa_required(user):
            return True
        others = type(authenticator).objects.filter(user_id=user.pk, type__in=mfa.SIGN_IN_FACTORS)
        return others.exclude(pk=authenticator.pk).exists() or authenticator.type not in mfa.SIGN_IN_FACTORS
