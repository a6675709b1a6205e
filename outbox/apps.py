from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Handlers are registered in each app's tasks.py: import them all, so
        # every process (web, worker, beat, shell) can deliver any message.
        autodiscover_modules("tasks")
