from django.urls import path

from sharing import views

app_name = "sharing"

urlpatterns = [
    path("protocol/", views.ProtocolInForceView.as_view(), name="protocol_in_force"),
    path("protocols/<int:version>/", views.ProtocolDetailView.as_view(), name="protocol_detail"),
    path("protocols/<int:version>/progress/", views.ProtocolProgressView.as_view(), name="protocol_progress"),
    path("records/<str:kind>/<int:pk>/share/", views.ShareCreateView.as_view(), name="share_create"),
    path("records/<str:kind>/<int:pk>/audience/", views.RecordAudienceView.as_view(), name="record_audience"),
    path("records/<str:kind>/<int:pk>/viewers/", views.RecordViewersView.as_view(), name="record_viewers"),
    path("records/<str:kind>/<int:pk>/why/", views.RecordExplanationView.as_view(), name="record_explanation"),
    path("shares/<int:pk>/revoke/", views.ShareRevokeView.as_view(), name="share_revoke"),
]
