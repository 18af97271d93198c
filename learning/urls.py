from django.urls import include, path

app_name = "learning"

urlpatterns = [
    path("", include("learning.urls_programmes")),
    path("study/", include("learning.urls_study")),
    path("reports/", include("learning.urls_reports")),
]
