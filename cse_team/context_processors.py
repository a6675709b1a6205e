from django.conf import settings
from django.urls import reverse

from audit.permissions import can_read_access_log


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
    # Only sections that exist, and only those the user may open.
    sections = [
        ("Home", reverse("home"), True),
        ("Referrals", reverse("referrals:referral_list"), True),
        ("Information sharing", reverse("sharing:protocol_in_force"), True),
        ("Access log", reverse("audit:accessevent_list"), can_read_access_log(user)),
    ]
    if user.is_staff:
        sections.append(("Administration", reverse("admin:index"), True))
    context["navigation"] = [
        {"label": label, "url": url, "current": request.path == url or (url != "/" and request.path.startswith(url))}
        for label, url, allowed in sections
        if allowed
    ]
    context["user_role_names"] = [role.name for role in user.held_roles]
    return context
