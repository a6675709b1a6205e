"""API authentication by token (DRF's), counting a token's use as activity."""

import datetime

from django.utils import timezone
from rest_framework.authentication import TokenAuthentication

from accounts.models import User

# How often a token's use is written to last_login: enough for the dormant-
# account check (which counts days), without a write on every API call.
ACTIVITY_RESOLUTION = datetime.timedelta(hours=1)


class ActivityTokenAuthentication(TokenAuthentication):
    """A user who only uses the API is not dormant: their token's use counts
    as signing in (last_login), which deactivate_dormant_accounts reads."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        now = timezone.now()
        if user.last_login is None or now - user.last_login > ACTIVITY_RESOLUTION:
            User.objects.filter(pk=user.pk).update(last_login=now)
            user.last_login = now
        return user, token
