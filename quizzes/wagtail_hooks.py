"""Registers the quizzes app in the Wagtail admin; the admin itself is in ``quizzes.admin``."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from common.audit import register_audit_actions
from quizzes import permissions
from quizzes.admin.bank import QuestionBankGroup
from quizzes.admin.choosers import knowledge_point_chooser_viewset, question_chooser_viewset
from quizzes.admin.dashboard import ToDoPanel
from quizzes.admin.incidents import IncidentViewSet
from quizzes.admin.marking import MarkingViewSet
from quizzes.admin.quizzes import QuizViewSet
from quizzes.admin.statistics import StatisticsViewSet
from quizzes.admin.versions import QuestionEditAction, QuestionVersionViewSet
from quizzes.models import Question
from quizzes.services import EXTRA_ATTEMPT_ACTION, REGRADE_ACTION, REOPEN_ACTION
from quizzes.services.base import (
    MARK_ACTION,
    PERSONAL_SETTINGS_ACTION,
    QUESTION_EDIT_ACTION,
    QUESTION_IMPORT_ACTION,
)


class QuizAdminGroup(ViewSetGroup):
    menu_label = "测试管理"
    menu_icon = "list-ol"
    menu_name = "quiz-admin"
    menu_order = 260
    items = (QuizViewSet(), MarkingViewSet(), StatisticsViewSet(), IncidentViewSet())


@hooks.register("register_admin_viewset")
def register_admin():
    return [
        QuestionBankGroup(),
        QuizAdminGroup(),
        question_chooser_viewset,
        knowledge_point_chooser_viewset,
        QuestionVersionViewSet(),
    ]


@hooks.register("register_actions")
def register_actions(registry):
    registry.register(Question, QuestionEditAction)


AUDIT_ACTIONS = {
    REGRADE_ACTION: "重新评分",
    REOPEN_ACTION: "恢复作答",
    EXTRA_ATTEMPT_ACTION: "增加作答次数",
    MARK_ACTION: "阅卷评分",
    QUESTION_EDIT_ACTION: "修改题目内容",
    QUESTION_IMPORT_ACTION: "导入题目",
    PERSONAL_SETTINGS_ACTION: "修改个人设置",
}


@hooks.register("register_log_actions")
def register_log_actions(actions):
    register_audit_actions(actions, AUDIT_ACTIONS)


@hooks.register("register_permissions")
def register_attempt_permissions():
    return permissions.grantable_permissions()


@hooks.register("construct_homepage_panels")
def add_todo_panel(request, panels):
    panels.append(ToDoPanel())
