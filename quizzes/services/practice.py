"""Practice and the wrong-answer book: instant grading, right and wrong answers in the book,
how far sequential practice got."""

from datetime import datetime

from django.db import transaction

from quizzes import grading
from quizzes.models import Attempt, AttemptQuestion, PracticeProgress, Question, WrongAnswer
from quizzes.models.practice import STREAK_TO_CLEAR


def update_wrong_book(attempt: Attempt, rows: list[AttemptQuestion], now: datetime) -> None:
    """Only once the answers may be seen: the book shows which questions were wrong."""
    for row in rows:
        if row.is_correct is not None and row.response is not None:
            record_outcome(
                user=attempt.user, question_id=row.question_id, correct=row.is_correct, now=now
            )
    Attempt.objects.filter(pk=attempt.pk).update(wrong_book_recorded=True)


def record_released_exams(*, now: datetime) -> int:
    """Put closed exams' wrong answers into the learners' books (held back while open)."""
    released = Attempt.objects.filter(
        status=Attempt.Status.FINISHED, wrong_book_recorded=False, quiz__closes_at__lte=now
    ).select_related("quiz", "user")
    count = 0
    for attempt in released:
        with transaction.atomic():
            update_wrong_book(attempt, list(attempt.paper.all()), now)
        count += 1
    return count


def record_outcome(*, user, question_id: int, correct: bool, now: datetime) -> None:
    """A wrong answer enters (or re-opens) the book; right answers in a row clear it."""
    if not correct:
        entry, _ = WrongAnswer.objects.get_or_create(
            user=user, question_id=question_id, defaults={"last_wrong_at": now}
        )
        WrongAnswer.objects.filter(pk=entry.pk).update(
            wrong_count=entry.wrong_count + 1, right_streak=0, last_wrong_at=now, cleared_at=None
        )
        return
    entry = WrongAnswer.objects.filter(user=user, question_id=question_id, cleared_at=None).first()
    if entry:
        streak = entry.right_streak + 1
        cleared = now if streak >= STREAK_TO_CLEAR else None
        WrongAnswer.objects.filter(pk=entry.pk).update(right_streak=streak, cleared_at=cleared)


def answer_practice(*, user, question: Question, response, now: datetime) -> grading.Grade:
    """Grade a practice answer at once (practice shows the key right after answering)."""
    result = question.grade(response, question.points)
    if result.is_correct is not None:
        with transaction.atomic():
            record_outcome(user=user, question_id=question.pk, correct=result.is_correct, now=now)
    return result


def record_practice_progress(*, user, category, position: int, correct: bool | None) -> None:
    """Remember how far sequential practice got, and how many were answered right."""
    with transaction.atomic():
        progress, _ = PracticeProgress.objects.select_for_update().get_or_create(
            user=user, category=category
        )
        progress.position = max(progress.position, position)
        progress.answered += 1
        progress.correct += bool(correct)
        progress.save()
