"""The data protection officer's queues on the home page: recent events of the
access log that oversight looks at. Of access, not of content: counts of log
events, linking to the access log filtered to them."""

import datetime

from django.utils import timezone

from audit.models import AccessEvent

RECENT = datetime.timedelta(days=7)


def _since() -> datetime.datetime:
    return timezone.now() - RECENT


def recent_since_query(action: str):
    def query() -> str:
        return f"action={action}&date_from={(timezone.localdate() - RECENT).isoformat()}"

    return query


def _recent(action):
    return AccessEvent.objects.filter(action=action, occurred_at__gte=_since())


def recent_shares(user):
    return _recent(AccessEvent.Action.SHARE)


def recent_revocations(user):
    return _recent(AccessEvent.Action.REVOKE)


def recent_failed_sign_ins(user):
    return _recent(AccessEvent.Action.FAILED_LOGIN)


def recent_permission_changes(user):
    return _recent(AccessEvent.Action.PERMISSION_CHANGE)


shares_query = recent_since_query(AccessEvent.Action.SHARE)
revocations_query = recent_since_query(AccessEvent.Action.REVOKE)
failed_sign_ins_query = recent_since_query(AccessEvent.Action.FAILED_LOGIN)
permission_changes_query = recent_since_query(AccessEvent.Action.PERMISSION_CHANGE)
