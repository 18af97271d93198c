"""Learner URLs of programmes, included at /learning/ in the "learning" namespace."""

from django.urls import path

from learning import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("programmes/<str:slug>/", views.programme_detail, name="programme"),
    path("certificates/verify/", views.verify, name="verify_form"),
    path("certificates/verify/<str:number>/", views.verify, name="verify"),
    path("certificates/<str:number>/pdf/", views.certificate_pdf, name="certificate_pdf"),
]
