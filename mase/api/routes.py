"""The MASE API's routes in the project's /api/ router (see cse_team.api)."""

from cse_team.api import router
from mase.api import views

router.register("mase-meetings", views.MeetingViewSet, basename="meeting")
router.register("mase-agenda-items", views.AgendaItemViewSet, basename="agendaitem")
router.register("mase-actions", views.MaseActionViewSet, basename="maseaction")
router.register("mase-listing-requests", views.ListingRequestViewSet, basename="listingrequest")
