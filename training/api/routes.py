from cse_team.api import router
from training.api import views

router.register("training/sessions", views.SessionViewSet, basename="training-session")
router.register("training/courses", views.CourseViewSet, basename="training-course")
router.register("training/events", views.EventViewSet, basename="training-event")
router.register("training/plans", views.CommunitySafetyPlanViewSet, basename="training-plan")
router.register("training/priorities", views.PlanPriorityViewSet, basename="training-priority")
