"""The header's primary navigation, built from the installed apps: each app
lists its sections on its AppConfig, so a new app adds its own and the project
names none of them.

    class ReferralsConfig(AppConfig):
        navigation = (Section("Referrals", "referrals:referral_list", order=20),)

A section is shown only to users its `allowed` predicate (a dotted path to a
function of the user) admits; without one, to every signed-in user."""

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    order: int = 50
    allowed: str | None = None  # "module.function": (user) -> bool


def is_staff(user) -> bool:
    return user.is_staff


def sections() -> list[Section]:
    """Every installed app's sections, in order."""
    found = [section for config in apps.get_app_configs() for section in getattr(config, "navigation", ())]
    return sorted(found, key=lambda section: (section.order, section.label))


def navigation_for(request) -> list[dict]:
    """The sections this user may open, with the one the page is in marked current."""
    user = request.user
    shown = []
    for section in sections():
        if section.allowed and not import_string(section.allowed)(user):
            continue
        url = reverse(section.url_name)
        current = request.path == url or (url != "/" and request.path.startswith(url))
        shown.append({"label": section.label, "url": url, "current": current})
    return shown
