"""Writes for quizzes, one module per concern; the public services are importable from here.

Keyword-only, ``now`` passed in, one ``transaction.atomic`` each with row locks where two
requests may race. A ``QuizError`` message is Chinese and shown to the person as it is.
"""

from quizzes.services.attempts import (
    SaveResult,
    deadline_for,
    finalize_if_overdue,
    finalize_overdue_attempts,
    finish_attempt,
    remaining_seconds,
    save_answer,
    start_attempt,
)
from quizzes.services.base import QuizError, grace
from quizzes.services.marking import mark_answer
from quizzes.services.practice import (
    answer_practice,
    record_outcome,
    record_practice_progress,
    record_released_exams,
)
from quizzes.services.versions import (
    REGRADE_ACTION,
    RegradePlan,
    keep_paper_version,
    plan_regrade,
    regrade,
)

__all__ = [
    "REGRADE_ACTION",
    "QuizError",
    "RegradePlan",
    "SaveResult",
    "answer_practice",
    "deadline_for",
    "finalize_if_overdue",
    "finalize_overdue_attempts",
    "finish_attempt",
    "grace",
    "keep_paper_version",
    "mark_answer",
    "plan_regrade",
    "record_outcome",
    "record_practice_progress",
    "record_released_exams",
    "regrade",
    "remaining_seconds",
    "save_answer",
    "start_attempt",
]
