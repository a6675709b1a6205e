from django.urls import path

from intelligence import views
from intelligence.views import disruptions, profiles, reviews

app_name = "intelligence"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report_new"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/sanitise/", views.ReportSanitiseView.as_view(), name="report_sanitise"),
    path("reports/<int:pk>/link/<str:kind>/", views.EntityLinkView.as_view(), name="entity_link"),
    path("reports/<int:pk>/associations/new/", views.AssociationCreateView.as_view(), name="association_new"),
    path("submissions/", views.SubmissionListView.as_view(), name="submission_list"),
    path("submissions/new/", views.SubmissionCreateView.as_view(), name="submission_new"),
    path("submissions/<int:pk>/", views.SubmissionDetailView.as_view(), name="submission_detail"),
    path("submissions/<int:pk>/grade/", views.SubmissionGradeView.as_view(), name="submission_grade"),
    path("submissions/<int:pk>/outcome/", views.SubmissionOutcomeView.as_view(), name="submission_outcome"),
    path("triage/", views.TriageView.as_view(), name="triage"),
    path("entities/<str:kind>/", views.EntityListView.as_view(), name="entity_list"),
    path("entities/<str:kind>/<int:pk>/", views.EntityDetailView.as_view(), name="entity_detail"),
    path("entities/<str:kind>/<int:pk>/network/", views.network_page, name="network"),
    path("entities/<str:kind>/<int:pk>/network.json", views.network_json, name="network_json"),
    path("entities/<str:kind>/<int:pk>/network/export/", views.network_export, name="network_export"),
    path("disruptions/", disruptions.DisruptionListView.as_view(), name="disruption_list"),
    path("disruptions/new/", disruptions.DisruptionCreateView.as_view(), name="disruption_new"),
    path("disruptions/<int:pk>/", disruptions.DisruptionDetailView.as_view(), name="disruption_detail"),
    path("disruptions/<int:pk>/edit/", disruptions.DisruptionEditView.as_view(), name="disruption_edit"),
    path("disruptions/<int:pk>/review/", reviews.DisruptionReviewView.as_view(), name="disruption_review"),
    path("disruptions/<int:pk>/<str:step>/", disruptions.DisruptionStepView.as_view(), name="disruption_step"),
    path("reviews/", reviews.ReviewQueueView.as_view(), name="review_queue"),
    path("reports/<int:pk>/review/", reviews.ReportReviewView.as_view(), name="report_review"),
    path("profiles/", profiles.ProfileListView.as_view(), name="profile_list"),
    path("profiles/new/", profiles.ProfileCreateView.as_view(), name="profile_new"),
    path("profiles/<int:pk>/", profiles.ProfileDetailView.as_view(), name="profile_detail"),
    path("profiles/<int:pk>/edit/", profiles.ProfileEditView.as_view(), name="profile_edit"),
    path("profiles/<int:pk>/pdf/", profiles.ProfilePdfView.as_view(), name="profile_pdf"),
    path("profiles/<int:pk>/review/", reviews.ProfileReviewView.as_view(), name="profile_review"),
    path("profiles/<int:pk>/<str:step>/", profiles.ProfileStepView.as_view(), name="profile_step"),
]
