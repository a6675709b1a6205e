"""API throttles: per user, per token, and per address for failed tokens.

Rates are read from settings at each request (not frozen at import, as DRF's
own are), so an operator's environment and the tests set them alike. The
counters live in the cache, which must be shared between web processes in
production (CACHE_URL, Redis); see docs/architecture.md, "Throttles"."""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken
from audit.services import client_address


class SettingsRateThrottle(SimpleRateThrottle):
    rate_setting = ""

    def __init__(self):
        # SimpleRateThrottle reads its rate here; ours is read per request.
        pass

    def allow_request(self, request, view):
        self.rate = getattr(settings, self.rate_setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class UserThrottle(SettingsRateThrottle):
    """Every signed-in caller's API requests, whether by session or token."""

    scope = "user"
    rate_setting = "API_RATE_PER_USER"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None  # refused by authentication first
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class TokenThrottle(SettingsRateThrottle):
    """Each token on its own, so one runaway script does not spend its
    holder's whole allowance."""

    scope = "token"
    rate_setting = "API_RATE_PER_TOKEN"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.digest[:32]}


def _failure_window(request) -> tuple[str, int, int, int]:
    limit, seconds = SimpleRateThrottle.parse_rate(None, settings.API_FAILED_TOKENS_PER_ADDRESS)
    window = int(time.time() // seconds)
    key = f"throttle_failed_token_{client_address(request) or 'unknown'}_{window}"
    return key, limit, seconds, seconds - int(time.time() % seconds)


def refuse_if_too_many_failures(request) -> None:
    """Too many bad tokens from this address in the current window: every
    token request from it is answered 429 until the window ends (a valid
    token too, or guessing could go on by telling 200 from 429)."""
    key, limit, _seconds, remaining = _failure_window(request)
    if (cache.get(key) or 0) >= limit:
        raise exceptions.Throttled(wait=remaining, detail="Too many failed API tokens from this address.")


def count_failure(request) -> None:
    key, _limit, seconds, _remaining = _failure_window(request)
    if not cache.add(key, 1, timeout=seconds + 1):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=seconds + 1)
