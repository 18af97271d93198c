"""Registers the quizzes app in the Wagtail admin; the admin itself is in ``quizzes.admin``."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

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


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(REGRADE_ACTION, "重新评分", "按更正后的答案重新评分")
    actions.register_action(REOPEN_ACTION, "恢复作答", "恢复了超时结束的作答")
    actions.register_action(EXTRA_ATTEMPT_ACTION, "增加作答次数", "增加了一次作答机会")


@hooks.register("register_permissions")
def register_attempt_permissions():
    return permissions.grantable_permissions()


@hooks.register("construct_homepage_panels")
def add_todo_panel(request, panels):
    panels.append(ToDoPanel())
