from django.urls import path

from quizzes.views import attempts, practice

app_name = "quizzes"

urlpatterns = [
    path("", attempts.quiz_list, name="list"),
    path("history/", attempts.history, name="history"),
    path("practice/", practice.home, name="practice"),
    path("practice/answer/", practice.answer, name="practice_answer"),
    path("practice/favourite/", practice.favourite, name="favourite"),
    path("practice/wrong-book/", practice.wrong_book, name="wrong_book"),
    path(
        "practice/wrong-book/<id:question_id>/remove/", practice.remove_wrong, name="remove_wrong"
    ),
    path("practice/<str:mode>/", practice.question, name="practice_question"),
    path("attempts/<id:pk>/", attempts.attempt_page, name="attempt"),
    path("attempts/<id:pk>/save/", attempts.save, name="save"),
    path("attempts/<id:pk>/state/", attempts.state, name="state"),
    path("attempts/<id:pk>/finish/", attempts.finish, name="finish"),
    path("attempts/<id:pk>/result/", attempts.result, name="result"),
    path("<str:slug>/", attempts.quiz_detail, name="detail"),
    path("<str:slug>/start/", attempts.start, name="start"),
]
