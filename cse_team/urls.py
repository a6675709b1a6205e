from django.contrib import admin
from django.urls import include, path

from cse_team import api, views

admin.site.site_header = "CSE case management administration"
admin.site.site_title = "CSE case management"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("accounts.allauth_urls")),
    path("audit/", include("audit.urls")),
    path("sharing/", include("sharing.urls")),
    path("referrals/", include("referrals.urls")),
    path("notifications/", include("notifications.urls")),
    path("mase/", include("mase.urls")),
    path("intelligence/", include("intelligence.urls")),
    path("training/", include("training.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", api.schema_view, name="api_schema"),
    path("api/docs/", api.docs_view, name="api_docs"),
    path("api/", include((api.urlpatterns(), "api"))),
]
