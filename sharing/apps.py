from django.apps import AppConfig
from django.db.models.signals import post_migrate

from cse_team.navigation import Section


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "Information Sharing Protocol"
    navigation = (Section("Information sharing", "sharing:protocol_in_force", order=30),)
    reference_data = ("sharing.lawful_bases.load_lawful_bases",)

    def ready(self):
        from sharing import checks  # noqa: F401 - registers the declaration check
        from sharing.registry import clear_caches

        # Permission ids are cached per process; a flushed and re-migrated
        # (test) database gives them new ids.
        post_migrate.connect(clear_caches, dispatch_uid="sharing_clear_caches")
