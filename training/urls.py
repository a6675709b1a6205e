from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.SessionListView.as_view(), name="session_list"),
    path("sessions/new/", views.SessionPlanView.as_view(), name="session_plan"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session_detail"),
    path("sessions/<int:pk>/edit/", views.SessionEditView.as_view(), name="session_edit"),
    path("sessions/<int:pk>/steps/<slug:step>/", views.SessionStepView.as_view(), name="session_step"),
    path("sessions/<int:pk>/register/", views.RegisterImportView.as_view(), name="register_import"),
    path("sessions/<int:pk>/feedback-qr.svg", views.FeedbackQRCodeView.as_view(), name="feedback_qr"),
    path("feedback/<str:token>/", views.FeedbackView.as_view(), name="feedback_form"),
    path("feedback-results/", views.FeedbackResultsView.as_view(), name="feedback_results"),
    path("courses/", views.CourseListView.as_view(), name="course_list"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course_detail"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/new/", views.EventCreateView.as_view(), name="event_new"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event_detail"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_new"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("priorities/<int:pk>/", views.PriorityDetailView.as_view(), name="priority_detail"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("coverage.csv", views.CoverageCSVView.as_view(), name="coverage_csv"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("calendar/reset/", views.CalendarResetView.as_view(), name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
