from django.contrib import admin
from django.urls import include, path

from cse_team import views

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
]
