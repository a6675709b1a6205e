from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("refresh/", views.DashboardRefreshView.as_view(), name="refresh"),
    path("board-report/", views.BoardReportView.as_view(), name="board_report"),
    path("board-report.pdf", views.BoardReportPdfView.as_view(), name="board_report_pdf"),
    path("<str:key>/records/", views.RecordsView.as_view(), name="records"),
    path("<str:key>.csv", views.IndicatorCsvView.as_view(), name="indicator_csv"),
    path("<str:key>/monthly.csv", views.TrendCsvView.as_view(), name="trend_csv"),
]
