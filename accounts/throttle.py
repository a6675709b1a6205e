"""Sign-in throttling: the answers django-axes gives a locked-out
username-and-address, and the slowing of one address spraying many usernames.

Every throttled answer is a 429 with Retry-After, and logged (logger
"accounts.throttle"); see docs/architecture.md "Sign-in throttling".
"""

from __future__ import annotations

import datetime
import logging

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

# The address the access log records: REMOTE_ADDR, or the one the trusted
# proxies (TRUSTED_PROXIES) received the request from.
from audit.services import client_address

logger = logging.getLogger("accounts.throttle")


def cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def throttled_response(request: HttpRequest, *, reason: str, username: str = "") -> HttpResponse:
    seconds = cool_off_seconds()
    logger.warning(
        "sign-in throttled: %s; address=%s username=%r retry_after=%ss",
        reason,
        client_address(request),
        username[:150],
        seconds,
    )
    response = render(request, "registration/locked_out.html", {"reason": reason}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def locked_out(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: this username from this address failed too often."""
    username = str((credentials or {}).get("username") or request.POST.get("username") or "")
    return throttled_response(request, reason="username", username=username)


def address_is_throttled(request: HttpRequest) -> bool:
    """Whether the failures from this address, across every username within
    the cool-off period, have reached SIGN_IN_ADDRESS_FAILURE_LIMIT."""
    address = client_address(request)
    if address is None:
        return False
    since = timezone.now() - datetime.timedelta(seconds=cool_off_seconds())
    failures = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
