from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="notification_list"),
    path("<int:pk>/open/", views.NotificationOpenView.as_view(), name="notification_open"),
    path("read/", views.MarkAllReadView.as_view(), name="notification_mark_all_read"),
    path("unread/", views.UnreadBadgeView.as_view(), name="notification_unread_badge"),
    path("status/", views.NotificationStatusView.as_view(), name="notification_status"),
    path("settings/", views.PreferenceView.as_view(), name="preference_edit"),
]
