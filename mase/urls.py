from django.urls import path

from mase import views

app_name = "mase"
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("panels/<int:pk>/meetings/new/", views.MeetingScheduleView.as_view(), name="meeting_schedule"),
    path("meetings/<int:pk>/steps/<slug:step>/", views.MeetingStepView.as_view(), name="meeting_step"),
    path("meetings/<int:pk>/agenda/", views.AgendaBuilderView.as_view(), name="agenda_builder"),
    path("meetings/<int:pk>/agenda/add-case/", views.AgendaAddCaseView.as_view(), name="agenda_add_case"),
    path("meetings/<int:pk>/agenda/arrange/", views.AgendaArrangeView.as_view(), name="agenda_arrange"),
    path("meetings/<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance_record"),
    path("meetings/<int:pk>/actions/new/", views.ActionCreateView.as_view(), name="action_new"),
    path("meetings/<int:pk>/packs/", views.PackListView.as_view(), name="pack_list"),
    path("meetings/<int:pk>/minutes/", views.MinutesView.as_view(), name="minutes"),
    path("meetings/<int:pk>/minutes/circulate/", views.MinutesCirculateView.as_view(), name="minutes_circulate"),
    path(
        "meetings/<int:pk>/documents/<slug:kind>/progress/",
        views.DocumentProgressView.as_view(),
        name="document_progress",
    ),
    path("packs/<int:pk>/", views.PackDownloadView.as_view(), name="pack_download"),
    path("items/<int:pk>/", views.AgendaItemDetailView.as_view(), name="agendaitem_detail"),
    path("items/<int:pk>/remove/", views.AgendaItemRemoveView.as_view(), name="agendaitem_remove"),
    path("items/<int:pk>/record/", views.AgendaItemRecordView.as_view(), name="agendaitem_record"),
    path("listing-requests/", views.ListingRequestListView.as_view(), name="listingrequest_list"),
    path("listing-requests/new/<int:pk>/", views.ListingRequestCreateView.as_view(), name="listingrequest_new"),
    path("listing-requests/<int:pk>/", views.ListingRequestDetailView.as_view(), name="listingrequest_detail"),
    path("listing-requests/<int:pk>/<slug:step>/", views.ListingStepView.as_view(), name="listingrequest_step"),
    path("panels/<int:pk>/terms/", views.PanelTermsView.as_view(), name="terms_list"),
    path("terms/<int:pk>/", views.TermsDetailView.as_view(), name="terms_detail"),
    path("terms/<int:pk>/<slug:step>/", views.TermsStepView.as_view(), name="terms_step"),
    path("action-plan/", views.ActionPlanView.as_view(), name="action_plan"),
    path("action-plan/<int:pk>/update/", views.PlanUpdateView.as_view(), name="plan_update"),
    path("actions/", views.ActionListView.as_view(), name="action_list"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/<slug:step>/", views.ActionStepView.as_view(), name="action_step"),
]
