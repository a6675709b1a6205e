"""The notifications API's routes in the project's /api/ router (see cse_team.api)."""

from cse_team.api import router
from notifications.api import views

router.register("notifications", views.NotificationViewSet, basename="notification")
