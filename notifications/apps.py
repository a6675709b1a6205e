from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Notifications about records: listed in the service (the header shows the
    unread count) and e-mailed (at once or in a daily digest) through the outbox.
    A platform app beside outbox and audit: feature apps call
    `notifications.services.notify`; it imports no feature app."""

    name = "notifications"
    verbose_name = "Notifications"
