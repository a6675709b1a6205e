"""The dashboard API's routes in the project's /api/ router (see cse_team.api)."""

from cse_team.api import router
from dashboard.api import views

router.register("indicators", views.IndicatorViewSet, basename="indicator")
