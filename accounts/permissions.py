"""API permission: what a token's scope allows."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import ApiToken


class TokenScopeAllows(BasePermission):
    """A read-only token may read (GET, HEAD, OPTIONS) and nothing else. A
    signed-in browser session is not limited here."""

    message = "This API token may only read. Make a token that may read and write to change records."

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        return request.method in SAFE_METHODS or token.may_write
