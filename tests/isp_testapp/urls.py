"""The project's URLs plus the test-only case file pages (its API routes are
in the project's router: tests/isp_testapp/api/routes.py)."""

from django.urls import path

from cse_team.urls import urlpatterns as project_urlpatterns
from tests.isp_testapp import views

urlpatterns = [
    *project_urlpatterns,
    path("case-files/", views.CaseFileListView.as_view(), name="casefile_list"),
    path("case-files/<int:pk>/", views.CaseFileDetailView.as_view(), name="casefile_detail"),
    path("case-files/<int:pk>/escalate/", views.casefile_escalate, name="casefile_escalate"),
]
