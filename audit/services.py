"""Writes to the access log. Each call is one INSERT and nothing else writes
`AccessEvent` rows.

A failure to write propagates: a page that cannot record that it was seen
must not be shown, so callers log before they render.
"""

import ipaddress
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from accounts.models import ApiToken
from audit.models import AccessEvent

USERNAME_MAX_LENGTH = AccessEvent._meta.get_field("username").max_length


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        # Each trusted proxy appends the address it received from; the one the
        # nearest untrusted hop gave is `proxies` from the right. Anything to
        # its left was written by the client and proves nothing.
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        # A Unix-socket peer or a test request has no IP address; an invalid
        # value must not turn into a database error that hides the page.
        return None


def _request_id(request: HttpRequest | None) -> str:
    return getattr(request, "request_id", "") if request is not None else ""


def record_access(
    *,
    user,
    action: str,
    record_kind: str = "",
    record_ids: Iterable[Any] = (),
    request: HttpRequest | None = None,
    reason: str = "",
    details: dict | None = None,
) -> AccessEvent:
    """Record that `user` did `action` to the records `record_ids` of kind
    `record_kind` (a model label such as "referrals.referral")."""
    signed_in = user is not None and user.is_authenticated
    token = getattr(request, "auth", None)
    if isinstance(token, ApiToken):
        # Which of the user's tokens it was (its name; the token itself is never stored).
        details = {**(details or {}), "api_token": token.name}
    return AccessEvent.objects.create(
        user=user if signed_in else None,
        username=user.get_username() if signed_in else "",
        agency_id=user.agency_id if signed_in else None,
        action=action,
        record_kind=record_kind,
        record_ids=[str(record_id) for record_id in record_ids],
        client_address=client_address(request),
        request_id=_request_id(request),
        reason=reason,
        details=details or {},
    )


def record_failed_login(*, username: str, request: HttpRequest | None) -> AccessEvent:
    """Record a failed sign-in under the username as typed. When it names an
    account, the event is tied to that account, so attacks on one user show up
    in that user's history. Never given the password."""
    # PostgreSQL text cannot hold NUL, and whatever was typed must not stop the
    # event being written. A name that had to be altered cannot be an account's.
    storable = username.replace("\x00", "")[:USERNAME_MAX_LENGTH]
    account = None
    if storable == username:
        User = get_user_model()
        account = User.objects.filter(**{User.USERNAME_FIELD: username}).values("pk", "agency_id").first()
    return AccessEvent.objects.create(
        user_id=account["pk"] if account else None,
        username=storable,
        agency_id=account["agency_id"] if account else None,
        action=AccessEvent.Action.FAILED_LOGIN,
        client_address=client_address(request),
        request_id=_request_id(request),
    )
