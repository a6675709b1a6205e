from django.apps import AppConfig

from cse_team.navigation import Section


class MaseConfig(AppConfig):
    name = "mase"
    verbose_name = "MASE"
    navigation = (Section("MASE", "mase:meeting_list", order=30, allowed="mase.permissions.reads_mase"),)
