"""What every quiz service shares: the refusal a learner is shown and the save grace period."""

from datetime import timedelta

from django.conf import settings


class QuizError(Exception):
    """A request the rules refuse; the message is shown to the learner."""


class AttemptNotFound(QuizError):
    """No attempt of that number belongs to the person."""


NOT_FOUND = "找不到这次作答。"


class AnswerFormatError(QuizError):
    """An answer that is no answer of its question's type (a broken or forged request)."""


def grace() -> timedelta:
    return timedelta(seconds=getattr(settings, "QUIZ_SAVE_GRACE_SECONDS", 60))


# Audit trail actions (``common.audit``); their labels are registered in ``wagtail_hooks``.
MARK_ACTION = "quizzes.mark"
QUESTION_EDIT_ACTION = "quizzes.question_edit"
QUESTION_IMPORT_ACTION = "quizzes.question_import"
PERSONAL_SETTINGS_ACTION = "quizzes.personal_settings"
