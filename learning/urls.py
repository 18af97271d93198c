"""Learner and report pages of training, at /learning/ in the "learning" namespace."""

from django.urls import path

from learning.views import programmes, reports, study

app_name = "learning"

urlpatterns = [
    path("", programmes.dashboard, name="dashboard"),
    path("programmes/<str:slug>/", programmes.programme_detail, name="programme"),
    path("certificates/verify/", programmes.verify, name="verify_form"),
    path("certificates/verify/<str:number>/", programmes.verify, name="verify"),
    path("certificates/<str:number>/pdf/", programmes.certificate_pdf, name="certificate_pdf"),
    path("study/lessons/<id:item_id>/", study.lesson, name="lesson"),
    path("study/lessons/<id:item_id>/heartbeat/", study.heartbeat, name="heartbeat"),
    path("study/presence/", study.presence, name="presence"),
    path("study/record/", study.record, name="study_record"),
    path("reports/", reports.report_index, name="reports"),
    path("reports/<id:programme_pk>/", reports.unit_report, name="report_unit"),
    path("reports/<id:programme_pk>/export/", reports.export, name="report_export"),
    path("reports/<id:programme_pk>/chart.json", reports.chart, name="report_chart"),
    path(
        "reports/people/<id:user_id>/reset-password/",
        reports.reset_password,
        name="report_reset_password",
    ),
]
