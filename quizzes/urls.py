from django.urls import path

from quizzes import views, views_practice

app_name = "quizzes"

urlpatterns = [
    path("", views.quiz_list, name="list"),
    path("history/", views.history, name="history"),
    path("practice/", views_practice.home, name="practice"),
    path("practice/answer/", views_practice.answer, name="practice_answer"),
    path("practice/favourite/", views_practice.favourite, name="favourite"),
    path("practice/wrong-book/", views_practice.wrong_book, name="wrong_book"),
    path("practice/<str:mode>/", views_practice.question, name="practice_question"),
    path("attempts/<int:pk>/", views.attempt_page, name="attempt"),
    path("attempts/<int:pk>/save/", views.save, name="save"),
    path("attempts/<int:pk>/state/", views.state, name="state"),
    path("attempts/<int:pk>/finish/", views.finish, name="finish"),
    path("attempts/<int:pk>/result/", views.result, name="result"),
    path("<str:slug>/", views.quiz_detail, name="detail"),
    path("<str:slug>/start/", views.start, name="start"),
]
