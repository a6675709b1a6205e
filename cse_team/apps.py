from django.apps import AppConfig

from cse_team.navigation import Section


class CseTeamConfig(AppConfig):
    """Project-level start-up; the project package holds no models."""

    name = "cse_team"
    verbose_name = "CSE team service"
    navigation = (
        Section("Home", "home", order=0),
        Section("Administration", "admin:index", order=90, allowed="cse_team.navigation.is_staff"),
    )

    def ready(self):
        from cse_team.celery import announce_eager_mode

        announce_eager_mode()
