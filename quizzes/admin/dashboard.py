"""The administrator's dashboard panel: questions waiting for review, essays waiting for a mark."""

from wagtail.admin.ui.components import Component

from common.admin import has_any_permission
from quizzes.models import AttemptQuestion, Question
from quizzes.permissions import can_mark


class ToDoPanel(Component):
    name = "quiz_todo"
    order = 50
    template_name = "quizzes/admin/todo_panel.html"

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        review = Question.objects.filter(status=Question.Status.NEEDS_REVIEW)
        unmarked = AttemptQuestion.objects.filter(score__isnull=True, attempt__status="finished")
        return {
            "review_count": review.count()
            if has_any_permission(user, Question, {"change"})
            else None,
            "marking_count": unmarked.count() if can_mark(user) else None,
        }
