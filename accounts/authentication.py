"""API authentication by named, hashed, expiring tokens (django-rest-knox
with accounts.ApiToken), counting a token's use as activity."""

import datetime

from django.utils import timezone
from knox.auth import TokenAuthentication

from accounts.models import ApiToken, User
from audit.services import client_address

# How often a token's use is written to last_login: enough for the dormant-
# account check (which counts days), without a write on every API call.
ACTIVITY_RESOLUTION = datetime.timedelta(hours=1)
# How often a token's own "last used" is written.
USE_RESOLUTION = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`. A revoked or expired token answers 401
    like an unknown one; its row stays (knox would delete an expired one)."""

    def authenticate(self, request):
        authenticated = super().authenticate(request)
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
