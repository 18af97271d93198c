"""Report URLs, included under /learning/reports/ in the "learning" namespace."""

from django.urls import path

from learning import views_reports

urlpatterns = [
    path("", views_reports.report_index, name="reports"),
    path("<int:programme_pk>/", views_reports.unit_report, name="report_unit"),
    path("<int:programme_pk>/export/", views_reports.export, name="report_export"),
    path("<int:programme_pk>/chart.json", views_reports.chart, name="report_chart"),
]
