"""Helpers of the dashboard tests: a scope over the last year, the figures as
shown, and referrals received some days ago."""

import datetime

from django.utils import timezone

from accounts.models import District
from dashboard import indicators
from tests.referrals.factories import ChildFactory, ReferralFactory


def scope_for(user, **filters):
    today = timezone.localdate()
    return indicators.Scope(user=user, start=today - datetime.timedelta(days=364), end=today, **filters)


def shown(table) -> dict[str, str]:
    return {row.label: row.shown for row in table.rows}


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def referral(personas, *, received_days_ago: int, by="kcc.caseworker", district="maidstone", child=None, **fields):
    child = child or ChildFactory(district=District.objects.get(code=district))
    return ReferralFactory(child=child, created_by=personas[by], received_at=ago(received_days_ago), **fields)
