"""The referrals API's routes in the project's /api/ router (see cse_team.api)."""

from cse_team.api import router
from referrals.api import views

router.register("children", views.ChildViewSet, basename="child")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("assessments", views.RiskAssessmentViewSet, basename="riskassessment")
router.register("chronology-entries", views.ChronologyEntryViewSet, basename="chronologyentry")
router.register("actions", views.ActionViewSet, basename="action")
router.register("missing-episodes", views.MissingEpisodeViewSet, basename="missingepisode")
router.register("instruments", views.InstrumentViewSet, basename="instrument")
