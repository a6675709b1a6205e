from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "Information Sharing Protocol"

    def ready(self):
        from sharing.registry import clear_caches

        # Permission ids are cached per process; a flushed and re-migrated
        # (test) database gives them new ids.
        post_migrate.connect(clear_caches, dispatch_uid="sharing_clear_caches")
