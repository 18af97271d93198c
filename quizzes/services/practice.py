"""Practice and the wrong-answer book: instant grading, the book scheduled for spaced
re-practice (``quizzes.spacing``), each learner's practice record, how far sequential practice
got."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from quizzes import grading, spacing
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    PracticeProgress,
    PracticeRecord,
    Question,
    WrongAnswer,
)


def update_wrong_book(attempt: Attempt, rows: list[AttemptQuestion], now: datetime) -> None:
    """Only once the answers may be seen: the book shows which questions were wrong. One
    query, one insert and one update for the whole paper, whatever its size."""
    outcomes = {
        row.question_id: row.is_correct
        for row in rows
        if row.is_correct is not None and row.response is not None
    }
    record_outcomes(user=attempt.user, outcomes=outcomes, now=now)
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
    """A wrong answer enters (or re-opens) the book, due again tomorrow; a right one, on a later
    day, reschedules it and clears it at the second such day (``quizzes.spacing``)."""
    record_outcomes(user=user, outcomes={question_id: correct}, now=now)


BOOK_FIELDS = [
    "card", "due_at", "wrong_count", "right_occasions", "last_right_on", "last_wrong_at",
    "cleared_at",
]  # fmt: skip


def record_outcomes(*, user, outcomes: dict[int, bool], now: datetime) -> None:
    """``record_outcome`` for many questions at once (question id → right or wrong): the
    entries are read and locked in one query and written in one insert and one update."""
    if not outcomes:
        return
    entries = WrongAnswer.objects.select_for_update().filter(user=user, question_id__in=outcomes)
    found = {entry.question_id: entry for entry in entries}
    new, changed = [], []
    for question_id, correct in outcomes.items():
        entry = found.get(question_id)
        if entry is None and not correct:
            entry = WrongAnswer(user=user, question_id=question_id, last_wrong_at=now)
        if entry is None:
            continue
        state = spacing.after_answer(_state(entry), correct=correct, now=now, today=_day(now))
        _apply(entry, state, correct, now)
        (changed if entry.pk else new).append(entry)
    WrongAnswer.objects.bulk_create(new)
    WrongAnswer.objects.bulk_update(changed, BOOK_FIELDS)


def _day(moment: datetime):
    return timezone.localdate(moment)


def _state(entry: WrongAnswer) -> spacing.EntryState:
    return spacing.EntryState(
        card=entry.card,
        due_at=entry.due_at,
        wrong_count=entry.wrong_count,
        right_occasions=entry.right_occasions,
        last_wrong_on=_day(entry.last_wrong_at) if entry.pk else None,
        last_right_on=entry.last_right_on,
        cleared=entry.cleared_at is not None,
    )


def _apply(entry: WrongAnswer, state: spacing.EntryState, correct: bool, now: datetime) -> None:
    entry.card, entry.due_at, entry.wrong_count = state.card, state.due_at, state.wrong_count
    entry.right_occasions, entry.last_right_on = state.right_occasions, state.last_right_on
    if not correct:
        entry.last_wrong_at, entry.cleared_at = now, None
    elif state.cleared and entry.cleared_at is None:
        entry.cleared_at = now


def remove_from_book(*, user, question_id: int, now: datetime) -> bool:
    """The learner takes a question out of their book; True if it was there."""
    return bool(
        WrongAnswer.objects.filter(user=user, question_id=question_id, cleared_at=None).update(
            cleared_at=now, due_at=None
        )
    )


def record_practice(*, user, question_id: int, correct: bool | None, now: datetime) -> None:
    """Count the first answer of the day to a question in the learner's practice record."""
    today = _day(now)
    record, created = PracticeRecord.objects.select_for_update().get_or_create(
        user=user, question_id=question_id, defaults={"last_answered_on": today}
    )
    if not created and record.last_answered_on == today:
        return
    record.answered += 1
    record.graded += correct is not None
    record.right += bool(correct)
    record.last_answered_on, record.last_correct = today, correct
    record.save()


def answer_practice(*, user, question: Question, response, now: datetime) -> grading.Grade:
    """Grade a practice answer at once (practice shows the key right after answering), and
    record it in the learner's practice record and wrong-answer book."""
    result = question.grade(response, question.points)
    with transaction.atomic():
        record_practice(user=user, question_id=question.pk, correct=result.is_correct, now=now)
        if result.is_correct is not None:
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
