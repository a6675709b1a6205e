from django.apps import AppConfig

from cse_team.navigation import Section


class IntelligenceConfig(AppConfig):
    name = "intelligence"
    verbose_name = "Intelligence"
    default_auto_field = "django.db.models.BigAutoField"
    navigation = (Section("Intelligence", "intelligence:report_list", order=25),)
    # Where notifications link a record to (notifications.services.record_link).
    record_pages = {
        "intelligence.intelligencereport": "intelligence:report_detail",
        "intelligence.submission": "intelligence:submission_detail",
        "intelligence.disruption": "intelligence:disruption_detail",
    }
