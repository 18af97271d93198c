"""Writes for quizzes, one module per concern; the public services are importable from here.

Keyword-only, ``now`` passed in, one ``transaction.atomic`` each with row locks where two
requests may race. A ``QuizError`` message is Chinese and shown to the person as it is.
"""

from quizzes.services.attempts import (
    CONFLICT,
    STALE,
    SaveResult,
    finalize_if_overdue,
    finalize_overdue_attempts,
    finish_attempt,
    preview_paper,
    remaining_seconds,
    save_answer,
    start_attempt,
    start_refusal,
)
from quizzes.services.base import (
    NOT_FOUND,
    AnswerFormatError,
    AttemptNotFound,
    QuizError,
    grace,
)
from quizzes.services.deadlines import (
    EXTRA_ATTEMPT_ACTION,
    REOPEN_ACTION,
    Outcome,
    follow_settings,
    grant_attempt,
    reopen_timed_out,
)
from quizzes.services.marking import mark_answer
from quizzes.services.practice import (
    answer_practice,
    record_outcome,
    record_practice_progress,
    record_released_exams,
    remove_from_book,
)
from quizzes.services.versions import (
    REGRADE_ACTION,
    RegradePlan,
    keep_paper_version,
    plan_regrade,
    regrade,
)

__all__ = [
    "CONFLICT",
    "STALE",
    "EXTRA_ATTEMPT_ACTION",
    "REOPEN_ACTION",
    "NOT_FOUND",
    "AnswerFormatError",
    "AttemptNotFound",
    "REGRADE_ACTION",
    "Outcome",
    "QuizError",
    "RegradePlan",
    "SaveResult",
    "answer_practice",
    "finalize_if_overdue",
    "finalize_overdue_attempts",
    "finish_attempt",
    "follow_settings",
    "grace",
    "grant_attempt",
    "keep_paper_version",
    "mark_answer",
    "plan_regrade",
    "record_outcome",
    "record_practice_progress",
    "record_released_exams",
    "preview_paper",
    "regrade",
    "remove_from_book",
    "remaining_seconds",
    "reopen_timed_out",
    "save_answer",
    "start_attempt",
    "start_refusal",
]
