"""Study pages, mounted at /learning/study/ in the "learning" namespace."""

from django.urls import path

from learning import views_study

urlpatterns = [
    path("lessons/<int:item_id>/", views_study.lesson, name="lesson"),
    path("lessons/<int:item_id>/heartbeat/", views_study.heartbeat, name="heartbeat"),
    path("presence/", views_study.presence, name="presence"),
]
