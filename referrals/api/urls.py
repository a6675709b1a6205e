"""The referrals API under /api/ (see referrals.api.views)."""

from rest_framework import routers

from referrals.api import views

router = routers.SimpleRouter()
router.register("children", views.ChildViewSet, basename="child")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("assessments", views.RiskAssessmentViewSet, basename="riskassessment")
router.register("chronology-entries", views.ChronologyEntryViewSet, basename="chronologyentry")
router.register("actions", views.ActionViewSet, basename="action")
router.register("missing-episodes", views.MissingEpisodeViewSet, basename="missingepisode")
router.register("instruments", views.InstrumentViewSet, basename="instrument")

app_name = "referrals-api"
urlpatterns = router.urls
