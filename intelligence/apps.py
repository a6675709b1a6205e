from django.apps import AppConfig

from cse_team.home import Queue
from cse_team.navigation import Section


class IntelligenceConfig(AppConfig):
    name = "intelligence"
    verbose_name = "Intelligence"
    default_auto_field = "django.db.models.BigAutoField"
    navigation = (Section("Intelligence", "intelligence:report_list", order=25),)
    reference_data = ("intelligence.retention.load_retention_rules",)
    home_queues = (
        Queue(
            "Intelligence to review",
            "intelligence.queues.reviews_due",
            "intelligence:review_queue",
            roles=("intelligence-officer", "analyst"),
            order=27,
            description="Intelligence reports due for their MoPI review",
        ),
        Queue(
            "Disruptions to review",
            "intelligence.queues.disruption_reviews_due",
            "intelligence:review_queue",
            query="kind=disruption",
            roles=("intelligence-officer", "analyst"),
            order=28,
            description="Disruptions due for their MoPI review",
        ),
        Queue(
            "Problem profiles to review",
            "intelligence.queues.profile_reviews_due",
            "intelligence:review_queue",
            query="kind=profile",
            roles=("intelligence-officer", "analyst"),
            order=29,
            description="Problem profiles due for their MoPI review",
        ),
    )
    # Where notifications link a record to (notifications.services.record_link).
    record_pages = {
        "intelligence.intelligencereport": "intelligence:report_detail",
        "intelligence.submission": "intelligence:submission_detail",
        "intelligence.disruption": "intelligence:disruption_detail",
        "intelligence.problemprofile": "intelligence:profile_detail",
    }
