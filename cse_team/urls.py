from django.contrib import admin
from django.urls import include, path

from cse_team import views
from referrals.api import docs as api_docs

admin.site.site_header = "CSE case management administration"
admin.site.site_title = "CSE case management"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("sharing/", include("sharing.urls")),
    path("referrals/", include("referrals.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", api_docs.schema_view, name="api_schema"),
    path("api/docs/", api_docs.docs_view, name="api_docs"),
    path("api/", include("referrals.api.urls")),
]
