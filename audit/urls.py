from django.urls import path

from accounts.decorators import step_up_required
from audit import views

app_name = "audit"

urlpatterns = [
    path("access-log/", views.AccessEventListView.as_view(), name="accessevent_list"),
    path("access-log/export.csv", step_up_required(views.AccessEventExportView.as_view()), name="accessevent_export"),
]
