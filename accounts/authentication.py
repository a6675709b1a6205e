"""API authentication by named, hashed, expiring tokens (django-rest-knox
with accounts.ApiToken), counting a token's use as activity."""

import datetime

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from accounts import api_throttles
from accounts.models import ApiToken, User
from audit.services import client_address

# How often a token's use is written to last_login: enough for the dormant-
# account check (which counts days), without a write on every API call.
ACTIVITY_RESOLUTION = datetime.timedelta(hours=1)
# How often a token's own "last used" is written.
USE_RESOLUTION = datetime.timedelta(minutes=1)


def _scheme(request) -> bytes:
    header = request.META.get("HTTP_AUTHORIZATION", "").encode(errors="replace").split()
    return header[0].lower() if header else b""


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`. A revoked or expired token answers 401
    like an unknown one; its row stays (knox would delete an expired one)."""

    def authenticate(self, request):
        if _scheme(request) != self.authenticate_header(request).encode().lower():
            return None  # no token: session authentication's turn
        api_throttles.refuse_if_too_many_failures(request)
        try:
            authenticated = super().authenticate(request)
        except exceptions.AuthenticationFailed:
            api_throttles.count_failure(request)
            raise
        if authenticated is not None:
            self.record_use(request, *authenticated)
        return authenticated

    def _cleanup_token(self, auth_token: ApiToken) -> bool:
        """True: skip this token. (knox's own deletes expired tokens.)"""
        if auth_token.revoked_at is not None:
            return True
        return auth_token.expiry is not None and auth_token.expiry <= timezone.now()

    @staticmethod
    def record_use(request, user: User, token: ApiToken) -> None:
        """A user who only uses the API is not dormant: a token's use counts as
        signing in (last_login), which deactivate_dormant_accounts reads. The
        token keeps when and from where it was last used."""
        now = timezone.now()
        address = client_address(request)
        if token.last_used_at is None or now - token.last_used_at > USE_RESOLUTION or token.last_used_from != address:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_from=address)
            token.last_used_at, token.last_used_from = now, address
        if user.last_login is None or now - user.last_login > ACTIVITY_RESOLUTION:
            User.objects.filter(pk=user.pk).update(last_login=now)
            user.last_login = now


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document describes the token (drf-spectacular)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An API token made under "API tokens", sent as `Token <token>`.',
        }
