from django.apps import AppConfig

from cse_team.navigation import Section


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training and awareness"
    navigation = (Section("Training", "training:session_list", order=60),)
    # Role permissions granted by a migration; put back by tests that empty the tables.
    reference_data = ("training.permissions.grant_role_permissions",)
