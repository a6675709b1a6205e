from django.apps import AppConfig

from cse_team.navigation import Section


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"
    navigation = (
        Section("Access log", "audit:accessevent_list", order=40, allowed="audit.permissions.can_read_access_log"),
    )

    def ready(self):
        from django.contrib.auth import signals

        from audit import receivers

        signals.user_logged_in.connect(receivers.log_login, dispatch_uid="audit.log_login")
        signals.user_logged_out.connect(receivers.log_logout, dispatch_uid="audit.log_logout")
        signals.user_login_failed.connect(receivers.log_failed_login, dispatch_uid="audit.log_failed_login")
