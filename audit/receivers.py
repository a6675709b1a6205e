"""Sign-in, failed sign-in and sign-out go to the access log. These receivers
only translate Django's auth signals into `audit.services` calls."""

from django.contrib.auth import get_user_model

from audit.models import AccessEvent
from audit.services import record_access, record_failed_login


def log_login(sender, request, user, **kwargs):
    record_access(user=user, action=AccessEvent.Action.LOGIN, request=request)


def log_logout(sender, request, user, **kwargs):
    # Django sends the signal with no user when an anonymous visitor signs out.
    if user is not None:
        record_access(user=user, action=AccessEvent.Action.LOGOUT, request=request)


def log_failed_login(sender, credentials, request=None, **kwargs):
    # Only the username is read from the credentials: the password (already
    # masked by Django) must never reach the log.
    username = credentials.get(get_user_model().USERNAME_FIELD)
    record_failed_login(username=str(username or ""), request=request)
