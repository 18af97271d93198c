"""Who may do what in the quiz admin, as actions on Wagtail's permission policies.

* the question bank: each question type's own add / change / delete / view; the list of all
  questions and its export need any permission on the base ``Question`` ("题目"), the Excel
  import its ``add``;
* quizzes (测试/考试): the model permissions on ``Quiz``; the question chooser of blueprints and
  the people chooser of personal settings need ``add`` or ``change`` on ``Quiz``;
* marking (阅卷): ``change`` on ``Attempt`` (作答记录);
* statistics (成绩统计) and their export: ``view`` or ``change`` on ``Attempt``.

Superusers hold every permission; ``register_permissions`` (a hook) offers the two attempt
permissions to group editors in 设置 › 用户组.
"""

from django.contrib.auth.models import Permission

from common.admin import has_any_permission
from common.choosers import allow_chooser
from quizzes.models import Attempt, Quiz

MARKING = frozenset({"change"})
QUIZ_EDIT = frozenset({"add", "change"})
STATISTICS = frozenset({"view", "change"})


def can_mark(user) -> bool:
    return has_any_permission(user, Attempt, MARKING)


def can_see_statistics(user) -> bool:
    return has_any_permission(user, Attempt, STATISTICS)


def can_edit_quizzes(user) -> bool:
    return has_any_permission(user, Quiz, QUIZ_EDIT)


def register_choosers() -> None:
    """Quiz editors choose fixed questions, draw rules' knowledge points and the people of
    personal settings."""
    allow_chooser("quiz_question_chooser", can_edit_quizzes)
    allow_chooser("knowledge_point_chooser", can_edit_quizzes)
    allow_chooser("person_chooser", can_edit_quizzes)


def grantable_permissions():
    """The attempt permissions group editors may grant (Wagtail lists only registered ones)."""
    return Permission.objects.filter(
        content_type__app_label="quizzes", codename__in=["view_attempt", "change_attempt"]
    )
