"""Wagtail hooks of the quizzes app: the question bank ("题库") here, the quiz admin
("测试管理") in ``quizzes.admin_quizzes``."""

from wagtail import hooks

import quizzes.admin_quizzes  # noqa: F401 (registers the quiz admin's hooks)
from quizzes.views_admin import QuestionBankGroup


@hooks.register("register_admin_viewset")
def register_question_bank():
    return QuestionBankGroup()
