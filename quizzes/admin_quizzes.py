"""Wagtail hooks of the quiz admin ("测试管理": 测试/考试, 阅卷, 成绩统计) and its choosers.

Imported by ``quizzes.wagtail_hooks``; see ``quizzes.views_quiz_admin`` for the permissions.
"""

from django.contrib.auth.models import Permission
from wagtail import hooks

from quizzes.views_quiz_admin import (
    QuizAdminGroup,
    person_chooser_viewset,
    question_chooser_viewset,
)


@hooks.register("register_admin_viewset")
def register_quiz_admin():
    return QuizAdminGroup()


@hooks.register("register_admin_viewset")
def register_quiz_choosers():
    return [question_chooser_viewset, person_chooser_viewset]


@hooks.register("register_permissions")
def register_attempt_permissions():
    """Lets group editors grant 阅卷 (change) and 成绩统计 (view) on 作答记录."""
    return Permission.objects.filter(
        content_type__app_label="quizzes", codename__in=["view_attempt", "change_attempt"]
    )
