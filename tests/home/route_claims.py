ROUTE_CLAIMS = {
    "notifications:notification_list": (
        "the reader's own notifications, each re-checked through visible_to (tests/home/test_notifications.py)"
    ),
    "notifications:notification_open": (
        "404 unless the reader's own and the record is still visible (tests/home/test_notifications.py)"
    ),
    "notifications:notification_mark_all_read": "no personal data: marks the reader's own notifications read",
    "notifications:preference_edit": "no personal data: the reader's own e-mail choice",
    "notifications:notification_unread_badge": "no personal data: the reader's own unread count",
    "notifications:notification_status": (
        "no personal data: the reader's own unread and new counts, each re-checked through visible_to "
        "(tests/home/test_notifications.py)"
    ),
    "api:notification-list": (
        "the reader's own notifications, each re-checked through visible_to at its news's level "
        "(tests/home/test_notifications_api.py)"
    ),
    "api:notification-detail": "404 unless the reader's own and still visible (tests/home/test_notifications_api.py)",
    "api:notification-read": "404 unless the reader's own and still visible (tests/home/test_notifications_api.py)",
    "api:notification-read-all": "no personal data: marks the reader's own notifications read",
    "api:notification-unread-count": "no personal data: the reader's own unread count",
}
