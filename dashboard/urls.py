from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("<str:key>.csv", views.IndicatorCsvView.as_view(), name="indicator_csv"),
]
