from django.apps import AppConfig


class CseTeamConfig(AppConfig):
    """Project-level start-up; the project package holds no models."""

    name = "cse_team"
    verbose_name = "CSE team service"

    def ready(self):
        from cse_team.celery import announce_eager_mode

        announce_eager_mode()
