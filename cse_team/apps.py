from django.apps import AppConfig

from cse_team.home import Queue
from cse_team.navigation import Section

READS_LOG = "audit.permissions.can_read_access_log"
LOG = "audit:accessevent_list"


def _oversight(title, name, order, description):
    return Queue(
        title, f"cse_team.oversight.recent_{name}", LOG, allowed=READS_LOG, order=order, description=description,
        query_from=f"cse_team.oversight.{name}_query",
    )  # fmt: skip


class CseTeamConfig(AppConfig):
    """Project-level start-up; the project package holds no models."""

    name = "cse_team"
    verbose_name = "CSE team service"
    navigation = (
        Section("Home", "home", order=0),
        Section("Administration", "admin:index", order=90, allowed="cse_team.navigation.is_staff"),
    )

    # The data protection officer's oversight items: events of the last 7 days in the access log.
    home_queues = (
        _oversight("Shares made this week", "shares", 60, "Records shared with another agency or a person"),
        _oversight("Shares revoked this week", "revocations", 61, "Shares ended before their end date"),
        _oversight("Failed sign-ins this week", "failed_sign_ins", 62, "Sign-ins refused: a wrong password or account"),
        _oversight(
            "Permission changes this week", "permission_changes", 63, "Roles or access changed by administrators"
        ),
    )

    def ready(self):
        from cse_team.api import api_fields_take_json_types
        from cse_team.celery import announce_eager_mode

        announce_eager_mode()
        api_fields_take_json_types()
