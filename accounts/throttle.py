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


def allauth_rate_limited(request: HttpRequest) -> HttpResponse:
    """`handler429` of the project's URLs, which allauth calls when one of its
    own limits (ACCOUNT_RATE_LIMITS: password change, reset, re-authentication)
    refuses a request. allauth's answer is a bare 429; like every other
    throttled answer this one says when to try again and is logged.

    allauth does not tell the handler which limit was reached, so Retry-After
    is the longest window of any of them: never too early, at most a few
    minutes late."""
    seconds = allauth_retry_after_seconds()
    user = getattr(request, "user", None)
    logger.warning(
        "allauth rate limit: address=%s user=%s path=%s retry_after=%ss",
        client_address(request),
        user.get_username() if user is not None and user.is_authenticated else "-",
        request.path,
        seconds,
    )
    response = render(request, "429.html", {"retry_after_minutes": -(-seconds // 60)}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def allauth_retry_after_seconds() -> int:
    from allauth.core.internal.ratelimit import parse_rates

    windows = [rate.duration for rates in settings.ACCOUNT_RATE_LIMITS.values() for rate in parse_rates(rates)]
    return int(max(windows, default=60))
