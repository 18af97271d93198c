"""Wagtail hooks of the quizzes app: the question bank ("题库") here, the quiz admin
("测试管理") in ``quizzes.admin_quizzes``."""

from wagtail import hooks
from wagtail.admin.ui.components import Component

import quizzes.admin_quizzes  # noqa: F401 (registers the quiz admin's hooks)
from quizzes.views_admin import QuestionBankGroup


@hooks.register("register_admin_viewset")
def register_question_bank():
    return QuestionBankGroup()


class ToDoPanel(Component):
    """The administrator's dashboard: questions waiting for review and essays waiting for a mark."""

    name = "quiz_todo"
    order = 50
    template_name = "quizzes/admin/todo_panel.html"

    def get_context_data(self, parent_context):
        from quizzes.models import AttemptQuestion, Question

        user = parent_context["request"].user
        return {
            "review_count": Question.objects.filter(status=Question.Status.NEEDS_REVIEW).count()
            if user.has_perm("quizzes.change_question")
            else None,
            "marking_count": AttemptQuestion.objects.filter(
                score__isnull=True, attempt__status="finished"
            ).count()
            if user.has_perm("quizzes.change_attempt")
            else None,
        }


@hooks.register("construct_homepage_panels")
def add_todo_panel(request, panels):
    panels.append(ToDoPanel())
