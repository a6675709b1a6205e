"""The intelligence API's routes in the project's /api/ router (see cse_team.api)."""

from cse_team.api import router
from intelligence.api import views

router.register("intelligence/submissions", views.SubmissionViewSet, basename="intelligencesubmission")
router.register("intelligence/reports", views.IntelligenceReportViewSet, basename="intelligencereport")
router.register("intelligence/originals", views.ReportOriginalViewSet, basename="reportoriginal")
router.register("intelligence/persons", views.PersonOfConcernViewSet, basename="personofconcern")
router.register("intelligence/locations", views.LocationViewSet, basename="location")
router.register("intelligence/vehicles", views.VehicleViewSet, basename="vehicle")
router.register("intelligence/associations", views.AssociationViewSet, basename="association")
router.register("intelligence/disruptions", views.DisruptionViewSet, basename="disruption")
router.register("intelligence/reviews", views.ReviewViewSet, basename="review")
router.register("intelligence/disruption-reviews", views.DisruptionReviewViewSet, basename="disruptionreview")
router.register("intelligence/profile-reviews", views.ProfileReviewViewSet, basename="profilereview")
router.register("intelligence/profiles", views.ProblemProfileViewSet, basename="problemprofile")
