from django.conf import settings

from cse_team.navigation import navigation_for


def service(request):
    """Service name, phase banner, primary navigation and the signed-in user's roles."""
    context = {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "sign_in_lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    # Only the installed apps' sections, and only those the user may open.
    context["navigation"] = navigation_for(request)
    context["user_role_names"] = [role.name for role in user.held_roles]
    return context
