from django.contrib import admin
from django.urls import include, path

from cse_team import api, views

# Under /api/ a path that matches no route is a JSON 404, as the API's own are.
handler404 = api.not_found
# allauth's own rate limits answer through this: 429 with Retry-After, logged.
handler429 = "accounts.throttle.allauth_rate_limited"

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
