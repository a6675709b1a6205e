from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("accounts/session_timeout.html", takes_context=True)
def session_timeout(context):
    """The idle-timeout warning dialog, for a signed-in page."""
    return {
        "csrf_token": context.get("csrf_token"),
        "idle_seconds": settings.SESSION_IDLE_SECONDS,
        "warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS,
    }
