"""Step-up re-authentication for the few actions that most need it
(exporting the access log, agreeing a protocol, changing someone's roles).

A view wrapped here asks for the password (or a second factor) again unless
this session authenticated within ACCOUNT_REAUTHENTICATION_TIMEOUT seconds;
signing in counts. A refused POST is kept and replayed after the user
re-authenticates (allauth's reauthentication flow).
"""

from __future__ import annotations

import functools

from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.reauthentication import raise_if_reauthentication_required
from django.utils.decorators import method_decorator


def step_up_required(view=None, *, allow_get: bool = False):
    """For a function view; `allow_get` lets a GET (showing a form) through and guards only the POST."""
    decorator = reauthentication_required(allow_get=allow_get)
    return decorator(view) if view is not None else decorator


class StepUpRequiredMixin:
    """For a class-based view; set `step_up_allow_get = True` to guard only the POST."""

    step_up_allow_get = False

    @classmethod
    def as_view(cls, **initkwargs):
        return step_up_required(super().as_view(**initkwargs), allow_get=cls.step_up_allow_get)


def step_up_required_action(action):
    """For a ModelAdmin action `(modeladmin, request, queryset)`: the POST is
    kept, and carried out once the user has re-authenticated."""

    @functools.wraps(action)
    def wrapper(modeladmin, request, queryset):
        raise_if_reauthentication_required(request, app="")
        return action(modeladmin, request, queryset)

    return wrapper


__all__ = ["StepUpRequiredMixin", "method_decorator", "step_up_required", "step_up_required_action"]
