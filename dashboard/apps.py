from django.apps import AppConfig

from cse_team.navigation import Section


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Dashboard"
    navigation = (Section("Dashboard", "dashboard:dashboard", order=90, allowed="dashboard.indicators.may_view"),)

    def ready(self):
        from dashboard import signals  # noqa: F401  (connects the freshness receivers)
